import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Span } from "../core/span.js";
import { parseShimCsv } from "./shim-csv.js";
import { shimGeneration } from "./shim-generation.js";

/** One `component,generation` line of an SbatLevel. */
export interface SbatLevelEntry {
  readonly component: string;
  readonly generationText: string;
  /** the number shim compares (see `shimGeneration`) */
  readonly generation: number;
  readonly line: number;
  readonly span: Span;
}

/** An SbatLevel payload: `sbat,1,YYYYMMDDCC` and then `component,generation` lines. */
export interface SbatLevel {
  /** where it came from: a file, `SbatLevel_Variable.txt:131`, a shim's `.sbatlevel` section */
  readonly source: string;
  /** the payload as text (without an efivarfs attribute prefix) */
  readonly text: string;
  /** the `sbat` line's version (`1`) and datestamp, when the first line is `sbat,…` */
  readonly version?: string;
  readonly datestamp?: string;
  /** every line, the `sbat` line included: shim checks an image's `sbat,1` header against it */
  readonly entries: readonly SbatLevelEntry[];
  /** the UEFI variable attributes, when the data was an efivarfs file (4 bytes of attributes first) */
  readonly attributes?: number;
}

/** `SBAT_VAR_ORIGINAL` (include/sbat_var_defs.h:17): the level with no revocations. */
export const SBAT_VAR_ORIGINAL = "sbat,1,2021030218\n";

/**
 * Parses an SbatLevel payload as shim parses the variable (`parse_sbat_var_data`, sbat.c:218-302 at
 * rhboot/shim 72fd4b70): shim's CSV reader with 3 columns, at least 2 fields a line, no empty field
 * among the first 3; the datestamp is the third field of the `sbat` line. A payload with no lines is
 * valid and revokes nothing. An efivarfs file (`SbatLevelRT-605dab50-…`, 4 bytes of attributes before
 * the payload) is read too.
 */
export function parseSbatLevel(data: Uint8Array | string, source: string): SbatLevel {
  let bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let attributes: number | undefined;
  // efivarfs puts the attributes (a little-endian u32) before the value
  if (
    bytes.length >= 9 &&
    bytes[1] === 0 &&
    bytes[2] === 0 &&
    bytes[3] === 0 &&
    Buffer.from(bytes.subarray(4, 9)).toString("latin1") === "sbat,"
  ) {
    attributes = bytes[0] as number;
    bytes = bytes.subarray(4);
  }
  const skip = attributes === undefined ? 0 : 4;
  const csv = parseShimCsv(bytes, 3);
  const errors: Diagnostic[] = [];
  const entries: SbatLevelEntry[] = [];
  let datestamp: string | undefined;
  for (const row of csv.rows) {
    const text = Buffer.from(bytes.subarray(row.start, row.end)).toString("utf8");
    const span: Span = {
      file: source,
      line: row.line,
      column: row.start - row.lineStart + 1,
      offset: skip + row.start,
      endOffset: skip + row.end,
    };
    if (row.columns < 2) {
      errors.push(
        error(
          "sbat/level-too-few-fields",
          `\`${text}\` has no comma: an SbatLevel line is \`component,generation\``,
          span,
          "shim refuses the whole payload (EFI_INVALID_PARAMETER in parse_sbat_var_data, sbat.c:247)",
        ),
      );
      continue;
    }
    const empty = row.fields.slice(0, row.columns).findIndex((f) => f.text === "");
    if (empty >= 0) {
      const f = row.fields[empty] as { offset: number };
      errors.push(
        error(
          "sbat/level-empty-field",
          `field ${empty + 1} of \`${text}\` is empty`,
          {
            ...span,
            column: f.offset - row.lineStart + 1,
            offset: skip + f.offset,
            endOffset: skip + f.offset,
          },
          "shim refuses the whole payload (EFI_INVALID_PARAMETER in parse_sbat_var_data, sbat.c:256)",
        ),
      );
      continue;
    }
    const [component, generationText] = [row.fields[0]?.text ?? "", row.fields[1]?.text ?? ""];
    if (entries.length === 0 && row.columns === 3) datestamp = row.fields[2]?.text;
    entries.push({
      component,
      generationText,
      generation: shimGeneration(generationText),
      line: row.line,
      span,
    });
  }
  if (errors.length > 0) throw new InputError(errors);
  const header = entries[0]?.component === "sbat" ? entries[0] : undefined;
  return {
    source,
    text: Buffer.from(bytes.subarray(0, csv.stop)).toString("utf8"),
    ...(header && { version: header.generationText }),
    ...(header && datestamp !== undefined && { datestamp }),
    entries,
    ...(attributes !== undefined && { attributes }),
  };
}
