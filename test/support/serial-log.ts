/**
 * What a Xen boot printed on its serial console, reduced to facts: the command line it echoed, the
 * warnings of `parse_params` (xen/common/kernel.c:194-200 at 4.22.0: `parameter "%s" unknown!` and
 * `parameter "%s" has invalid value "%s", rc=%d!`), the panic, and whether the log went far enough
 * for those to be complete.
 */

export interface SerialFacts {
  /** the text after `Command line: `, as Xen echoed it */
  readonly commandLine?: string;
  /** parse_params' warnings, in order, without the `(XEN) ` prefix */
  readonly warnings: readonly string[];
  /** the lines between the panic banners (`Panic on CPU n:` left out) */
  readonly panic?: readonly string[];
  /**
   * the log reached a line Xen prints after the command line is parsed (the heap is set up, or a
   * panic), so every warning the parse printed is in it
   */
  readonly parsed: boolean;
}

const PREFIX = /^\(XEN\) ?/;
export const WARNING = /^parameter ".*" (unknown!|has invalid value ".*", rc=-?\d+!)$/s;

/** The log's lines as Xen printed them, `(XEN) ` cut off (a line without the prefix is kept whole). */
export function xenLines(log: string): string[] {
  return log
    .replace(/\r/g, "")
    .split("\n")
    .map((l) => l.replace(PREFIX, ""));
}

export function readSerialLog(log: string): SerialFacts {
  const lines = xenLines(log);
  const at = lines.findIndex((l) => l.startsWith("Command line: "));
  const commandLine = at >= 0 ? lines[at]?.slice("Command line: ".length) : undefined;
  const warnings = lines.filter((l) => WARNING.test(l));
  const p = lines.findIndex((l) => /^Panic on CPU \d+:$/.test(l));
  let panic: string[] | undefined;
  if (p >= 0) {
    const stop = lines.findIndex((l, i) => i > p && /^\*{20,}$/.test(l));
    panic = lines.slice(p + 1, stop > p ? stop : undefined);
  }
  const parsed =
    at >= 0 && lines.some((l, i) => i > at && (l === "Domain heap initialised" || /^Panic on CPU/.test(l)));
  return { ...(commandLine !== undefined && { commandLine }), warnings, ...(panic && { panic }), parsed };
}
