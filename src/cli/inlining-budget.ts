import { setV8Flag } from "./v8-flag.js";

const FLAG = "max-inlined-bytecode-size-cumulative";
/** What `extract` compiles with: measured in BENCHMARKS.md ("TurboFan's inlining budget"). */
const EXTRACT_BUDGET = 120;

/**
 * Narrows TurboFan's inlining budget for the rest of the process (its workers included), unless the
 * user set it. The extractor's walker is a few large recursive functions (`stmt`, `expr`, `call`,
 * `ifStatement`) that V8 optimized with everything they call inlined: those compiles were about a
 * fifth of an extraction's CPU, on V8's background threads, for code that runs no faster. V8 11.3's
 * default (920) is put back at exit.
 */
export function narrowInlining(): void {
  setV8Flag([FLAG], `--${FLAG}=${EXTRACT_BUDGET}`, `--${FLAG}=920`);
}
