import type { Diagnostic } from "../core/diagnostic.js";
import type { ImageSbat } from "./image-sbat.js";
import { SBAT_RULES, type SbatRecord } from "./parse-sbat.js";
import type { SbatLevel, SbatLevelEntry } from "./sbat-level.js";

export interface CheckSbatOptions {
  /**
   * the image is verified through shim's protocol (as Xen verifies dom0's kernel), not loaded by shim:
   * then an image without SBAT data passes
   */
  readonly viaProtocol?: boolean;
}

/** One image record against the level. */
export interface SbatRecordCheck {
  readonly component: string;
  readonly generationText: string;
  readonly generation: number;
  readonly line: number;
  /** the level's first entry of the same name, which shim compares against */
  readonly entry?: { readonly component: string; readonly generation: number; readonly line: number };
  /** `revoked`: below the entry; `not-listed`: no entry of this name; `not-reached`: after the revoking record */
  readonly result: "pass" | "revoked" | "not-listed" | "not-reached";
}

/** Whether shim lets an image through under a level, and why. */
export interface SbatCheck {
  readonly verdict: "pass" | "revoked" | "refused";
  readonly reason: string;
  readonly records: readonly SbatRecordCheck[];
  /** the first revoked record and the entry that revokes it: the generation needed is the entry's */
  readonly revokedBy?: {
    readonly record: SbatRecordCheck;
    readonly entry: { readonly component: string; readonly generation: number; readonly line: number };
    readonly needed: number;
  };
  /**
   * when shim cannot parse the `.sbat` text: every record that breaks a rule, the first being the one shim
   * stops at; each diagnostic's code is the rule (`sbat/too-few-fields`, `sbat/empty-field`)
   */
  readonly invalid?: readonly Diagnostic[];
}

/**
 * shim's SBAT verdict for an image under a level, with Secure Boot on (`verify_buffer_sbat`,
 * verify.c:658-712; `verify_sbat_section`, pe.c:477-537; `verify_sbat_helper` and `verify_single_entry`,
 * sbat.c:134-207, at rhboot/shim 72fd4b70): an image with several `.sbat` sections or relocations in it is
 * refused; with an empty level everything passes; `.sbat` text that does not parse is rejected, naming the first
 * record that breaks a rule of parse_sbat_section (sbat.c:55-69) and the rule; an image
 * without SBAT data is refused when shim loads it and passes through the protocol; otherwise each record, in order, is compared with the level's first
 * entry of the same name, and the first whose generation is below the entry's revokes the image. The
 * image's `sbat,1` header is a record like the others.
 */
export function checkSbat(image: ImageSbat, level: SbatLevel, options: CheckSbatOptions = {}): SbatCheck {
  const records = image.sbat?.records ?? [];
  if (image.refused)
    return { verdict: "refused", reason: `shim refuses the image: ${image.refused}`, records: [] };
  if (level.entries.length === 0)
    return {
      verdict: "pass",
      reason: "the level is empty: shim checks nothing",
      records: records.map(unchecked),
    };
  if (image.invalid) {
    // parse_sbat_section stops at the first record that breaks a rule: that record decides
    const first = image.invalid[0] as Diagnostic;
    const rule = SBAT_RULES[first.code as keyof typeof SBAT_RULES] ?? first.code;
    return {
      verdict: "refused",
      reason: `shim cannot parse the .sbat section and rejects the image: ${first.message}${first.span ? ` (line ${first.span.line})` : ""}, rule ${first.code} (${rule})`,
      records: [],
      invalid: image.invalid,
    };
  }
  if (!image.sbat) {
    return options.viaProtocol
      ? {
          verdict: "pass",
          reason: `${image.missing}: verified through the shim protocol, it passes`,
          records: [],
        }
      : {
          verdict: "refused",
          reason: `${image.missing}: shim refuses to load it (SBAT is mandatory for images it loads)`,
          records: [],
        };
  }
  const first = new Map<string, SbatLevelEntry>();
  for (const e of level.entries) if (!first.has(e.component)) first.set(e.component, e);
  const checks: SbatRecordCheck[] = [];
  let revokedBy: SbatCheck["revokedBy"];
  for (const r of records) {
    const e = first.get(r.component);
    const entry = e && { component: e.component, generation: e.generation, line: e.line };
    const base = { ...unchecked(r), ...(entry && { entry }) };
    if (revokedBy) checks.push({ ...base, result: "not-reached" });
    else if (!entry) checks.push({ ...base, result: "not-listed" });
    else if (r.generation < entry.generation) {
      const check: SbatRecordCheck = { ...base, result: "revoked" };
      checks.push(check);
      revokedBy = { record: check, entry, needed: entry.generation };
    } else checks.push({ ...base, result: "pass" });
  }
  if (revokedBy) {
    const { record, entry } = revokedBy;
    return {
      verdict: "revoked",
      reason: `\`${record.component},${record.generationText}\` (line ${record.line}) is below \`${entry.component},${entry.generation}\` of the level${entry.line ? ` (line ${entry.line})` : ""}: generation ${entry.generation} or more is needed`,
      records: checks,
      revokedBy,
    };
  }
  const compared = checks.filter((c) => c.result === "pass").length;
  return {
    verdict: "pass",
    reason: `${compared} of ${checks.length} records are in the level, none below it`,
    records: checks,
  };
}

function unchecked(r: SbatRecord): SbatRecordCheck {
  return {
    component: r.component,
    generationText: r.generationText,
    generation: r.generation,
    line: r.line,
    result: "not-listed",
  };
}
