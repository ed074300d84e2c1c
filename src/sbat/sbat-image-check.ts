import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readPeFile } from "../pe/read-pe.js";
import { checkSbat, type SbatCheck } from "./check-sbat.js";
import { type ImageSbat, imageSbat } from "./image-sbat.js";
import {
  type BumpRecommendation,
  type BumpRequirement,
  levelRequirements,
  recommendBump,
} from "./recommend-bump.js";
import { type ResolvedLevel, resolveSbatLevel } from "./resolve-sbat-level.js";
import type { SbatLevel, SbatLevelEntry } from "./sbat-level.js";
import { shimPayloads } from "./shim-payloads.js";

export interface SbatCheckOptions {
  readonly level: string;
  readonly shim?: string;
  readonly viaProtocol?: boolean;
  /** `component=generation`, an advisory's demand on top of the level */
  readonly require: readonly string[];
}

/** `component=N` → a requirement; anything else is bad usage. */
function requirement(spec: string): BumpRequirement {
  const m = /^([^=,\s]+)=(\d+)$/.exec(spec);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 0xffff) {
    fail(
      error(
        "cli/bad-require",
        `\`--require ${spec}\` is not \`component=generation\``,
        undefined,
        "for example `--require xen.xs=3`; generations go from 1 to 65535",
      ),
    );
  }
  return { component: m[1] as string, generation: Number(m[2]) };
}

/** The level with an advisory's requirements: an entry raised, or added when the level has none. */
function withRequirements(level: SbatLevel, reqs: readonly BumpRequirement[]): SbatLevel {
  if (reqs.length === 0) return level;
  const entries: SbatLevelEntry[] = [...level.entries];
  for (const r of reqs) {
    const i = entries.findIndex((e) => e.component === r.component);
    const entry = entries[i];
    if (entry && entry.generation >= r.generation) continue;
    const raised: SbatLevelEntry = {
      component: r.component,
      generationText: String(r.generation),
      generation: r.generation,
      line: entry?.line ?? 0,
      span: entry?.span ?? { file: "--require", line: 0, column: 0 },
    };
    if (entry) entries[i] = raised;
    else entries.push(raised);
  }
  const line = (e: SbatLevelEntry, i: number) =>
    i === 0 && e.component === "sbat" && level.datestamp
      ? `sbat,${e.generationText},${level.datestamp}`
      : `${e.component},${e.generationText}`;
  return {
    ...level,
    source: `${level.source} + --require`,
    text: `${entries.map(line).join("\n")}\n`,
    entries,
  };
}

/** Whether shim lets an image through, under which level, and which lines must move if not. */
export interface SbatImageCheck {
  readonly file: string;
  readonly sbat: ImageSbat;
  /** the level as `--level` and `--shim` name it, before the requirements */
  readonly resolved: ResolvedLevel;
  /** the level checked: the resolved one raised by the requirements */
  readonly level: SbatLevel;
  readonly requirements: readonly BumpRequirement[];
  readonly check: SbatCheck;
  /** the lines to move so that the image passes (the requirements', or the level's when revoked) */
  readonly bump?: BumpRecommendation;
}

/**
 * `xenpriv sbat check`: does shim (Secure Boot on) let the image at `file` through under an
 * SbatLevel (`latest`, `automatic`, `original`, a datestamp or a payload file, from `o.shim`'s
 * `.sbatlevel` or the image's own), with an advisory's requirements on top; if not, which lines move.
 */
export function sbatImageCheck(file: string, o: SbatCheckOptions): SbatImageCheck {
  const image = readPeFile(file);
  const sbat = imageSbat(image);
  const shim = o.shim ? readPeFile(o.shim) : image;
  const payloads = shimPayloads(shim);
  if (o.shim && !payloads) {
    fail(
      error(
        "sbat/no-payloads",
        `\`${o.shim}\` has no \`.sbatlevel\` section (nor \`.sbata\` and \`.sbatl\`)`,
        undefined,
        "give a shim binary (shimx64.efi) or a revocations_sbat.efi",
      ),
    );
  }
  const resolved = resolveSbatLevel(o.level, payloads && { ...payloads, file: shim.file });
  const reqs = o.require.map(requirement);
  const level = withRequirements(resolved.level, reqs);
  const check = checkSbat(sbat, level, { viaProtocol: o.viaProtocol });
  const records = sbat.sbat?.records ?? [];
  const wanted = reqs.length ? reqs : check.verdict === "revoked" ? levelRequirements(level) : [];
  const bump = wanted.length && sbat.sbat ? recommendBump(records, wanted) : undefined;
  return { file, sbat, resolved, level, requirements: reqs, check, ...(bump && { bump }) };
}
