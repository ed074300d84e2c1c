import type { SbatRecord } from "./parse-sbat.js";
import type { SbatLevel } from "./sbat-level.js";

/** An advisory's demand: images need at least this generation of this component. */
export interface BumpRequirement {
  readonly component: string;
  readonly generation: number;
}

/** A line of the `.sbat` text that must move. */
export interface BumpMove {
  readonly line: number;
  readonly component: string;
  readonly from: string;
  readonly to: number;
  readonly text: string;
  readonly newText: string;
}

export interface BumpRecommendation {
  readonly moves: readonly BumpMove[];
  /** records of a required component already at or above it */
  readonly unchanged: readonly {
    readonly line: number;
    readonly component: string;
    readonly generation: number;
  }[];
  /** required components the image has no record of: the requirement does not apply to it */
  readonly absent: readonly string[];
  readonly notes: readonly string[];
}

/** The requirements a level makes: its first entry of each component (the one shim compares). */
export function levelRequirements(level: SbatLevel): BumpRequirement[] {
  const seen = new Set<string>();
  const out: BumpRequirement[] = [];
  for (const e of level.entries) {
    if (seen.has(e.component)) continue;
    seen.add(e.component);
    out.push({ component: e.component, generation: e.generation });
  }
  return out;
}

/**
 * Which `.sbat` lines must move, and to what, for the image to pass `requirements` (an advisory, or a
 * level's entries): every record of a required component below it, duplicates included since shim checks
 * each record. Its generation is rewritten as the required number; the other fields stay.
 */
export function recommendBump(
  records: readonly SbatRecord[],
  requirements: readonly BumpRequirement[],
): BumpRecommendation {
  const moves: BumpMove[] = [];
  const unchanged: BumpRecommendation["unchanged"][number][] = [];
  const absent: string[] = [];
  const notes: string[] = [];
  for (const req of requirements) {
    const mine = records.filter((r) => r.component === req.component);
    if (mine.length === 0) {
      absent.push(req.component);
      continue;
    }
    for (const r of mine) {
      if (r.generation >= req.generation) {
        unchanged.push({ line: r.line, component: r.component, generation: r.generation });
        continue;
      }
      const fields = r.text.split(",");
      fields[1] = String(req.generation);
      moves.push({
        line: r.line,
        component: r.component,
        from: r.generationText,
        to: req.generation,
        text: r.text,
        newText: fields.join(","),
      });
    }
    if (req.generation > 0xffff)
      notes.push(
        `${req.component}: shim compares generations in 16 bits; ${req.generation} is compared as ${req.generation & 0xffff}`,
      );
  }
  if (moves.length > 0)
    notes.push(
      "generations only go up: a vendor's number never resets (SBAT.md), and the upstream line stays beside a vendor's line",
    );
  return { moves: moves.sort((a, b) => a.line - b.line), unchanged, absent, notes };
}
