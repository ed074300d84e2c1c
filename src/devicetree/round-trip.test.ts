/**
 * Property tests (fast-check): random trees printed as DTS parse back to themselves; DTB write -> read
 * gives the same tree; trees with references agree with dtc; and mutated DTS or DTB input never makes
 * either reader throw anything but an InputError. XENPRIV_FUZZ_RUNS raises the number of cases
 * (e.g. 100000 for a long run; XENPRIV_DTC_RUNS for the cases checked against dtc); `npm test` runs a few hundred.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dtc, type NodeShape, nodeShape, shape } from "../../test/support/devicetree.js";
import { InputError } from "../core/errors.js";
import { parseDts } from "./parse-dts.js";
import { readDtb } from "./read-dtb.js";
import { writeDtb } from "./write-dtb.js";

const RUNS = Number(process.env.XENPRIV_FUZZ_RUNS ?? 300);

// ---- a small model of a tree, and a printer that writes it as DTS --------------------------------------

type Piece =
  | { kind: "string"; bytes: number[] }
  | { kind: "cells"; bits: 8 | 16 | 32 | 64; values: bigint[]; hex: boolean }
  | { kind: "bytes"; bytes: number[] }
  /** `<&label>` to the node with this index in document order (taken modulo the number of labelled nodes) */
  | { kind: "ref"; target: number }
  | { kind: "path"; target: number };

interface GenProp {
  name: string;
  label?: string;
  pieces: Piece[];
}

interface GenNode {
  name: string;
  label?: string;
  props: GenProp[];
  children: GenNode[];
}

const letter = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz");
const nameChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789,._+-");
const baseName = fc.tuple(letter, fc.array(nameChar, { maxLength: 6 })).map(([a, b]) => a + b.join(""));
const nodeName = fc
  .tuple(baseName, fc.option(fc.bigInt({ min: 0n, max: 0xffffffffn }), { nil: undefined }))
  .map(([b, unit]) => (unit === undefined ? b : `${b}@${unit.toString(16)}`));
const propName = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz#"),
    fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789,._+#?-"), { maxLength: 8 }),
  )
  .map(([a, b]) => a + b.join(""))
  .filter((n) => n !== "name" && n !== "phandle");

const bitsOf = fc.constantFrom(8, 16, 32, 64) as fc.Arbitrary<8 | 16 | 32 | 64>;
const cellsPiece = bitsOf.chain((bits) =>
  fc.record({
    kind: fc.constant("cells" as const),
    bits: fc.constant(bits),
    values: fc.array(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), { maxLength: 4 }),
    hex: fc.boolean(),
  }),
);
function pieceArb(refs: boolean): fc.Arbitrary<Piece> {
  const plain: fc.Arbitrary<Piece>[] = [
    fc.record({
      kind: fc.constant("string" as const),
      bytes: fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 8 }),
    }),
    cellsPiece,
    fc.record({
      kind: fc.constant("bytes" as const),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
    }),
  ];
  if (!refs) return fc.oneof(...plain);
  return fc.oneof(
    ...plain,
    fc.record({ kind: fc.constant("ref" as const), target: fc.nat() }),
    fc.record({ kind: fc.constant("path" as const), target: fc.nat() }),
  );
}

/** Unique names per list: dtc refuses (or merges) repeated names in one block. */
function uniqueBy<T>(arb: fc.Arbitrary<T[]>, key: (t: T) => string): fc.Arbitrary<T[]> {
  return arb.map((xs) => {
    const seen = new Set<string>();
    return xs.filter((x) => !seen.has(key(x)) && seen.add(key(x)) !== undefined);
  });
}

function treeArb(refs: boolean): fc.Arbitrary<GenNode> {
  const prop = fc.record({ name: propName, pieces: fc.array(pieceArb(refs), { maxLength: 3 }) });
  const nodeAt = (depth: number): fc.Arbitrary<GenNode> =>
    fc.record({
      name: nodeName,
      props: uniqueBy(fc.array(prop, { maxLength: 4 }), (p) => p.name),
      children:
        depth === 0
          ? fc.constant([])
          : uniqueBy(fc.array(nodeAt(depth - 1), { maxLength: 3 }), (c) => c.name),
    });
  return nodeAt(3).map((root) => {
    // labels on every node but the root (DTS cannot label `/`) and on some properties, unique in the tree
    let n = 0;
    const walk = (g: GenNode, i: number) => {
      if (g.name !== "") g.label = `n${n++}`;
      g.props.forEach((p, j) => {
        if ((i + j) % 2 === 0) p.label = `l${n++}`;
      });
      g.children.forEach((c, j) => {
        walk(c, i + j);
      });
    };
    const top: GenNode = { ...root, name: "" };
    walk(top, 0);
    return top;
  });
}

function preorder(n: GenNode): GenNode[] {
  return [n, ...n.children.flatMap(preorder)];
}

function quote(bytes: readonly number[]): string {
  return bytes
    .map((b) =>
      b === 0x22 || b === 0x5c
        ? `\\${String.fromCharCode(b)}`
        : b >= 0x20 && b < 0x7f
          ? String.fromCharCode(b)
          : `\\x${b.toString(16).padStart(2, "0")}`,
    )
    .join("");
}

/** Prints the model as DTS, with some variation in layout and comments. */
function printDts(root: GenNode, sep = "\n"): string {
  const nodes = preorder(root).filter((n) => n.label !== undefined);
  const target = (i: number) =>
    nodes.length === 0 ? "&{/}" : `&${(nodes[i % nodes.length] as GenNode).label}`;
  const piece = (p: Piece): string => {
    switch (p.kind) {
      case "string":
        return `"${quote(p.bytes)}"`;
      case "cells": {
        const v = p.values.map((x) => (p.hex ? `0x${x.toString(16)}` : x.toString())).join(" ");
        return `${p.bits === 32 ? "" : `/bits/ ${p.bits} `}<${v}>`;
      }
      case "bytes":
        return `[${p.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ")}]`;
      case "ref":
        return `<${target(p.target)}>`;
      case "path":
        return target(p.target);
    }
  };
  const node = (n: GenNode, depth: number): string => {
    const pad = "\t".repeat(depth + 1);
    const props = n.props.map((p) => {
      const value = p.pieces.length ? ` = ${p.pieces.map(piece).join(", ")}` : "";
      return `${pad}${p.label ? `${p.label}: ` : ""}${p.name}${value};${sep}`;
    });
    const head = n.name === "" ? "/" : `${n.label}: ${n.name}`;
    const pad0 = "\t".repeat(depth);
    return `${pad0}${head} {${sep}${props.join("")}${n.children.map((c) => node(c, depth + 1)).join("")}${pad0}};${sep}`;
  };
  return `/dts-v1/;${sep}/* printed by round-trip.test.ts */${sep}${node(root, 0)}`;
}

/** What the parser must make of a model without references. */
function expected(n: GenNode): NodeShape {
  const bytes = (p: Piece): number[] => {
    switch (p.kind) {
      case "string":
        return [...p.bytes, 0];
      case "cells":
        return p.values.flatMap((v) =>
          Array.from({ length: p.bits / 8 }, (_, i) => Number((v >> BigInt(p.bits - 8 - 8 * i)) & 0xffn)),
        );
      case "bytes":
        return p.bytes;
      default:
        throw new Error("no references in this model");
    }
  };
  return {
    name: n.name,
    props: n.props.map((p) => [p.name, Buffer.from(p.pieces.flatMap(bytes)).toString("hex")]),
    children: n.children.map(expected),
  };
}

/** Runs `fn`; anything thrown must be an InputError. */
function onlyInputErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    assert.ok(
      e.diagnostics.every((d) => d.span !== undefined),
      `every diagnostic has a place: ${e.message}`,
    );
  }
}

// ---- properties ------------------------------------------------------------------------------------------

test("a random tree printed as DTS parses back to the same tree, labels included", () => {
  fc.assert(
    fc.property(treeArb(false), fc.constantFrom("\n", " ", "\n\n", " /* c */ "), (tree, sep) => {
      const parsed = parseDts(printDts(tree, sep), "gen.dts");
      assert.deepEqual(nodeShape(parsed.root), expected(tree));
      const labels = (n: { labels: readonly { name: string }[]; children: readonly unknown[] }): string[] => [
        ...n.labels.map((l) => l.name),
        ...(n.children as (typeof n)[]).flatMap(labels),
      ];
      assert.deepEqual(
        labels(parsed.root),
        preorder(tree).flatMap((g) => (g.label ? [g.label] : [])),
      );
    }),
    { numRuns: RUNS },
  );
});

test("DTB write -> read gives the same tree, for versions 17 and 16", () => {
  fc.assert(
    fc.property(treeArb(true), (tree) => {
      const parsed = parseDts(printDts(tree), "gen.dts");
      assert.deepEqual(shape(readDtb(writeDtb(parsed), "gen.dtb")), shape(parsed));
      assert.deepEqual(shape(readDtb(writeDtb(parsed, { version: 16 }), "gen.dtb")), shape(parsed));
    }),
    { numRuns: RUNS },
  );
});

test("random trees with references: every `<&label>` holds its node's phandle and dtc agrees", () => {
  fc.assert(
    fc.property(treeArb(true), (tree) => {
      const text = printDts(tree);
      const parsed = parseDts(text, "gen.dts");
      const byPath = new Map<string, (typeof parsed)["root"]>();
      const walk = (n: (typeof parsed)["root"]) => {
        byPath.set(n.path, n);
        n.children.forEach(walk);
      };
      walk(parsed.root);
      for (const n of byPath.values()) {
        for (const p of n.properties) {
          for (const piece of p.pieces) {
            if (piece.kind === "cells") {
              for (const c of piece.cells) {
                if (c.ref)
                  assert.equal(c.value, BigInt(byPath.get(c.ref.target ?? "")?.phandle ?? -1), c.ref.text);
              }
            }
          }
        }
      }
      const blob = dtc(["-q", "-I", "dts", "-O", "dtb"], text);
      assert.equal(Buffer.from(writeDtb(parsed)).toString("hex"), blob.toString("hex"));
    }),
    { numRuns: Number(process.env.XENPRIV_DTC_RUNS ?? 60) },
  );
});

const DTS_NOISE = [
  "{",
  "}",
  ";",
  "<",
  ">",
  "[",
  "]",
  "(",
  ")",
  '"',
  "'",
  "&x",
  "&{/a}",
  "/delete-node/",
  "/bits/ 8",
  "/*",
  "//",
  "x:",
  "=",
  ",",
  "#",
  '\n# 3 "f.dts"\n',
  "/include/",
  "0x",
  "-",
  "\\",
];

test("mutated DTS never throws anything but an InputError", () => {
  fc.assert(
    fc.property(
      treeArb(true),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...DTS_NOISE, "")), {
        minLength: 1,
        maxLength: 4,
      }),
      (tree, edits) => {
        let text = printDts(tree);
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        onlyInputErrors(() => parseDts(text, "mutated.dts", { readFile: () => "" }));
      },
    ),
    { numRuns: RUNS },
  );
});

test("truncated or corrupted DTBs never throw anything but an InputError", () => {
  const word = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 9, 0xd00dfeed, 0xffffffff, 16, 17, 40, 56), fc.nat());
  fc.assert(
    fc.property(
      treeArb(true),
      fc.array(fc.tuple(fc.nat(), word), { maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      (tree, writes, cut) => {
        const good = writeDtb(parseDts(printDts(tree), "gen.dts"));
        const blob = Uint8Array.from(good);
        const view = new DataView(blob.buffer);
        for (const [at, value] of writes) {
          const i = at % blob.length;
          if (i + 4 <= blob.length) view.setUint32(i - (i % 4), value);
          else blob[i] = value & 0xff;
        }
        const end = cut === undefined ? blob.length : cut % (blob.length + 1);
        onlyInputErrors(() => readDtb(blob.subarray(0, end), "mutated.dtb"));
      },
    ),
    { numRuns: RUNS * 3 },
  );
});
