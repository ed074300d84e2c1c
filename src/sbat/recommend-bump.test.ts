import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSbat } from "./parse-sbat.js";
import { levelRequirements, recommendBump } from "./recommend-bump.js";
import { parseSbatLevel } from "./sbat-level.js";

const records = (text: string) => parseSbat(text, "t.sbat").records;

test("an advisory for xen.xs 3: every xen.xs line below it moves to 3, the rest stays", () => {
  const r = recommendBump(
    records("sbat,1,S,sbat,1,u\nxen.xs,2,CSG,xen,4.17,m\nxen,1,LF,xen,4.17,u\nxen.xs, 1,CSG,xen,4.17,m\n"),
    [{ component: "xen.xs", generation: 3 }],
  );
  assert.deepEqual(
    r.moves.map((m) => [m.line, m.from, m.to, m.newText]),
    [
      [2, "2", 3, "xen.xs,3,CSG,xen,4.17,m"],
      [4, " 1", 3, "xen.xs,3,CSG,xen,4.17,m"],
    ],
  );
  assert.deepEqual([r.unchanged, r.absent], [[], []]);
});

test("a component the image does not carry: the advisory does not apply", () => {
  const r = recommendBump(records("xen.xs,4,CSG,xen,4.17,m\n"), [
    { component: "xen.xs", generation: 3 },
    { component: "xen.ol", generation: 2 },
  ]);
  assert.deepEqual(r.moves, []);
  assert.deepEqual(r.unchanged, [{ line: 1, component: "xen.xs", generation: 4 }]);
  assert.deepEqual(r.absent, ["xen.ol"]);
});

test("a level's requirements are its first entry of each component, as shim compares", () => {
  const l = parseSbatLevel("sbat,1,2026010100\ngrub,3\ngrub,5\n", "l");
  assert.deepEqual(levelRequirements(l), [
    { component: "sbat", generation: 1 },
    { component: "grub", generation: 3 },
  ]);
});
