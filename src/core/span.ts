/** A place in an input file; lines and columns count from 1. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** Renders a span as `file:line:column`. */
export function formatSpan(span: Span): string {
  return `${span.file}:${span.line}:${span.column}`;
}
