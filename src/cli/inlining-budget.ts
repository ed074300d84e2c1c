import { setFlagsFromString } from "node:v8";

const FLAG = "max-inlined-bytecode-size-cumulative";
/** V8's own value in Node 20's V8 11.3, as `node --v8-options` says. */
const V8_DEFAULT = 920;
/**
 * The V8 whose default V8_DEFAULT is: on another, putting 920 back could leave the flags changed and
 * every next run would reject the launcher's code cache, so the budget is left as it is there.
 */
const MEASURED_V8 = /^11\.3\./;
/** What `extract` compiles with: measured in BENCHMARKS.md ("TurboFan's inlining budget"). */
const EXTRACT_BUDGET = 120;

/**
 * Narrows TurboFan's inlining budget for the rest of the process (its workers included), unless the
 * user set it. The extractor's walker is a few large recursive functions (`stmt`, `expr`, `call`,
 * `ifStatement`) that V8 optimized with everything they call inlined: those compiles were about a
 * fifth of an extraction's CPU, on V8's background threads, for code that runs no faster. V8 flags
 * are the process's, so the default is put back before the launcher may write its code cache at exit
 * (a cache made under other flags is rejected by the next run).
 */
export function narrowInlining(): void {
  // node takes V8's flags on its command line only (NODE_OPTIONS refuses them)
  if (!MEASURED_V8.test(process.versions.v8)) return;
  if (process.execArgv.some((a) => a.replace(/_/g, "-").startsWith(`--${FLAG}`))) return;
  setFlagsFromString(`--${FLAG}=${EXTRACT_BUDGET}`);
  process.prependOnceListener("exit", () => setFlagsFromString(`--${FLAG}=${V8_DEFAULT}`));
}
