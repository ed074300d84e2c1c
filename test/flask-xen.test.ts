import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadCatalogue } from "../src/catalog/load-catalogue.js";
import { loadCParser } from "../src/extract/c-parser.js";
import { flaskHookFiles, readFlaskHooks } from "../src/extract/flask-hooks.js";
import { indexPolicy } from "../src/flask/access-vector.js";
import { buildPolicy, treeXenVersion } from "../src/flask/build-policy.js";
import { formatRules, policySummary } from "../src/flask/describe-policy.js";
import { parsePolicyConf } from "../src/flask/parse-policy-conf.js";
import { readPolicy } from "../src/flask/read-policy.js";
import { ruleOrigins } from "../src/flask/rule-origins.js";
import { flaskLabelRefs } from "../src/policy/flask-label-refs.js";
import { evaluate } from "../src/query/evaluate.js";
import { flaskPolicy } from "../src/query/flask-policy.js";
import { buildModel } from "../src/query/model.js";
import { loadSystemFile } from "../src/system/load-system.js";
import {
  compareWithSepol,
  seinfo,
  sesearch,
  setoolsGranted,
  unexplainedRules,
} from "./support/flask-tools.js";

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

test("XEN_SRC: the shipped Flask hooks of the tree's version are what the tree's hooks.c says", async () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const version = treeXenVersion(src);
  const shipped = join("catalogues", "flask", `xen-${version}.json`);
  const hooks = readFlaskHooks(flaskHookFiles(src), await loadCParser());
  if (!existsSync(shipped)) {
    console.log(`${version}: no shipped Flask hooks (${hooks.length} hooks read from the tree)`);
    return;
  }
  const ours = JSON.parse(readFileSync(shipped, "utf8")).flask.hooks;
  assert.deepEqual(hooks, ours);
  console.log(
    `${version}: shipped Flask hooks equal the tree's: ${hooks.length} hooks, ${hooks.reduce((n, h) => n + h.checks.length, 0)} checks, ${hooks.reduce((n, h) => n + h.refusals.length, 0)} refusals`,
  );
});

test("XEN_SRC: every allow or deny of a Flask check in the example's matrix is what sesearch finds", () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const { file } = treePolicy(src);
  const catalogue = loadCatalogue("4.22.0");
  const system = loadSystemFile("examples/seed-hwdom-qemu-flask.yaml");
  const model = buildModel(catalogue, system, flaskPolicy(catalogue, `flask:${file}`));
  const all = [...model.domains, ...Object.values(model.systemDomains)];
  // each check the explanations show, by (source type, target type, class) and permissions
  const checks = new Map<string, Map<string, boolean>>();
  let decisions = 0;
  let allowed = 0;
  for (const op of model.ops)
    for (const s of model.domains)
      for (const t of op.target.kind === "domain" ? all : [null]) {
        const d = evaluate(model, op, s, t);
        decisions++;
        if (d.decision === "allow") allowed++;
        d.steps.forEach((step, i) => {
          const m = /^avc_has_perm\(\w+:\w+:(\w+), \w+:\w+:(\w+), (\w+), ([\w ]+)\)$/.exec(step.what);
          if (!m || step.kind !== "predicate") return;
          // a constraint or an undeclared permission is not sesearch's to say
          const notes = d.steps
            .slice(i + 1)
            .filter((x, j, a) => x.depth === 2 && a.slice(0, j).every((y) => y.depth === 2));
          if (notes.some((n) => /constraint|does not declare|is under \[/.test(n.what))) return;
          const key = `${m[1]} ${m[2]} ${m[3]}`;
          const perms = checks.get(key) ?? new Map<string, boolean>();
          perms.set(m[4] as string, step.value === true);
          checks.set(key, perms);
        });
      }
  const granted = setoolsGranted(file);
  let compared = 0;
  for (const [key, perms] of checks) {
    const [s, t, c] = key.split(" ") as [string, string, string];
    const allowed = granted(s, t, c);
    for (const [p, ok] of perms) {
      assert.equal(
        p.split(" ").every((x) => allowed.has(x)),
        ok,
        `${key} ${p}`,
      );
      compared++;
    }
  }
  console.log(
    `flask matrix of the seed example: ${decisions} decisions, ${allowed} allowed; ${compared} Flask checks on ${checks.size} (source, target, class) equal to sesearch`,
  );
});

test("XEN_SRC: every rule of the tree's policy comes from statements of its source, at lines of the tree", () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const { built, policy } = treePolicy(src);
  const read = (p: string) => (existsSync(join(src, p)) ? readFileSync(join(src, p), "utf8") : undefined);
  // the rules (sesearch's, above) are what the statements of policy.conf give, as checkpolicy expands them
  const statements = parsePolicyConf(built.conf, "policy.conf", (f) => `${built.confDir}/${f}`);
  assert.deepEqual(unexplainedRules(policy, statements), []);
  // and each statement's line is in the tree: the rule's keyword, or the macro use, on that line
  const origins = ruleOrigins(policy, built.conf, built.confDir, read);
  const lineOf = (ref: string) => {
    const m = /^(.+):(\d+)$/.exec(ref) as RegExpExecArray;
    return read(m[1] as string)?.split("\n")[Number(m[2]) - 1] ?? "";
  };
  const bad: string[] = [];
  let direct = 0;
  let macros = 0;
  for (const [rule, list] of Object.entries(origins)) {
    if (list.length === 0) bad.push(`${rule}: no statement`);
    for (const o of list) {
      const first = /^\w+/.exec(o.text)?.[0] ?? "";
      if (!lineOf(o.ref).includes(first)) bad.push(`${rule}: ${o.ref} does not hold \`${first}\``);
      if (o.macro) {
        macros++;
        if (!lineOf(o.macro.ref).includes(o.macro.text.split(" ")[0] as string))
          bad.push(`${rule}: ${o.macro.ref} is not the rule of ${o.macro.name}`);
      } else if (/\(/.test(o.text))
        bad.push(`${rule}: ${o.ref}: no rule found in the macros of \`${o.text}\``);
      else direct++;
    }
  }
  assert.deepEqual(bad, []);
  const rules =
    policy.avtab.length + policy.conditionals.reduce((n, c) => n + c.whenTrue.length + c.whenFalse.length, 0);
  assert.equal(Object.keys(origins).length, rules);
  console.log(
    `${built.name}: ${rules} rules from ${statements.length} statements of the source, each rule's permissions theirs; under them ${direct} lines of rules written directly and ${macros} of macro uses, each with its line`,
  );
});

test("XEN_SRC: the lines that give domains their Flask labels are where the tree's hooks.c gives them", async () => {
  if (!src) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const refs = flaskLabelRefs(readFlaskHooks(flaskHookFiles(src), await loadCParser()));
  const holds: Record<keyof typeof refs, string> = {
    unlabeled: "SECINITSID_UNLABELED",
    system: "DOMID_IO",
    dom0: "SECINITSID_DOM0",
    pvShim: "pv_shim",
    idle: "SECINITSID_XEN",
    self: "&dsec->self_sid",
    target: "&dsec->target_sid",
  };
  for (const [k, token] of Object.entries(holds)) {
    const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(refs[k as keyof typeof refs]) as RegExpExecArray;
    const lines = readFileSync(join(src, m[1] as string), "utf8")
      .split("\n")
      .slice(Number(m[2]) - 1, Number(m[3] ?? m[2]));
    assert.ok(
      lines.join("\n").includes(token),
      `${k}: ${refs[k as keyof typeof refs]} does not hold ${token}`,
    );
  }
  console.log(
    `${treeXenVersion(src)}: the label lines hold what they say (${refs.dom0} SECINITSID_DOM0, ...)`,
  );
});
