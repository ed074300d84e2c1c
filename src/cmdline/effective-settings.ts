import type { OptionEntry } from "./option-catalogue.js";
import type { ParsedToken } from "./parse-params.js";

/** What an option holds after the whole line: the last value written, or every handler call in order. */
export interface Setting {
  readonly entry: OptionEntry;
  /** the value of the last write (left to right, the last one wins) */
  readonly value?: boolean | bigint | string;
  /** custom handlers run once per occurrence, in order: each argument */
  readonly calls: readonly string[];
  /** the tokens (indexes into the parsed line) that touched it */
  readonly from: readonly number[];
}

/** The settings a parsed line leaves, one per registration it touched, in the order first touched. */
export function effectiveSettings(tokens: readonly ParsedToken[]): Setting[] {
  const byEntry = new Map<
    OptionEntry,
    { value?: boolean | bigint | string; calls: string[]; from: number[] }
  >();
  tokens.forEach((t, i) => {
    for (const a of t.applied) {
      const s = byEntry.get(a.entry) ?? { calls: [], from: [] };
      byEntry.set(a.entry, s);
      s.from.push(i);
      if (a.outcome.kind === "set") s.value = a.outcome.value;
      else if (a.outcome.kind === "call") s.calls.push(a.outcome.arg);
    }
  });
  return [...byEntry].map(([entry, s]) => ({
    entry,
    ...(s.value !== undefined && { value: s.value }),
    calls: s.calls,
    from: s.from,
  }));
}
