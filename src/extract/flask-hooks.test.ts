import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { indexPolicy } from "../flask/access-vector.js";
import { buildPolicy } from "../flask/build-policy.js";
import { readPolicy } from "../flask/read-policy.js";
import { loadCParser } from "./c-parser.js";
import { FLASK_HOOK_FILES, readFlaskHooks } from "./flask-hooks.js";

const FIXTURE = "test/fixtures/flask/hooks/hooks.c";

test("flask hooks: each member of flask_ops with its checks, through helpers, switches and callbacks", async () => {
  const hooks = readFlaskHooks([{ path: FIXTURE, text: readFileSync(FIXTURE, "utf8") }], await loadCParser());
  assert.deepEqual(
    hooks.map((h) => [h.name, h.function, h.opsRef, h.guards]),
    [
      ["pause", "flask_pause", `${FIXTURE}:110`, []],
      ["console_io", "flask_console", `${FIXTURE}:111`, []],
      ["iomem_permission", "flask_iomem", `${FIXTURE}:113`, ["CONFIG_HAS_PASSTHROUGH"]],
      ["assign_device", "flask_device", `${FIXTURE}:114`, ["CONFIG_HAS_PASSTHROUGH"]],
    ],
  );
  const [pause, console_, iomem, device] = hooks;
  // current_has_perm -> domain_has_perm -> avc_has_perm(domain_sid(current), domain_target_sid(current, d))
  assert.deepEqual(
    pause?.checks.map((c) => [
      c.ref,
      c.via,
      c.subject,
      c.object,
      c.class,
      c.permissions.map((p) => [p.macro, p.ref]),
    ]),
    [
      [
        `${FIXTURE}:25`,
        [`current_has_perm@${FIXTURE}:50`, `domain_has_perm@${FIXTURE}:30`],
        { kind: "domain", domain: "current" },
        { kind: "domain-target", source: "current", target: "d" },
        "domain",
        [["DOMAIN__PAUSE", `${FIXTURE}:50`]],
      ],
    ],
  );
  // one permission by path: the variable's assignments, each under its case
  const c = console_?.checks[0];
  assert.deepEqual([c?.object, c?.class, c?.choice], [{ kind: "initial-sid", name: "xen" }, "xen", true]);
  assert.deepEqual(
    c?.permissions.map((p) => [p.macro, p.ref]),
    [
      ["XEN__READCONSOLE", `${FIXTURE}:60`],
      ["XEN__WRITECONSOLE", `${FIXTURE}:63`],
    ],
  );
  // each permission of the choice with the case it is assigned under; the default's refusal
  assert.deepEqual(
    c?.permissions.map((p) => p.when),
    [
      [
        {
          kind: "case",
          labels: ["CONSOLEIO_read"],
          default: false,
          switchLabels: ["CONSOLEIO_read", "CONSOLEIO_write"],
          ref: `${FIXTURE}:59`,
        },
      ],
      [
        {
          kind: "case",
          labels: ["CONSOLEIO_write"],
          default: false,
          switchLabels: ["CONSOLEIO_read", "CONSOLEIO_write"],
          ref: `${FIXTURE}:62`,
        },
      ],
    ],
  );
  assert.deepEqual(
    console_?.refusals.map((r) => [r.ref, r.error, r.conditions]),
    [[`${FIXTURE}:66`, "-EPERM", [`default (${FIXTURE}:65)`]]],
  );
  assert.deepEqual(pause?.refusals, []);
  // the helper's returns, then the iterator's callback with the caller's struct fields
  assert.deepEqual(
    iomem?.checks.map((k) => [k.subject, k.object, k.permissions.map((p) => p.macro), k.choice]),
    [
      [
        { kind: "domain", domain: "current" },
        { kind: "domain-target", source: "current", target: "d" },
        ["RESOURCE__ADD", "RESOURCE__REMOVE"],
        true,
      ],
      [
        { kind: "domain", domain: "current" },
        { kind: "ocontext", context: "iomem", via: "security_iterate_iomem_sids" },
        ["RESOURCE__ADD_IOMEM", "RESOURCE__REMOVE_IOMEM"],
        false,
      ],
    ],
  );
  // an object context looked up into a local; the condition around the check; a permission of another class
  assert.deepEqual(
    device?.checks.map((k) => [
      k.subject,
      k.object,
      k.permissions.map((p) => p.macro),
      k.conditions,
      k.classMismatch,
    ]),
    [
      [
        { kind: "domain", domain: "d" },
        { kind: "ocontext", context: "pcidevice", via: "security_device_sid" },
        ["RESOURCE__USE", "RESOURCE__SETUP"],
        [`d != current->domain (${FIXTURE}:104)`],
        [],
      ],
      // the second check is not in an else: both are made when d is another domain
      [
        { kind: "domain", domain: "current" },
        { kind: "domain-target", source: "current", target: "d" },
        ["DOMAIN2__SETCLAIM"],
        [],
        ["DOMAIN2__SETCLAIM"],
      ],
    ],
  );
});

test("flask hooks: a file without flask_ops is refused", async () => {
  assert.throws(
    () =>
      readFlaskHooks([{ path: "xen/xsm/flask/hooks.c", text: "int x;\n" }], () => {
        throw new Error("not parsed");
      }),
    /not parsed|flask_ops/,
  );
});

const root = process.env.XEN_SRC;

test("XEN_SRC: every Flask hook of the tree is read, and every permission of its policy is checked by one", async () => {
  if (!root) {
    console.log("XEN_SRC not set: real-tree check not run");
    return;
  }
  const files = FLASK_HOOK_FILES.filter((p) => existsSync(join(root, p))).map((p) => ({
    path: p,
    text: readFileSync(join(root, p), "utf8"),
  }));
  const hooks = readFlaskHooks(files, await loadCParser());
  const built = buildPolicy(root);
  const policy = readPolicy(built.bytes, built.name);
  const ix = indexPolicy(policy);
  // every hook's function is defined in the files, and 4.22.0 has 87 (one per dummy hook)
  assert.deepEqual(
    hooks.filter((h) => h.ref === "").map((h) => h.name),
    [],
  );
  if (built.xenVersion === "4.22.0") assert.equal(hooks.length, 87);
  const used = new Set(
    hooks.flatMap((h) => h.checks.flatMap((c) => c.permissions.map((p) => `${p.class}:${p.name}`))),
  );
  const declared = policy.classes.flatMap((k) => k.bits.filter((b) => b !== "").map((b) => `${k.name}:${b}`));
  assert.deepEqual(
    declared.filter((p) => !used.has(p)),
    [],
    "permissions no hook checks",
  );
  assert.deepEqual(
    [...used].filter((p) => !declared.includes(p)),
    [],
    "permissions the policy does not declare",
  );
  const classes = new Set(hooks.flatMap((h) => h.checks.map((c) => c.class)));
  assert.deepEqual(
    [...classes].filter((c) => !ix.classByName.has(c)),
    [],
    "classes the policy does not declare",
  );
  const mismatches = hooks.flatMap((h) =>
    h.checks.flatMap((c) =>
      c.classMismatch.map((m) => `${h.name}: ${m} on ${c.class} (${c.via[0] ?? c.ref})`),
    ),
  );
  console.log(
    `${built.xenVersion}: ${hooks.length} hooks, ${hooks.reduce((n, h) => n + h.checks.length, 0)} checks, ${used.size} of ${declared.length} permissions checked; class mismatches: ${mismatches.join("; ") || "none"}`,
  );
});

test("flask hooks: a statement after a switch holds for the cases that leave it", async () => {
  const file = "test/fixtures/flask/after-switch/hooks.c";
  const [assign] = readFlaskHooks([{ path: file, text: readFileSync(file, "utf8") }], await loadCParser());
  // hooks.c:805 at RELEASE-4.22.0: avc_unknown_permission after the device-type switch, for the types
  // that break out of it (a DT path that breaks, any other type), not for PCI, which returns
  const after = assign?.refusals.find((r) => r.ref === `${file}:31`);
  assert.deepEqual(after?.when.at(-1), {
    kind: "case",
    labels: ["XEN_DOMCTL_DEV_DT", "XEN_DOMCTL_DEV_ANY"],
    default: true,
    switchLabels: ["XEN_DOMCTL_DEV_PCI", "XEN_DOMCTL_DEV_DT", "XEN_DOMCTL_DEV_ANY"],
    ref: `${file}:15`,
  });
  assert.match(
    after?.conditions.at(-1) ?? "",
    /^after switch \( op->u\.assign_device\.dev \) \(.*:15\): case XEN_DOMCTL_DEV_DT \| case XEN_DOMCTL_DEV_ANY \| default$/,
  );
  // the console check after its switch: only through the cases that assign a permission
  const hooks = readFlaskHooks([{ path: FIXTURE, text: readFileSync(FIXTURE, "utf8") }], await loadCParser());
  assert.deepEqual(hooks[1]?.checks[0]?.when.at(-1), {
    kind: "case",
    labels: ["CONSOLEIO_read", "CONSOLEIO_write"],
    default: false,
    switchLabels: ["CONSOLEIO_read", "CONSOLEIO_write"],
    ref: `${FIXTURE}:57`,
  });
});
