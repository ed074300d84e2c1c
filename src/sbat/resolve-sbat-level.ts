import { existsSync } from "node:fs";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import { suggest } from "../core/suggest.js";
import { parseSbatLevel, SBAT_VAR_ORIGINAL, type SbatLevel } from "./sbat-level.js";
import { historyLevel, loadSbatLevels } from "./sbat-levels.js";
import type { ShimPayloads } from "./shim-payloads.js";

/** The level policies: SbatPolicy's latest (1) and automatic (2), mokutil's name `previous`, and the original level. */
export const LEVEL_POLICIES = ["latest", "automatic", "previous", "original"] as const;

/** A level and how it was chosen. */
export interface ResolvedLevel {
  readonly level: SbatLevel;
  /** e.g. `latest payload of shimx64.efi's .sbatlevel` */
  readonly how: string;
  /** CVE and PSA ids the history names for this level */
  readonly advisories: readonly string[];
  readonly notes: readonly string[];
}

/**
 * The level `spec` names: `latest` or `automatic` (`previous`) take the payloads of a shim when one is
 * given (its `.sbatlevel`), else upstream's defaults (the newest level of SbatLevel_Variable.txt, and the
 * automatic datestamp of generate_sbat_var_defs.c); `original` is SBAT_VAR_ORIGINAL; `YYYYMMDDCC` is that
 * level of the history (the first, when two share a datestamp, as generate_sbat_var_defs takes it);
 * anything else is a file holding a payload (an efivarfs `SbatLevelRT-…` file too).
 */
export function resolveSbatLevel(
  spec: string,
  payloads?: ShimPayloads & { readonly file: string },
): ResolvedLevel {
  const history = loadSbatLevels();
  const byDate = (datestamp: string) => history.levels.filter((l) => l.datestamp === datestamp);
  const fromHistory = (datestamp: string, how: string): ResolvedLevel => {
    const all = byDate(datestamp);
    const first = all[0];
    if (!first) return fail(error("sbat/unknown-level", `no SbatLevel ${datestamp} in the bundled history`));
    return {
      level: historyLevel(history, first),
      how,
      advisories: first.advisories,
      notes:
        all.length > 1
          ? [
              `${history.file} has ${all.length} payloads dated ${datestamp} (lines ${all.map((l) => l.line).join(", ")}): the first is used, as generate_sbat_var_defs does`,
            ]
          : [],
    };
  };
  const policy = spec === "previous" ? "automatic" : spec;
  if (policy === "latest" || policy === "automatic") {
    const alias = spec === "previous" ? ["`previous` is mokutil's name for `automatic` (shim 30a4f375)"] : [];
    if (payloads) {
      const level = payloads[policy];
      return {
        level,
        how: `the ${policy} payload of ${payloads.file}'s ${payloads.section}`,
        advisories: level.datestamp
          ? (history.levels.find((l) => l.datestamp === level.datestamp)?.advisories ?? [])
          : [],
        notes: alias,
      };
    }
    const d = history[policy];
    const r = fromHistory(
      d.datestamp,
      `upstream shim's ${policy} payload (${d.ref} at ${history.commit.slice(0, 8)})`,
    );
    const own =
      policy === "automatic"
        ? "distributions build shim with their own automatic datestamp: give a shim to use its .sbatlevel"
        : "a shim built before this level carries an older latest payload: give a shim to use its .sbatlevel";
    return { ...r, notes: [...alias, own, ...r.notes] };
  }
  if (policy === "original") {
    return {
      level: parseSbatLevel(SBAT_VAR_ORIGINAL, `${history.original.ref}@${history.commit.slice(0, 8)}`),
      how: "SBAT_VAR_ORIGINAL: no revocations",
      advisories: [],
      notes: [],
    };
  }
  if (/^\d{10}$/.test(spec)) {
    if (byDate(spec).length === 0) {
      const dates = [...new Set(history.levels.map((l) => l.datestamp))];
      const close = suggest(spec, dates);
      fail(
        error(
          "sbat/unknown-level",
          `no SbatLevel dated ${spec} in ${history.file}`,
          undefined,
          `${close.length ? `did you mean ${close[0]}? ` : ""}known: ${dates.join(", ")}`,
        ),
      );
    }
    return fromHistory(spec, `${history.file} at ${history.commit.slice(0, 8)}`);
  }
  if (!existsSync(spec)) {
    fail(
      error(
        "sbat/unknown-level",
        `\`${spec}\` is neither a level policy, a datestamp nor a file`,
        undefined,
        `use ${LEVEL_POLICIES.join(", ")}, a datestamp such as ${history.latest.datestamp}, or a file holding an SbatLevel payload`,
      ),
    );
  }
  const level = parseSbatLevel(readInput(spec, { code: "sbat/unreadable" }), spec);
  return {
    level,
    how: `the payload in ${spec}`,
    advisories: level.datestamp
      ? (history.levels.find((l) => l.datestamp === level.datestamp)?.advisories ?? [])
      : [],
    notes: [],
  };
}
