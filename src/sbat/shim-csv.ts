import { lineIndex } from "../core/line-index.js";

/** One row of shim's CSV reader: where its line is, and its fields. */
export interface CsvRow {
  /** byte offset of the line's first byte, and of the byte that ended it (`\r`, `\n` or NUL) */
  readonly start: number;
  readonly end: number;
  /** 1-based line number, counting `\n`, `\r\n` and a lone `\r` as one line break each */
  readonly line: number;
  /** where that line starts (before a BOM or a skipped NUL), for columns */
  readonly lineStart: number;
  /** every comma-separated field of the line, with its byte offset */
  readonly fields: readonly { readonly text: string; readonly offset: number }[];
  /**
   * how many fields shim fills in (`n_columns`): 0 for a line without a comma, else the number of fields
   * up to the number of columns asked for; the rest are ignored
   */
  readonly columns: number;
}

/** What shim's reader took from the data, and where it stopped. */
export interface CsvData {
  readonly rows: readonly CsvRow[];
  readonly bom: boolean;
  /** the offset where reading stopped: a NUL, or the end of the data */
  readonly stop: number;
}

const CR = 0x0d;
const LF = 0x0a;
// ignoreBOM: a BOM inside a field is part of it (only the one at the start of the data is skipped)
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * shim's CSV reader (`parse_csv_data` and `parse_csv_line`, csv.c at rhboot/shim 72fd4b70, with
 * `strntoken` and `strnchrnul` from include/str.h) over `data` as shim sees it, with a NUL after it:
 * a leading UTF-8 BOM is skipped; lines end at `\r`, `\n` or NUL, and runs of `\r`/`\n` are skipped, so
 * blank lines give no rows; a NUL that ends a line with text ends the data, as does a NUL right after a
 * line's single terminator, while a NUL after a run of two or more line-break bytes is skipped like an
 * empty line; fields are split at `,` only, with no quoting and no trimming.
 */
export function parseShimCsv(data: Uint8Array, columns: number): CsvData {
  const n = data.length;
  // the reader works on a copy that ends with a NUL, as shim's callers make one
  const at = (i: number) => (i < n ? (data[i] as number) : 0);
  const starts = lineStarts(data);
  const rows: CsvRow[] = [];
  let line = 0;
  const bom = n >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  if (bom) line = 3;
  for (;;) {
    if (line > n || at(line) === 0) break;
    // skip the line breaks before the line
    while (line < n && (at(line) === CR || at(line) === LF)) line++;
    let end = line;
    while (end < n && at(end) !== CR && at(end) !== LF && at(end) !== 0) end++;
    const eof = at(end) === 0;
    // an empty line here starts with a NUL (or is the end of the data): step over it
    if (end === line) {
      line = end + 1;
      continue;
    }
    const text = data.subarray(line, end);
    const fields: { text: string; offset: number }[] = [];
    let from = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === 0x2c) {
        fields.push({ text: utf8.decode(text.subarray(from, i)), offset: line + from });
        from = i + 1;
      }
    }
    const number = lineOf(starts, line);
    rows.push({
      start: line,
      end,
      line: number,
      lineStart: starts[number - 1] as number,
      fields,
      columns: fields.length > 1 ? Math.min(columns, fields.length) : 0,
    });
    if (eof) return { rows, bom, stop: end };
    line = end + 1;
  }
  return { rows, bom, stop: Math.min(line, n) };
}

/** Byte offsets where lines start: after `\n`, `\r\n` or a lone `\r`. */
export function lineStarts(data: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === LF || (data[i] === CR && data[i + 1] !== LF)) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line of a byte offset. */
export function lineOf(starts: readonly number[], offset: number): number {
  return lineIndex(starts, offset) + 1;
}
