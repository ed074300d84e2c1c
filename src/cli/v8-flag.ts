import { setFlagsFromString } from "node:v8";

/**
 * The V8 whose defaults the callers give (Node 20's 11.3, as `node --v8-options` says): on another,
 * putting a default back could leave the flags changed, and every next run would reject the
 * launcher's code cache, so nothing is set there.
 */
const MEASURED_V8 = /^11\.3\./;

/**
 * Sets V8 flags for the rest of the process (its workers included), unless the user gave one of
 * `names` on node's command line (NODE_OPTIONS refuses V8's flags) or V8 is not the one measured.
 * V8 flags are the process's, so `v8Defaults` (the flags set and those they imply) are put back
 * before the launcher may write its code cache at exit: a cache made under other flags is rejected
 * by the next run. `names` without their `--` or `--no-`.
 */
export function setV8Flag(names: readonly string[], value: string, v8Defaults: string): void {
  if (!MEASURED_V8.test(process.versions.v8)) return;
  // `--no-x`, `--nox` and `--x=…` all name x
  const given = (a: string) => a.replace(/_/g, "-").replace(/^--no-?/, "--");
  if (process.execArgv.some((a) => names.some((n) => given(a).startsWith(`--${n}`)))) return;
  setFlagsFromString(value);
  // once per process (the build's training run extracts ten times in one)
  if (restoring.has(v8Defaults)) return;
  restoring.add(v8Defaults);
  process.prependOnceListener("exit", () => setFlagsFromString(v8Defaults));
}

/** The defaults already put back at exit. */
const restoring = new Set<string>();
