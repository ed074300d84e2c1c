import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { checkCatalogue } from "../src/catalog/check-catalogue.js";
import { loadCatalogue } from "../src/catalog/load-catalogue.js";
import { InputError } from "../src/core/errors.js";

const cat = loadCatalogue("4.22.0");

test("the 4.22.0 catalogue is internally consistent (hooks bound, call-site actions match)", () => {
  assert.deepEqual(checkCatalogue(cat), []);
});

test("it describes RELEASE-4.22.0", () => {
  assert.equal(cat.meta.tag, "RELEASE-4.22.0");
  assert.equal(cat.meta.commit, "d45d5687f1441495f4ee20d5e9940066c5fa5beb");
});

test("it has the 72 access-check hooks of dummy.h, by action as the reference counts them", () => {
  assert.equal(cat.hooks.length, 72);
  const count: Record<string, number> = {};
  for (const h of cat.hooks) count[h.action] = (count[h.action] ?? 0) + 1;
  assert.deepEqual(count, { HOOK: 13, XS_PRIV: 2, PRIV: 22, TARGET: 18, DM_PRIV: 13, OTHER: 4 });
});

test("every hook is reached by at least one catalogued operation", () => {
  const used = new Set(
    cat.operations.flatMap((o) => o.checks.flatMap((c) => (c.kind === "xsm" ? [c.hook] : []))),
  );
  assert.deepEqual(
    cat.hooks.map((h) => h.name).filter((n) => !used.has(n)),
    [],
  );
});

test("every hypercall family of the reference is covered", () => {
  const families = new Set(cat.operations.map((o) => o.hypercall));
  for (const h of [
    "domctl",
    "sysctl",
    "platform_op",
    "physdev_op",
    "memory_op",
    "grant_table_op",
    "event_channel_op",
    "hvm_op",
    "dm_op",
    "console_io",
    "xen_version",
    "sched_op",
    "mmu_update",
    "mmuext_op",
    "update_va_mapping_otherdomain",
    "mca",
    "xenpmu_op",
    "kexec_op",
    "hypfs_op",
    "argo_op",
    "paging_domctl_cont",
  ])
    assert.ok(families.has(h), h);
});

test("the 4.22 domctl gate: the twelve own-hook sub-ops do not pass xsm_domctl", () => {
  const own = [
    "bind_pt_irq",
    "getdomaininfo",
    "get_device_group",
    "get_domain_state",
    "gsi_permission",
    "iomem_permission",
  ];
  own.push(
    "ioport_mapping",
    "ioport_permission",
    "irq_permission",
    "memory_mapping",
    "set_target",
    "unbind_pt_irq",
  );
  for (const name of own) {
    const op = cat.operations.find((o) => o.id === `domctl/${name}`);
    assert.ok(op, name);
    assert.ok(!op.checks.some((c) => c.kind === "xsm" && c.hook === "domctl"), `${name} passes xsm_domctl`);
  }
});

test("a corrupt catalogue is bad input with its location", () => {
  assert.throws(
    () => loadCatalogue("test/fixtures/catalogues/corrupt-action.json"),
    (e: unknown) =>
      e instanceof InputError &&
      e.diagnostics.some(
        (d) =>
          d.code === "catalogue/invalid" &&
          d.span?.line === 15 &&
          /operations\.0\.checks\.0\.action/.test(d.message),
      ),
  );
  const r = spawnSync(
    process.execPath,
    ["dist/xenpriv.js", "ops", "--xen", "test/fixtures/catalogues/truncated.json"],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /truncated\.json:\d+:\d+: error\[catalogue\/syntax\]/);
});

test("a catalogue the schema accepts but the engine could not evaluate is bad input, located", () => {
  for (const [file, line, pattern] of [
    [
      "unbound-hook-parameter.json",
      9,
      /xsm_dm_op passes `d` to xsm_default_action but the call binds no domain to it/,
    ],
    ["unknown-condition-atom.json", 15, /unknown condition atom/],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      ["dist/xenpriv.js", "ops", "--xen", `test/fixtures/catalogues/${file}`],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 2, file);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`${file.replace(".", "\\.")}:${line}:\\d+: error\\[catalogue/`));
    assert.match(r.stderr, pattern);
  }
});

test("unknown catalogue versions get suggestions", () => {
  assert.throws(
    () => loadCatalogue("4.22"),
    (e: unknown) => e instanceof InputError && /did you mean .*`4\.22\.0`/.test(e.diagnostics[0]?.help ?? ""),
  );
});
