import type { Random } from "./random.js";

/** Bytes a mutation likes to write: boundaries of signed and unsigned fields. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x0a, 0x0d, 0x09, 0x22, 0x27, 0x5c, 0x2c, 0x3a, 0x3b];

/** The most a mutation grows an input by repeating a piece: enough to reach the quadratic paths. */
const MAX_REPEAT_BYTES = 256 * 1024;

const enc = (s: string) => Buffer.from(s, "latin1");

/**
 * One to eight stacked edits of `input`, in the manner of AFL's havoc stage: bit flips, interesting
 * bytes, deletions, duplications, the format's tokens inserted or written over, a splice with
 * another seed, a truncation, and now and then a piece repeated thousands of times (long tokens,
 * deep nesting, many records), so that size-dependent paths are reached too.
 */
export function mutate(
  input: Uint8Array,
  rnd: Random,
  dict: readonly string[],
  corpus: readonly Uint8Array[],
): Uint8Array {
  let b = Buffer.from(input);
  const edits = 1 + rnd.below(8);
  for (let e = 0; e < edits; e++) {
    const at = rnd.below(b.length + 1);
    switch (rnd.below(11)) {
      case 0: // flip a bit
        if (b.length) {
          const i = rnd.below(b.length);
          b[i] = (b[i] as number) ^ (1 << rnd.below(8));
        }
        break;
      case 1: // an interesting byte
        if (b.length) b[rnd.below(b.length)] = rnd.pick(INTERESTING);
        break;
      case 2: // a random byte
        if (b.length) b[rnd.below(b.length)] = rnd.below(256);
        break;
      case 3: {
        // delete a range
        const n = 1 + rnd.below(Math.min(64, Math.max(1, b.length - at)));
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
        break;
      }
      case 4: {
        // duplicate a range somewhere else
        const from = rnd.below(b.length + 1);
        const piece = b.subarray(from, from + 1 + rnd.below(64));
        b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at)]);
        break;
      }
      case 5:
      case 6: // insert a token of the format
        if (dict.length) b = Buffer.concat([b.subarray(0, at), enc(rnd.pick(dict)), b.subarray(at)]);
        break;
      case 7: // write a token over what is there
        if (dict.length) {
          const t = enc(rnd.pick(dict));
          b = Buffer.concat([b.subarray(0, at), t, b.subarray(at + t.length)]);
        }
        break;
      case 8: {
        // splice: this input's head, another seed's tail
        const other = rnd.pick(corpus);
        if (other)
          b = Buffer.concat([b.subarray(0, at), Buffer.from(other).subarray(rnd.below(other.length + 1))]);
        break;
      }
      case 9: // truncate
        b = b.subarray(0, at);
        break;
      default: {
        // repeat a piece (or a token) many times: rarely large
        const from = rnd.below(b.length + 1);
        const piece =
          dict.length && rnd.chance(0.5) ? enc(rnd.pick(dict)) : b.subarray(from, from + 1 + rnd.below(16));
        if (piece.length === 0) break;
        const most = rnd.chance(0.1) ? MAX_REPEAT_BYTES : 4096;
        const times = 2 + rnd.below(Math.max(1, Math.floor(most / piece.length)));
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(piece.length * times, piece), b.subarray(at)]);
      }
    }
  }
  return b;
}
