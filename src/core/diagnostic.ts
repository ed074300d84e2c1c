import type { Span } from "./span.js";

export type Severity = "error" | "warning" | "note";

/** A problem found in an input, as data; renderers decide how it looks. */
export interface Diagnostic {
  /** Stable code, e.g. `system/unknown-key`. */
  readonly code: string;
  readonly severity: Severity;
  /** Lowercase, no final period, user input in backticks. */
  readonly message: string;
  readonly span?: Span;
  readonly help?: string;
}

/** Builds an error diagnostic. */
export function error(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { code, severity: "error", message, ...(span && { span }), ...(help && { help }) };
}
