import { join } from "node:path";
// zod/mini: a cold `sbat check` then loads 30 KB of zod, not the whole classic API
import * as z from "zod/mini";
import { loadJsonFile } from "../core/load-json-file.js";
import { packageRoot } from "../core/package-root.js";
import { parseSbatLevel, type SbatLevel } from "./sbat-level.js";

/** catalogues/sbat/sbat-levels.json: every published SbatLevel, from rhboot/shim (scripts/update-sbat-levels.ts). */
export const SbatLevelsSchema = z.strictObject({
  source: z.string(),
  commit: z.string().check(z.regex(/^[0-9a-f]{40}$/)),
  file: z.string(),
  /** `SBAT_VAR_ORIGINAL`'s datestamp: the level without revocations */
  original: z.strictObject({ datestamp: z.string(), ref: z.string() }),
  /** the automatic payload's datestamp when a build does not set SBAT_AUTOMATIC_DATE */
  automatic: z.strictObject({ datestamp: z.string(), ref: z.string() }),
  /** the newest payload, which a build embeds as its latest */
  latest: z.strictObject({ datestamp: z.string(), ref: z.string() }),
  levels: z.array(
    z.strictObject({
      datestamp: z.string().check(z.regex(/^\d{10}$/)),
      payload: z.string(),
      /** the payload's first line in the file */
      line: z.int().check(z.positive()),
      /** the commit that wrote that line */
      added: z.string(),
      /** CVE and PSA ids named above the payload */
      advisories: z.array(z.string()),
    }),
  ),
});
export type SbatLevelHistory = z.infer<typeof SbatLevelsSchema>;
export type SbatLevelRecord = SbatLevelHistory["levels"][number];

let cached: SbatLevelHistory | undefined;

/** The bundled SbatLevel history (read once). */
export function loadSbatLevels(): SbatLevelHistory {
  cached ??= loadJsonFile(join(packageRoot(), "catalogues", "sbat", "sbat-levels.json"), SbatLevelsSchema, {
    code: "sbat/corrupt-levels",
    what: "an SbatLevel history",
    help: "regenerate it with `npx tsx scripts/update-sbat-levels.ts`",
  });
  return cached;
}

/** A level of the history as an SbatLevel whose lines are the file's lines. */
export function historyLevel(history: SbatLevelHistory, level: SbatLevelRecord): SbatLevel {
  const source = `${history.file}@${history.commit.slice(0, 8)}`;
  const parsed = parseSbatLevel(level.payload, source);
  const shift = level.line - 1;
  return {
    ...parsed,
    source: `${source}:${level.line}`,
    entries: parsed.entries.map((e) => ({
      ...e,
      line: e.line + shift,
      span: { ...e.span, line: e.line + shift },
    })),
  };
}
