import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Span } from "../core/span.js";
import { type CsvRow, parseShimCsv } from "./shim-csv.js";
import { shimGeneration } from "./shim-generation.js";

/** One record of an image's `.sbat` section. */
export interface SbatRecord {
  readonly component: string;
  /** the generation field as written */
  readonly generationText: string;
  /** the number shim compares: `atoi` (EDK2's, garbage is 0) stored in 16 bits */
  readonly generation: number;
  readonly vendorName: string;
  readonly vendorPackageName: string;
  readonly vendorVersion: string;
  readonly vendorUrl: string;
  /** fields after the sixth, which shim ignores */
  readonly extra: readonly string[];
  /** the record's line as written */
  readonly text: string;
  readonly line: number;
  readonly span: Span;
  /** where the generation field is */
  readonly generationSpan: Span;
}

/** A parsed `.sbat` section: its records and what shim reads differently from what it looks like. */
export interface SbatSection {
  readonly records: readonly SbatRecord[];
  /** notes on records shim reads in a surprising way (blanks, garbage generations, data after a NUL) */
  readonly warnings: readonly Diagnostic[];
  readonly bom: boolean;
}

export interface ParseSbatOptions {
  /** the byte offset of the data in `file` (a section in a PE image), added to every span's offset */
  readonly offset?: number;
}

/** SBAT's six columns (include/sbat.h, `struct sbat_section_entry`). */
export const SBAT_FIELDS = [
  "component_name",
  "component_generation",
  "vendor_name",
  "vendor_package_name",
  "vendor_version",
  "vendor_url",
] as const;

/** The first line of every `.sbat` section (SBAT.md). */
export const SBAT_HEADER = "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md";

/** Why a record that breaks one of parse_sbat_section's two rules stops the image loading. */
const rejected = (rule: string) =>
  `shim rejects the whole section at the first such record (${rule}: EFI_INVALID_PARAMETER from parse_sbat_section, which verify_sbat_section returns, pe.c:512-516, and verify_buffer with it, verify.c:732), so the image does not load while any SbatLevel is set`;
/** The two rules, at rhboot/shim 72fd4b70. */
export const SBAT_RULES = {
  "sbat/too-few-fields": "row->n_columns < SBAT_SECTION_COLUMNS, sbat.c:55-60",
  "sbat/empty-field": "row->columns[i][0] == '\\000', sbat.c:64-69",
} as const;

/**
 * Parses `.sbat` data with shim's rules (`parse_sbat_section`, sbat.c at rhboot/shim 72fd4b70, over
 * csv.c): see `parseShimCsv` for lines and fields. A record needs 6 fields, more are ignored; an empty
 * field among the 6 makes the whole section invalid, as does a record with fewer (sbat.c:55-69; shim stops at
 * the first, the first error here): every such record is reported, in one InputError with `file:line:column` spans. Data with no records is valid and empty.
 */
export function parseSbat(
  data: Uint8Array | string,
  file: string,
  options: ParseSbatOptions = {},
): SbatSection {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const base = options.offset ?? 0;
  const csv = parseShimCsv(bytes, SBAT_FIELDS.length);
  const spanAt = (row: CsvRow, offset: number, end = offset): Span => ({
    file,
    line: row.line,
    column: offset - row.lineStart + 1,
    offset: base + offset,
    endOffset: base + end,
  });
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const records: SbatRecord[] = [];
  for (const row of csv.rows) {
    const text = Buffer.from(bytes.subarray(row.start, row.end)).toString("utf8");
    if (row.columns < SBAT_FIELDS.length) {
      errors.push(
        error(
          "sbat/too-few-fields",
          `\`${text}\` has ${row.columns === 0 ? "no comma" : `${row.columns} fields`}: a record needs 6 (${SBAT_FIELDS.join(", ")})`,
          spanAt(row, row.start, row.end),
          rejected(SBAT_RULES["sbat/too-few-fields"]),
        ),
      );
      continue;
    }
    const empty = row.fields.slice(0, SBAT_FIELDS.length).findIndex((f) => f.text === "");
    if (empty >= 0) {
      const f = row.fields[empty] as { offset: number };
      errors.push(
        error(
          "sbat/empty-field",
          `field ${empty + 1} (${SBAT_FIELDS[empty]}) of \`${row.fields[0]?.text}\` is empty`,
          spanAt(row, f.offset),
          `${rejected(SBAT_RULES["sbat/empty-field"])}; write something in every field`,
        ),
      );
      continue;
    }
    const [c, g, vn, vp, vv, vu] = row.fields.map((f) => f.text) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const genField = row.fields[1] as { offset: number };
    const record: SbatRecord = {
      component: c,
      generationText: g,
      generation: shimGeneration(g),
      vendorName: vn,
      vendorPackageName: vp,
      vendorVersion: vv,
      vendorUrl: vu,
      extra: row.fields.slice(SBAT_FIELDS.length).map((f) => f.text),
      text,
      line: row.line,
      span: spanAt(row, row.start, row.end),
      generationSpan: spanAt(row, genField.offset, genField.offset + g.length),
    };
    records.push(record);
    warnings.push(...recordWarnings(record));
  }
  if (errors.length > 0) throw new InputError(errors);
  const after = bytes.subarray(csv.stop + 1).findIndex((b) => b !== 0);
  if (after >= 0) {
    const at = csv.stop + 1 + after;
    warnings.push({
      code: "sbat/after-nul",
      severity: "warning",
      message: `shim stops reading at the NUL at byte ${csv.stop}: the text after it is not read`,
      span: { file, line: 0, column: 0, offset: base + at },
      help: "a NUL ends the data when it ends a line or follows a single line break (csv.c, parse_csv_data)",
    });
  }
  return { records, warnings, bom: csv.bom };
}

/** What shim makes of a record that a reader would take otherwise. */
export function recordWarnings(r: SbatRecord): Diagnostic[] {
  const out: Diagnostic[] = [];
  const note = (code: string, message: string, span: Span, help: string) =>
    out.push({ code, severity: "warning", message, span, help });
  if (r.component !== r.component.trim()) {
    note(
      "sbat/component-blank",
      `component \`${r.component}\` has a blank: it matches no revocation of \`${r.component.trim()}\``,
      r.span,
      "shim compares component names with strcmp and does not trim fields (sbat.c:138): remove the blank",
    );
  }
  if (!/^(0|[1-9][0-9]*)$/.test(r.generationText)) {
    const reads = r.generation === 0 ? "0, which any SbatLevel entry for it revokes" : String(r.generation);
    note(
      "sbat/generation-not-decimal",
      `generation \`${r.generationText}\` of \`${r.component}\` is read as ${reads}`,
      r.generationSpan,
      "shim reads generations with EDK2's AsciiStrDecimalToUintn: blanks and leading zeros are skipped, and it stops at the first non-digit (Cryptlib/SysCall/BaseStrings.c:70)",
    );
  } else if (r.generationText.length > 5 || Number(r.generationText) > 0xffff) {
    note(
      "sbat/generation-wraps",
      `generation ${r.generationText} of \`${r.component}\` is compared as ${r.generation}`,
      r.generationSpan,
      "shim keeps generations in 16 bits (UINT16 in verify_single_entry, sbat.c:136): stay at or below 65535",
    );
  }
  return out;
}
