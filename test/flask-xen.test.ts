import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { indexPolicy } from "../src/flask/access-vector.js";
import { buildPolicy } from "../src/flask/build-policy.js";
import { formatRules, policySummary } from "../src/flask/describe-policy.js";
import { readPolicy } from "../src/flask/read-policy.js";
import { compareWithSepol, seinfo, sesearch } from "./support/flask-tools.js";

// The real-tree Flask tests (`XEN_SRC=<tree> npm run test:xen`): the tree's policy compiled as its build
// does, read by xenpriv, and held to SETools (sesearch, seinfo) and libsepol (sepol_compute_av).
const src = process.env.XEN_SRC;

let compiled: { built: ReturnType<typeof buildPolicy>; file: string; policy: ReturnType<typeof readPolicy> };
/** The tree's policy, built once for every test of this file, and read by xenpriv. */
function treePolicy(root: string) {
  if (!compiled) {
    const built = buildPolicy(root);
    const file = join(mkdtempSync(join(tmpdir(), "xenpriv-flask-xen-")), built.name);
    writeFileSync(file, built.bytes);
    compiled = { built, file, policy: readPolicy(built.bytes, file) };
  }
  return compiled;
}

test("XEN_SRC: the tree's Flask policy builds and every rule equals sesearch's", () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const { built, file, policy } = treePolicy(src);
  const ix = indexPolicy(policy);
  const figures: string[] = [];
  for (const [kind, flag] of [
    ["allow", "-A"],
    ["auditallow", "--auditallow"],
    ["dontaudit", "--dontaudit"],
    ["type_transition", "-T"],
  ] as const) {
    const theirs = sesearch(file, [flag]);
    assert.deepEqual(formatRules(ix, kind).sort(), theirs, kind);
    figures.push(`${theirs.length} ${kind}`);
  }
  const counts = new Map(policySummary(policy));
  const shared = [...seinfo(file).matchAll(/([A-Z][A-Za-z_. ]*?):\s+(\d+)/g)].filter((m) =>
    counts.has(m[1] as string),
  );
  for (const m of shared) assert.equal(counts.get(m[1] as string), Number(m[2]), m[1]);
  console.log(
    `${built.name}: ${built.bytes.length} bytes, version ${policy.version}; equal to sesearch: ${figures.join(", ")}; ${shared.length} seinfo counts equal`,
  );
});

test("XEN_SRC: libsepol's sepol_compute_av agrees on every (source type, target type, class)", () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const { file, policy } = treePolicy(src);
  const names = policy.booleans.map((b) => b.name);
  let compared = 0;
  let settings = 0;
  // every setting of the booleans (Xen's policies have 2), with object_r contexts that hold any type
  for (let m = 0; m < 1 << Math.min(names.length, 4); m++) {
    const bools = Object.fromEntries(names.map((n, i) => [n, ((m >> i) & 1) === 1]));
    const r = compareWithSepol(
      file,
      policy,
      { user: "system_u", role: "object_r" },
      { user: "system_u", role: "object_r" },
      undefined,
      bools,
    );
    assert.deepEqual(r.differ, [], JSON.stringify(bools));
    assert.equal(r.compared, r.sourceTypes * r.targetTypes * policy.classes.length);
    compared += r.compared;
    settings++;
  }
  // system_r on both sides: the types the role holds
  const r = compareWithSepol(
    file,
    policy,
    { user: "system_u", role: "system_r" },
    { user: "system_u", role: "system_r" },
    undefined,
  );
  assert.deepEqual(r.differ, []);
  compared += r.compared;
  console.log(`libsepol: ${compared} triples equal over ${settings} boolean settings and two role pairings`);
});
