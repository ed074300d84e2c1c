// Helpers of the Flask tests: policies compiled at test time with Debian's checkpolicy, and the
// independent readers they are compared with, SETools' sesearch and libsepol (a harness of ours compiled
// against libsepol-dev's static library: the functions it needs are not exported by libsepol.so).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-flask-test-"));
let n = 0;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

/** Compiles policy.conf text with `checkpolicy -t Xen -c <version>` (-M for MLS); returns the file. */
export function compilePolicy(conf: string, version: 24 | 30, mls = false): string {
  const src = join(dir, `p${++n}.conf`);
  const out = join(dir, `p${n}.bin`);
  writeFileSync(src, conf);
  run("checkpolicy", [...(mls ? ["-M"] : []), "-t", "Xen", "-c", String(version), src, "-o", out]);
  return out;
}

/** `sesearch <flags> <policy>`, one rule a line, sorted. */
export function sesearch(policy: string, flags: string[]): string[] {
  return run("sesearch", [...flags, policy])
    .split("\n")
    .filter((l) => l.trim() !== "")
    .sort();
}

/** `seinfo <policy>`: its statistics. */
export function seinfo(policy: string): string {
  return run("seinfo", [policy]);
}

let harness: string | undefined;

/** libsepol's decision for every (source type, target type, class), keyed "s t c". */
export function sepolDecisions(
  policy: string,
  source: { user: string; role: string },
  target: { user: string; role: string },
  level: string | undefined,
  bools: Readonly<Record<string, boolean>> = {},
): {
  sourceTypes: number;
  targetTypes: number;
  classes: number;
  av: Map<string, { allowed: number; auditallow: number; auditdeny: number }>;
} {
  if (!harness) {
    harness = join(dir, "sepol-av");
    run("cc", ["-O1", "-o", harness, join("test", "fixtures", "flask", "sepol-av.c"), "-l:libsepol.a"]);
  }
  const args = [
    policy,
    source.user,
    source.role,
    target.user,
    target.role,
    ...(level ? [level] : []),
    ...Object.entries(bools).map(([k, v]) => `${k}=${v ? 1 : 0}`),
  ];
  const lines = run(harness, args).trim().split("\n");
  const head = /^types (\d+) (\d+) classes (\d+)$/.exec(lines[0] ?? "");
  if (!head) throw new Error(`unexpected harness output: ${lines[0]}`);
  const av = new Map<string, { allowed: number; auditallow: number; auditdeny: number }>();
  for (const l of lines.slice(1)) {
    const [s, t, c, a, aa, ad] = l.split(" ");
    av.set(`${s} ${t} ${c}`, {
      allowed: Number.parseInt(a as string, 16),
      auditallow: Number.parseInt(aa as string, 16),
      auditdeny: Number.parseInt(ad as string, 16),
    });
  }
  return { sourceTypes: Number(head[1]), targetTypes: Number(head[2]), classes: Number(head[3]), av };
}

import { computeAv, indexPolicy } from "../../src/flask/access-vector.js";
import { booleanStates } from "../../src/flask/conditional.js";
import { formatAvRule, formatConditionalExpr } from "../../src/flask/describe-policy.js";
import type { TeStatement } from "../../src/flask/parse-policy-conf.js";
import type { AvRule, FlaskContext, FlaskPolicy, MlsRange } from "../../src/flask/policydb.js";
import { ruleStatements } from "../../src/flask/rule-statements.js";

/**
 * Compares computeAv with libsepol's sepol_compute_av on every (source type, target type, class) the
 * harness enumerates, with the contexts `user:role:type[:level]` on each side and the booleans set.
 * Returns how many triples were compared and the ones that differ.
 */
export function compareWithSepol(
  file: string,
  policy: FlaskPolicy,
  source: { user: string; role: string },
  target: { user: string; role: string },
  level: string | undefined,
  bools: Readonly<Record<string, boolean>> = {},
): { compared: number; differ: string[]; sourceTypes: number; targetTypes: number } {
  const theirs = sepolDecisions(file, source, target, level, bools);
  const ix = indexPolicy(policy);
  const states = booleanStates(policy, bools);
  const value = (list: readonly { name: string; value: number }[], name: string) => {
    const v = list.find((x) => x.name === name)?.value;
    if (v === undefined) throw new Error(`no ${name}`);
    return v;
  };
  let range: MlsRange = { low: { sensitivity: 0, categories: [] }, high: { sensitivity: 0, categories: [] } };
  if (level) {
    const sens = policy.sensitivities.find((s) => s.name === level);
    if (!sens) throw new Error(`no sensitivity ${level}`);
    const l = { sensitivity: sens.level.sensitivity, categories: [] };
    range = { low: l, high: l };
  }
  const ctx = (side: { user: string; role: string }, type: string): FlaskContext => ({
    user: value(policy.users, side.user),
    role: value(policy.roles, side.role),
    type: ix.typeByName.get(type) as number,
    range,
  });
  const differ: string[] = [];
  for (const [key, av] of theirs.av) {
    const [s, t, c] = key.split(" ") as [string, string, string];
    const klass = ix.classByName.get(c);
    if (!klass) {
      differ.push(`${key}: no class ${c}`);
      continue;
    }
    const ours = computeAv(ix, ctx(source, s), ctx(target, t), klass.value, states);
    if (ours.allowed !== av.allowed || ours.auditallow !== av.auditallow || ours.auditdeny !== av.auditdeny)
      differ.push(
        `${key}: ours ${ours.allowed.toString(16)}/${ours.auditallow.toString(16)}/${ours.auditdeny.toString(16)}, libsepol ${av.allowed.toString(16)}/${av.auditallow.toString(16)}/${av.auditdeny.toString(16)}`,
      );
  }
  return {
    compared: theirs.av.size,
    differ,
    sourceTypes: theirs.sourceTypes,
    targetTypes: theirs.targetTypes,
  };
}

/**
 * A small Xen policy in checkpolicy's policy.conf language, with what the Xen policy uses (classes, a
 * common, attributes, an alias, booleans in compound conditionals, constraints on users, roles and types,
 * every Xen object context) and, with `mls`, sensitivities, categories and mlsconstrain.
 */
export function smallPolicyConf(mls: boolean): string {
  const lv = (s: string) => (mls ? `:${s}` : "");
  return `class domain
class event
class resource
sid kernel
sid dom0
sid unlabeled
common base { read write }
class domain { create pause transition setparam }
class event inherits base { bind send }
class resource { add remove use }
${
  mls
    ? `sensitivity s0;
sensitivity s1;
dominance { s0 s1 }
category c0;
category c1;
level s0:c0.c1;
level s1:c0.c1;
mlsconstrain domain { pause create } ( l1 dom l2 or t1 == dom0_t );
mlsconstrain event send ( h1 eq h2 );
`
    : ""
}attribute domain_type;
attribute dev_type;
type xen_t;
type dom0_t, domain_type;
type domU_t alias guest_t, domain_type;
type dm_t, domain_type;
type nic_t, dev_type;
type evt_t;
bool locked false;
bool open true;
allow dom0_t domain_type:domain { create pause };
allow domain_type self:event { read bind };
allow dm_t domU_t:domain setparam;
allow domU_t dm_t:domain transition;
allow dom0_t domU_t:domain transition;
auditallow dom0_t domU_t:domain create;
dontaudit domain_type xen_t:event send;
type_transition dom0_t domU_t:event evt_t;
allow dom0_t dev_type:resource *;
allow domain_type dev_type:resource use;
if (!locked && open) { allow domU_t dom0_t:event send; } else { allow domU_t dom0_t:event write; dontaudit domU_t xen_t:event read; }
if (locked ^ open) { allow dm_t dev_type:resource use; auditallow dm_t nic_t:resource use; }
role system_r;
role vm_r;
role system_r types { xen_t dom0_t dm_t nic_t evt_t };
role vm_r types { domU_t };
user system_u roles { system_r vm_r }${mls ? " level s0 range s0 - s1:c0.c1" : ""};
user guest_u roles { vm_r system_r }${mls ? " level s0 range s0 - s0" : ""};
constrain event { bind send } ( u1 == system_u or u2 == system_u or u1 == u2 );
constrain domain transition ( r1 == r2 or t1 == dom0_t );
constrain resource use ( not ( t2 != nic_t ) or u1 != guest_u );
sid kernel system_u:system_r:xen_t${lv("s0")}
sid dom0 system_u:system_r:dom0_t${lv("s0 - s1:c0")}
sid unlabeled system_u:object_r:xen_t${lv("s0")}
pirqcon 33 system_u:object_r:nic_t${lv("s0")}
ioportcon 0x60-0x64 system_u:object_r:nic_t${lv("s0")}
iomemcon 0xfeb00-0xfeb10 system_u:object_r:nic_t${lv("s0")}
pcidevicecon 0xc800 system_u:object_r:nic_t${lv("s0")}
devicetreecon /soc/ethernet@1000 system_u:object_r:nic_t${lv("s0")}
`;
}

/**
 * What SETools says each (source type, target type, class) is allowed: every allow rule `sesearch -A`
 * prints, conditional ones when their boolean (as `seinfo --bool` gives its state) enables them, matched
 * to types through the attributes `seinfo -a -x` lists. One call of each tool for the whole policy.
 */
export function setoolsGranted(file: string): (s: string, t: string, c: string) => Set<string> {
  const states = new Map(
    [...run("seinfo", ["--bool", "-x", file]).matchAll(/bool (\w+) (true|false);/g)].map((m) => [
      m[1] as string,
      m[2] === "true",
    ]),
  );
  const enabled = (line: string) => {
    if (!line.includes("]:")) return true;
    const m = /\[ (!?) ?(\w+) \]:(True|False)$/.exec(line);
    if (!m || !states.has(m[2] as string)) throw new Error(`a condition this helper does not read: ${line}`);
    return (states.get(m[2] as string) !== (m[1] === "!")) === (m[3] === "True");
  };
  const members = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const l of run("seinfo", ["-a", "-x", file]).split("\n")) {
    const m = /^\s+attribute (\w+);$/.exec(l);
    if (m) {
      current = new Set();
      members.set(m[1] as string, current);
    } else if (/^\t\w+$/.test(l)) current?.add(l.trim());
  }
  const covers = (name: string, type: string) => name === type || members.get(name)?.has(type) === true;
  const rules = sesearch(file, ["-A"])
    .filter(enabled)
    .map((l) => {
      const m = /^allow (\w+) (\w+):(\w+) (?:\{ ([^}]*) \}|(\w+));/.exec(l);
      if (!m) throw new Error(`a rule this helper does not read: ${l}`);
      return {
        s: m[1] as string,
        t: m[2] as string,
        c: m[3] as string,
        perms: (m[4] ?? m[5] ?? "").split(" "),
      };
    });
  return (s, t, c) =>
    new Set(
      rules
        .filter((r) => r.c === c && covers(r.s, s) && (covers(r.t, t) || (r.t === "self" && s === t)))
        .flatMap((r) => r.perms),
    );
}

/**
 * The rules of a compiled policy that the statements of its source do not account for: a rule no statement
 * maps to, or whose statements' permissions together are not the rule's (allow and auditallow: their union;
 * dontaudit: the bits it clears; a type rule: its new type). Each as `sesearch` prints it, with why.
 */
export function unexplainedRules(policy: FlaskPolicy, statements: readonly TeStatement[]): string[] {
  const ix = indexPolicy(policy);
  const found = ruleStatements(policy, statements);
  const out: string[] = [];
  const check = (r: AvRule, cond?: { expr: string; when: boolean }) => {
    const list = found.get(r) ?? [];
    const union = list.reduce((u, s) => u | s.perms, 0) >>> 0;
    const ok = r.kind.startsWith("type_")
      ? list.length > 0 && list.every((s) => s.perms === r.data)
      : list.length > 0 && union === (r.kind === "dontaudit" ? ~r.data >>> 0 : r.data);
    if (!ok)
      out.push(
        `${formatAvRule(ix, r, cond)}: ${list.length ? `statements give ${union.toString(16)}, the rule has ${r.data.toString(16)}` : "no statement"}`,
      );
  };
  for (const r of policy.avtab) check(r);
  for (const c of policy.conditionals) {
    const expr = formatConditionalExpr(policy, c);
    for (const r of c.whenTrue) check(r, { expr, when: true });
    for (const r of c.whenFalse) check(r, { expr, when: false });
  }
  return out;
}
