import { InputError } from "./errors.js";
import type { Span } from "./span.js";

/**
 * Runs `f`; the diagnostics of bad input it raises that have no place get `span`: a value read from
 * a file (a system's `xen: 4.99.0`) is reported where the file says it, not as if typed on the command line.
 * A function for `span` is called only when a diagnostic needs the place.
 */
export function atSpan<T>(span: Span | undefined | (() => Span | undefined), f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!span || !(e instanceof InputError)) throw e;
    const at = typeof span === "function" ? span() : span;
    if (!at) throw e;
    throw new InputError(e.diagnostics.map((d) => (d.span ? d : { ...d, span: at })));
  }
}
