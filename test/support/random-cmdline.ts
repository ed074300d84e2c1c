/**
 * Random Xen command lines over an option table, aimed at parse_params' corners: `no-` on every type,
 * empty and missing values, booleans, numbers in every base around each integer width, signs, size
 * suffixes and trailing text, strings around each buffer size and past the 127-character token, bracket
 * keys, unknown and near-miss names, tabs inside tokens and runs of spaces. Printable ASCII only
 * (Xen's ctype and libc's agree there), never a line break or NUL.
 */
import fc from "fast-check";

const BOOLS = [
  "0",
  "1",
  "on",
  "off",
  "yes",
  "no",
  "true",
  "false",
  "enable",
  "disable",
  "On",
  "2",
  "",
  "nope",
];
const EDGES = [0n, 1n, 127n, 128n, 255n, 256n, 32767n, 32768n, 65535n, 65536n, 2n ** 31n - 1n, 2n ** 31n];
const MORE = [
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 1n,
  2n ** 64n,
  2n ** 64n + 7n,
];
const SUFFIXES = [
  "",
  "",
  "",
  "k",
  "K",
  "m",
  "M",
  "g",
  "G",
  "t",
  "T",
  "b",
  "B",
  "%",
  "x",
  "kb",
  "0x",
  "-1",
  ",8n1",
  "z",
];
// printable ASCII but the space; `=` and brackets included
const CHARS = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=,.:;[](){}<>#%@!?/\\'\"+*&|~^$`",
);

const number = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...EDGES, ...MORE),
      fc.bigInt({ min: 0n, max: 2n ** 66n }),
      fc.bigInt({ min: 0n, max: 300n }),
    ),
    fc.constantFrom(-1n, 0n, 1n, 0n, 0n),
    fc.constantFrom("dec", "dec", "hex", "HEX", "oct", "0x"),
    fc.boolean(),
    fc.constantFrom(...SUFFIXES),
  )
  .map(([v, delta, base, negative, suffix]) => {
    const n = v + delta < 0n ? 0n : v + delta;
    const digits =
      base === "hex"
        ? `0x${n.toString(16)}`
        : base === "HEX"
          ? `0X${n.toString(16).toUpperCase()}`
          : base === "oct"
            ? `0${n.toString(8)}`
            : base === "0x"
              ? "0x"
              : n.toString();
    return `${negative ? "-" : ""}${digits}${suffix}`;
  });

const text = (max: number, min = 0) => fc.string({ unit: CHARS, minLength: min, maxLength: max });

const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BOOLS) },
  { weight: 5, arbitrary: number },
  { weight: 3, arbitrary: text(12) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 300 }).chain((n) => text(n, n)) },
  { weight: 1, arbitrary: fc.constantFrom("no", "no-", "=", "==x", "x", "all", "none", "vga,com1", "\t1") },
);

/** One token: a key (a table name, a bracket key, a near miss or unknown word), maybe `no-`, maybe `=value`. */
function token(names: readonly string[]) {
  const brackets = names.filter((n) => /[([{<]$/.test(n));
  const plain = names.filter((n) => !/[([{<]$/.test(n));
  const key = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...plain) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...plain), fc.constantFrom("drop", "add", "case"), CHARS)
        .map(([n, how, c]) =>
          how === "drop" ? n.slice(0, -1) : how === "add" ? `${n}${c}` : n.toUpperCase(),
        ),
    },
    ...(brackets.length
      ? [
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.constantFrom(...brackets), fc.constantFrom("4]", "12]", "", "x)", "0]["))
              .map(([n, rest]) => `${n}${rest}`),
          },
        ]
      : []),
    { weight: 1, arbitrary: fc.constantFrom("", "no", "-", "x", "nosuch", "no-no", "[", "a(b") },
    { weight: 1, arbitrary: text(10) },
  );
  return fc
    .tuple(
      fc.constantFrom("", "", "", "no-", "no-", "no", "No-"),
      key,
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant("") },
        { weight: 8, arbitrary: value },
      ),
      fc.constantFrom("", "", "", "", "", "", "", "", "\t", "\tx=1"),
    )
    .map(([prefix, k, v, tail]) =>
      `${prefix}${k}${v === undefined ? "" : `=${v}`}${tail}`.replace(/ /g, "_"),
    );
}

/** A command line of up to 12 tokens over `names`, separated by runs of spaces. */
export function randomCommandLine(names: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(fc.constantFrom(" ", " ", " ", "  ", "   "), token(names)), { maxLength: 12 })
    .chain((parts) =>
      fc
        .constantFrom("", " ", "  ")
        .map((lead) => lead + parts.map(([sep, t], i) => (i ? sep : "") + t).join("")),
    );
}

/** `count` lines drawn with `seed`: the same seed gives the same lines. */
export function sampleCommandLines(names: readonly string[], seed: number, count: number): string[] {
  return fc.sample(randomCommandLine(names), { seed, numRuns: count });
}
