import type { Diagnostic } from "./diagnostic.js";

/** Bad input or bad usage: the CLI prints the diagnostics and exits 2. */
export class InputError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    // the first few: an input with an error per byte must not make a message of all of them
    const more = diagnostics.length > 10 ? `; and ${diagnostics.length - 10} more` : "";
    super(
      `${diagnostics
        .slice(0, 10)
        .map((d) => d.message)
        .join("; ")}${more}`,
    );
    this.name = "InputError";
    this.diagnostics = diagnostics;
  }
}

/** Throws an InputError with one diagnostic. */
export function fail(diagnostic: Diagnostic): never {
  throw new InputError([diagnostic]);
}
