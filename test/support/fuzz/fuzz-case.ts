import type { FuzzTarget } from "./fuzz-targets.js";
import { mutate } from "./mutate.js";
import { Random } from "./random.js";

/**
 * Case `index` of a target under a run's seed: its own generator, so that any case can be made
 * again alone (after a hang, or to reproduce a crash) without the cases before it.
 */
export function fuzzCase(
  target: FuzzTarget,
  seeds: readonly Uint8Array[],
  runSeed: number,
  index: number,
): { seed: number; input: Uint8Array } {
  let h = runSeed >>> 0;
  for (const ch of target.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const rnd = new Random((h ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const seed = rnd.below(seeds.length);
  // one case in twenty is a seed as it is: the valid path must hold too
  const input = rnd.chance(0.05)
    ? (seeds[seed] as Uint8Array)
    : mutate(seeds[seed] as Uint8Array, rnd, target.dict, seeds);
  return { seed, input };
}
