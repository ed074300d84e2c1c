/**
 * A place in an input file; lines and columns count from 1. A binary input (a DTB) has no lines:
 * its spans have line and column 0 and give the byte offset.
 */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  /** byte offset from the start of the text or blob that was read, counting from 0 */
  readonly offset?: number;
  readonly endOffset?: number;
}

/** Renders a span as `file:line:column`, or `file@0x1c` for a byte offset in a binary file. */
export function formatSpan(span: Span): string {
  if (span.line === 0 && span.offset !== undefined) return `${span.file}@0x${span.offset.toString(16)}`;
  return `${span.file}:${span.line}:${span.column}`;
}
