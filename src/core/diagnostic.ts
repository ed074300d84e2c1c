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
  /** where the rule comes from in Xen (`path:line` at a release), for rules taken from its source */
  readonly ref?: string;
}

/** Builds an error diagnostic. */
export function error(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { code, severity: "error", message, ...(span && { span }), ...(help && { help }) };
}
