import type { Diagnostic } from "./diagnostic.js";

/** Bad input or bad usage: the CLI prints the diagnostics and exits 2. */
export class InputError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "InputError";
    this.diagnostics = diagnostics;
  }
}

/** Throws an InputError with one diagnostic. */
export function fail(diagnostic: Diagnostic): never {
  throw new InputError([diagnostic]);
}
