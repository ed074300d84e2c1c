import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { indexPolicy } from "../src/flask/access-vector.js";
import { readPolicy } from "../src/flask/read-policy.js";
import { ensureBuilt, json, run } from "./support/cli.js";
import { compilePolicy } from "./support/flask-tools.js";

// `--policy flask:<file>` through the CLI, with the shipped 4.22.0 catalogue's Flask hooks and a policy
// written for the tests (test/fixtures/flask/engine/policy.conf), compiled with checkpolicy at test time.
const DIR = mkdtempSync(join(tmpdir(), "xenpriv-cli-flask-policy-"));
before(ensureBuilt);
after(() => rmSync(DIR, { recursive: true, force: true }));
const POLICY = compilePolicy(readFileSync("test/fixtures/flask/engine/policy.conf", "utf8"), 30);
const system = (extra = "") => {
  const path = join(DIR, `system${extra ? "-bad" : ""}.yaml`);
  writeFileSync(
    path,
    `xen: 4.22.0
domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: guest, domid: 1, type: hvm, label: system_u:system_r:domU_t }
  - { name: dm, domid: 2, target: guest, label: dm_dom_t }
${extra}`,
  );
  return path;
};
/** `check <who> domctl/pausedomain <target>` on `sys` under a Flask policy, the test policy by default. */
const pause = (who: string, target: string, policy = `flask:${POLICY}`, sys = system()): string[] => [
  "check",
  who,
  "domctl/pausedomain",
  target,
  "--system",
  sys,
  "--policy",
  policy,
];

test("check --policy flask:<file>: each permission check with its contexts and the rule that decided it", () => {
  const ok = run(...pause("ctl", "guest"));
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /^ALLOW {2}ctl domctl\/pausedomain guest {2}\(policy flask:/);
  assert.match(ok.out, /Flask: flask_domctl {3}\[xen\/xsm\/flask\/hooks\.c:658\]/);
  assert.match(
    ok.out,
    /ctl is labelled system_u:system_r:dom0_t: SECINITSID_DOM0, built at boot with is_privileged/,
  );
  assert.match(
    ok.out,
    /✔ avc_has_perm\(system_u:system_r:dom0_t, system_u:system_r:domU_t, domain, pause\) {3}\[xen\/xsm\/flask\/hooks\.c:693\]/,
  );
  assert.match(ok.out, /granted by allow dom0_t domain_type:domain pause;/);
  const no = run(...pause("guest", "ctl"));
  assert.equal(no.code, 1);
  assert.match(no.out, /no allow rule gives pause to domU_t on dom0_t/);
  // the device model acts on its target through the target_sid of the type_transition
  const dm = json(...pause("dm", "guest"));
  const steps = (dm.value as { steps: { what: string }[] }).steps.map((s) => s.what);
  assert.ok(steps.some((s) => s.includes("its target_sid system_u:system_r:domU_t_target")));
});

test("matrix and diff --vs flask:<file>: the Flask policy's answers, and what it changes from dummy", () => {
  const m = run("matrix", "--system", system(), "--policy", `flask:${POLICY}`, "--format", "csv");
  assert.equal(m.code, 0, m.err);
  assert.match(m.out, /\ndomctl\/pausedomain,/);
  const d = json("diff", "--system", system(), "--policy", "dummy", "--vs", `flask:${POLICY}`);
  assert.equal(d.code, 0, d.err);
  const changes = (d.value as { changes: { kind: string; domain: string; op: string }[] }).changes;
  // dummy lets the device model pause its target (XSM_DM_PRIV is not pausedomain's: it is XSM_PRIV), Flask too
  assert.ok(changes.some((c) => c.kind === "narrowed"));
  assert.ok(changes.some((c) => c.kind === "widened" && c.domain === "dm" && c.op === "domctl/pausedomain"));
});

test("flask: policies: a label the policy cannot hold, a missing file are located diagnostics, exit 2", () => {
  const bad = run(
    ...pause("ctl", "guest", `flask:${POLICY}`, system("  - { name: odd, domid: 3, label: nope_t }\n")),
  );
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /system-bad\.yaml:6:\d+: error\[system\/bad-label\]: `odd`: label `nope_t` is not a context of the policy: no type `nope_t` in the policy/,
  );
  const missing = run(...pause("ctl", "guest", `flask:${join(DIR, "none")}`));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /flask\/unreadable/);
  assert.doesNotMatch(bad.err + missing.err, /\n\s+at /);
});

test("--flask-boolean: a boolean flips a decision on every query command, and the explanation says it was set", () => {
  const flask = ["--system", system(), "--policy", `flask:${POLICY}`];
  // guest_console is false in the fixture: `if (guest_console) { allow domU_t xen_t:xen writeconsole; }`
  const off = run("check", "guest", "console_io/write", ...flask);
  assert.equal(off.code, 1, off.err);
  assert.match(off.out, /is under \[ guest_console \]:True, and the booleans make it False\n/);
  const on = run("check", "guest", "console_io/write", ...flask, "--flask-boolean", "guest_console=true");
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /^ALLOW {2}guest console_io\/write {2}\(policy flask:\S+ with guest_console=true\)/);
  assert.match(
    on.out,
    /granted by allow domU_t xen_t:xen writeconsole; \[ guest_console \]:True; guest_console=true is set \(--flask-boolean; the policy's default: guest_console=false\)/,
  );
  // setting it to its default changes nothing but says so where it is denied
  const same = run("check", "guest", "console_io/write", ...flask, "--flask-boolean", "guest_console=off");
  assert.equal(same.code, 1);
  assert.match(
    same.out,
    /guest_console=false is set \(--flask-boolean; the policy's default: guest_console=false\)/,
  );
  type Cells = { cells: { domain: string; op: string; allowed?: boolean }[] };
  const guestMay = (cmd: string[], b: string[]) =>
    (json(...cmd, ...flask, ...b).value as Cells).cells.some(
      (c) => c.domain === "guest" && c.op === "console_io/write" && c.allowed === true,
    );
  for (const cmd of [
    ["who-can", "console_io/write"],
    ["what-can", "guest"],
  ]) {
    assert.equal(guestMay(cmd, []), false, cmd[0]);
    assert.equal(guestMay(cmd, ["--flask-boolean", "guest_console=1"]), true, cmd[0]);
  }
  const matrix = (b: string[]) =>
    run("matrix", ...flask, "--hypercall", "console_io", "--format", "csv", ...b)
      .out.split("\n")
      .find((l) => l.startsWith("console_io/write,"));
  assert.notEqual(matrix([]), matrix(["--flask-boolean", "guest_console=true"]));
  // diff: --flask-boolean is both sides', --vs-flask-boolean the --vs side's over it
  const d = json(
    "diff",
    "--system",
    system(),
    "--policy",
    `flask:${POLICY}`,
    "--vs",
    `flask:${POLICY}`,
    "--vs-flask-boolean",
    "guest_console=true",
  );
  assert.equal(d.code, 0, d.err);
  assert.deepEqual(
    (d.value as { changes: { kind: string; domain: string; op: string }[] }).changes.map(
      (c) => `${c.kind} ${c.domain} ${c.op}`,
    ),
    ["widened guest console_io/write"],
  );
  const both = json(
    "diff",
    "--system",
    system(),
    "--policy",
    `flask:${POLICY}`,
    "--vs",
    `flask:${POLICY}`,
    "--flask-boolean",
    "guest_console=true",
    "--vs-flask-boolean",
    "guest_console=false",
  );
  assert.deepEqual(
    (both.value as { changes: { kind: string; domain: string; op: string }[] }).changes.map(
      (c) => `${c.kind} ${c.domain} ${c.op}`,
    ),
    ["narrowed guest console_io/write"],
  );
  // dummy on one side: --flask-boolean goes to the flask: side
  const mixed = json(
    "diff",
    "--system",
    system(),
    "--policy",
    "dummy",
    "--vs",
    `flask:${POLICY}`,
    "--flask-boolean",
    "guest_console=true",
  );
  assert.equal(mixed.code, 0, mixed.err);
  assert.match(String((mixed.value as { to: string }).to), / with guest_console=true$/);
});

test("--flask-boolean: a bad value, an unknown boolean, a policy that is not Flask are located diagnostics, exit 2", () => {
  const flask = ["check", "guest", "console_io/write", "--system", system(), "--policy", `flask:${POLICY}`];
  for (const [args, pattern] of [
    [
      [...flask, "--flask-boolean", "guest_console=maybe"],
      /error\[cli\/bad-flask-boolean\]: `--flask-boolean guest_console=maybe`: `guest_console=maybe` is not `name=true` or `name=false`/,
    ],
    [
      [...flask, "--flask-boolean", "guest_console"],
      /error\[cli\/bad-flask-boolean\]: `--flask-boolean guest_console`/,
    ],
    [
      [...flask, "--flask-boolean", "guest_console=true,guest_console=false"],
      /`--flask-boolean` sets `guest_console` to both true and false/,
    ],
    [
      [...flask, "--flask-boolean", "nope=true"],
      /error\[policy\/flask-boolean\]: the policy \S+ has no boolean `nope`\n {2}help: its booleans: guest_console \(default false\)/,
    ],
    [
      [
        "check",
        "guest",
        "console_io/write",
        "--system",
        system(),
        "--policy",
        "silo",
        "--flask-boolean",
        "guest_console=true",
      ],
      /error\[policy\/not-flask\]: Flask booleans \(`guest_console`\) set, but no policy here is a Flask policy \(`silo`\)/,
    ],
    [
      [
        "diff",
        "--system",
        system(),
        "--policy",
        `flask:${POLICY}`,
        "--vs",
        "silo",
        "--vs-flask-boolean",
        "guest_console=true",
      ],
      /error\[policy\/not-flask\]: Flask booleans \(`guest_console`\) set for `silo`/,
    ],
    [["flask", "reach", POLICY, "--flask-boolean", "x=2"], /error\[cli\/bad-flask-boolean\]/],
  ] as const) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.out}`);
    assert.match(r.err, pattern);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

test("lint --policy flask:<file>: the policy's own rules with the system's findings, in text, JSON and SARIF", () => {
  // the engine's fixture lets dm_dom_t pause dom0_t: `allow dm_dom_t dom0_t:domain pause;`
  const ix = indexPolicy(readPolicy(readFileSync(POLICY), POLICY));
  const offset = ix.policy.avtab.find(
    (r) =>
      r.kind === "allow" &&
      r.source === ix.typeByName.get("dm_dom_t") &&
      r.target === ix.typeByName.get("dom0_t") &&
      r.class === ix.classByName.get("domain")?.value,
  )?.offset;
  assert.ok(offset !== undefined);
  const lint = (...more: string[]) => run("lint", system(), "--policy", `flask:${POLICY}`, ...more);
  const text = lint();
  assert.equal(text.code, 0, text.err);
  assert.ok(
    text.out.includes(
      `${POLICY}@0x${offset.toString(16)}: warning[flask-policy/guest-on-dom0]: \`dm_dom_t\` may act on \`dom0_t\`: domain pause under flask:${POLICY}\n  help: \`allow dm_dom_t dom0_t:domain pause;\` grants it; give guest types read-only permissions on dom0_t at most\n  xen: xen/xsm/flask/hooks.c:214-217`,
    ),
    text.out,
  );
  // the system's own findings are there too
  assert.match(text.out, /warning\[xsa77-delegation\]/);
  const js = JSON.parse(lint("-f", "json").out) as {
    findings: { rule: string; code: string; span?: { file: string; offset?: number } }[];
  };
  const finding = js.findings.find((f) => f.rule === "flask-policy");
  assert.deepEqual(
    [finding?.code, finding?.span?.file, finding?.span?.offset],
    ["flask/guest-on-dom0", POLICY, offset],
  );
  const sarif = JSON.parse(lint("-f", "sarif", "--source-root", DIR).out) as {
    runs: {
      tool: { driver: { rules: { id: string }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { byteOffset: number } };
        }[];
      }[];
    }[];
  };
  const r = sarif.runs[0]?.results.find((x) => x.ruleId.startsWith("flask-policy"));
  assert.equal(r?.ruleId, "flask-policy/guest-on-dom0");
  assert.equal(sarif.runs[0]?.tool.driver.rules[r?.ruleIndex ?? -1]?.id, "flask-policy/guest-on-dom0");
  assert.deepEqual(r?.locations[0]?.physicalLocation.region, { byteOffset: offset });
  assert.equal(r?.locations[0]?.physicalLocation.artifactLocation.uri, pathToFileURL(POLICY).href);
  // --rule picks it alone; under a policy that is not Flask it reports nothing
  const only = JSON.parse(lint("-f", "json", "--rule", "flask-policy").out) as {
    findings: { rule: string }[];
  };
  assert.deepEqual(
    only.findings.map((f) => f.rule),
    ["flask-policy"],
  );
  const dummy = JSON.parse(
    run("lint", system(), "--policy", "dummy", "-f", "json", "--rule", "flask-policy").out,
  );
  assert.deepEqual(dummy.findings, []);
  // the booleans reach lint's model: its policy is the one with them set
  const set = JSON.parse(lint("-f", "json", "--flask-boolean", "guest_console=true").out) as {
    policy: string;
  };
  assert.equal(set.policy, `flask:${POLICY} with guest_console=true`);
});

test("ops --flask: what Flask checks for each operation, with its line; a catalogue without it is exit 2", () => {
  const r = json("ops", "--flask", "--hypercall", "domctl");
  assert.equal(r.code, 0, r.err);
  const ops = (
    r.value as {
      operations: { id: string; checks: { class: string; permissions: string[]; permissionRef: string }[] }[];
    }
  ).operations;
  assert.deepEqual(
    ops
      .find((o) => o.id === "domctl/pausedomain")
      ?.checks.map((c) => [c.class, c.permissions, c.permissionRef]),
    [["domain", ["pause"], "xen/xsm/flask/hooks.c:693"]],
  );
  // a tree without xen/xsm/flask/hooks.c: its extracted catalogue has no Flask part
  const bare = join(DIR, "no-flask.json");
  const x = run("extract", "test/fixtures/extract/patterns/case-labels", "-o", bare, "--no-cache");
  assert.equal(x.code, 0, x.err);
  const none = run("ops", "--flask", "--xen", bare);
  assert.equal(none.code, 2);
  assert.match(none.err, /error\[policy\/no-flask-hooks\]/);
});

test("flask reach: which domain types may reach which; an unknown type is exit 2", () => {
  const r = json("flask", "reach", POLICY, "--source", "dm_dom_t");
  assert.equal(r.code, 0, r.err);
  const rows = (
    r.value as { reach: { source: string; target: string; class: string; permissions: string[] }[] }
  ).reach;
  assert.deepEqual(rows.map((x) => `${x.source} ${x.target}:${x.class} ${x.permissions.join(" ")}`).sort(), [
    "dm_dom_t dom0_t:domain pause",
    "dm_dom_t domU_t_target:domain pause",
  ]);
  const bad = run("flask", "reach", POLICY, "--target", "nope_t");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /error\[flask\/unknown-type\]: the policy has no type `nope_t`/);
});

test("flask lint: a guest type acting on dom0_t and a device-model type not bound to its target, exit 1", () => {
  const file = compilePolicy(readFileSync("test/fixtures/flask/lint/policy.conf", "utf8"), 30);
  const r = json("flask", "lint", file);
  assert.equal(r.code, 1, r.err);
  const findings = (r.value as { findings: { code: string; message: string }[] }).findings;
  assert.deepEqual(findings.map((f) => [f.code, f.message]).sort(), [
    [
      "flask/dm-unbound",
      "`dm_dom_t` may act as device model (hvm:dm) on `domU_t` itself, not on a `_target` type that set_target binds",
    ],
    ["flask/guest-on-dom0", "`domU_t` may act on `dom0_t`: domain pause"],
  ]);
  // the engine's fixture policy lets dm_dom_t pause dom0_t (for its constraint test); it has no set_target
  const engine = json("flask", "lint", POLICY);
  assert.deepEqual(
    (engine.value as { findings: { message: string }[] }).findings.map((f) => f.message),
    ["`dm_dom_t` may act on `dom0_t`: domain pause"],
  );
});

test("extract writes the tree's Flask part: --xen <extracted catalogue> --policy flask:<file> answers with it", () => {
  // the invented widget hypercall of an extractor fixture, with a Flask hooks.c written for this test
  const root = join(DIR, "tree");
  cpSync("test/fixtures/extract/patterns/case-labels", root, { recursive: true });
  mkdirSync(join(root, "xen/xsm/flask"), { recursive: true });
  writeFileSync(
    join(root, "xen/xsm/flask/hooks.c"),
    `static uint32_t domain_sid(const struct domain *dom)
{
    struct domain_security_struct *dsec = dom->ssid;
    return dsec->sid;
}

static int domain_has_xen(struct domain *d, uint32_t perms)
{
    return avc_has_perm(domain_sid(d), SECINITSID_XEN, SECCLASS_XEN, perms, NULL);
}

static int cf_check flask_widget_plug(struct domain *d)
{
    return domain_has_xen(d, XEN__READCONSOLE);
}

static int cf_check flask_widget_reset(void)
{
    return domain_has_xen(current->domain, XEN__READCONSOLE);
}

static int cf_check flask_widget_flush(void)
{
    return domain_has_xen(current->domain, XEN__WRITECONSOLE);
}

static const struct xsm_ops __initconst_cf_clobber flask_ops = {
    .widget_plug = flask_widget_plug,
    .widget_reset = flask_widget_reset,
    .widget_flush = flask_widget_flush,
};
`,
  );
  const out = join(DIR, "extracted.json");
  const x = run("extract", root, "-o", out, "--no-cache", "--xen-version", "9.9.9");
  assert.equal(x.code, 0, x.err);
  const flask = JSON.parse(readFileSync(out, "utf8")).flask;
  assert.deepEqual(
    flask.hooks.map((h: { name: string; opsRef: string }) => [h.name, h.opsRef]),
    [
      ["widget_plug", "xen/xsm/flask/hooks.c:28"],
      ["widget_reset", "xen/xsm/flask/hooks.c:29"],
      ["widget_flush", "xen/xsm/flask/hooks.c:30"],
    ],
  );
  const sys = join(DIR, "widget.yaml");
  writeFileSync(
    sys,
    `xen: 9.9.9
domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: guest, domid: 1, type: pvh, label: system_u:system_r:domU_t }
`,
  );
  const check = (who: string) =>
    run("check", who, "widget_op/flush", "--system", sys, "--xen", out, "--policy", `flask:${POLICY}`);
  const ok = check("ctl");
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /Flask: flask_widget_flush {3}\[xen\/xsm\/flask\/hooks\.c:22\]/);
  assert.match(
    ok.out,
    /✔ avc_has_perm\(system_u:system_r:dom0_t, system_u:system_r:xen_t, xen, writeconsole\) {3}\[xen\/xsm\/flask\/hooks\.c:24\]/,
  );
  const no = check("guest");
  assert.equal(no.code, 1, no.err);
  assert.match(
    no.out,
    /✘ avc_has_perm\(system_u:system_r:domU_t, system_u:system_r:xen_t, xen, writeconsole\)/,
  );
});

test("check --policy flask:<tree>: under each granting rule, the lines of the policy source it comes from", () => {
  // a Xen-shaped tree written for the tests: its policy built as a Xen tree's is, with m4's synclines
  const TREE = "test/fixtures/flask/tree";
  const args = pause("ctl", "guest", `flask:${TREE}`);
  const r = run(...args);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    new RegExp(
      [
        String.raw` {8}granted by allow dom0_t domU_t:domain \{ pause unpause \};`,
        String.raw` {10}from manage\(dom0_t, domU_t\) {3}\[tools/flask/policy/modules/guests\.te:4\]`,
        String.raw` {12}manage_common: allow \$1 \$2:domain {3}\[tools/flask/policy/modules/macros\.if:17\]`,
        " {8}granted by allow dom0_t domain_type:domain pause;",
        String.raw` {10}from allow dom0_t domain_type:domain pause; {3}\[tools/flask/policy/modules/base\.te:13\]`,
      ].join("\n"),
    ),
  );
  // the statement that gives only unpause is not under a check of pause
  assert.doesNotMatch(r.out, /guests\.te:9/);
  const j = json(...args);
  const steps = (j.value as { steps: { what: string; ref?: string; depth: number }[] }).steps;
  assert.deepEqual(
    steps.filter((s) => s.depth >= 3).map((s) => [s.what, s.ref, s.depth]),
    [
      ["from manage(dom0_t, domU_t)", "tools/flask/policy/modules/guests.te:4", 3],
      ["manage_common: allow $1 $2:domain", "tools/flask/policy/modules/macros.if:17", 4],
      ["from allow dom0_t domain_type:domain pause;", "tools/flask/policy/modules/base.te:13", 3],
    ],
  );
  // a compiled policy file alone has no source: the rules only
  const plain = run(...pause("ctl", "guest"));
  assert.match(plain.out, /granted by allow dom0_t domain_type:domain pause;\n/);
  assert.doesNotMatch(plain.out, / from /);
});
