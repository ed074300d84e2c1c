/**
 * End-to-end tests of the cases a naive model of Xen's access control gets wrong: every item of
 * reference §7.2 ("Tricky cases a naive model gets wrong") that the 4.22.0 catalogue can express, and the
 * x86 and Arm specifics of reference §4, through the public API (system text -> model -> evaluate).
 *
 * Every expected value below was written from the reference (shared/reference/xen-xsm-model.md) and
 * the Xen source at RELEASE-4.22.0, not from running the code; the comments name the Xen lines. Outcomes
 * are "allow" or the denial as the caller sees it (`-EPERM`, `-ENOSYS`, `start_extent`, ...).
 *
 * Paths below are relative to the Xen tree (xen/...).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { checkCatalogue } from "../src/catalog/check-catalogue.js";
import {
  buildModel,
  type Catalogue,
  type Decision,
  type Domain,
  evaluate,
  getPolicy,
  InputError,
  loadCatalogue,
  loadSystemText,
  type Model,
  type Operation,
  POLICY_NAMES,
  resolveDomain,
  resolveOp,
} from "../src/index.js";

const CAT: Catalogue = loadCatalogue("4.22.0");

function model(yaml: string, policy = "dummy"): Model {
  return buildModel(CAT, loadSystemText(yaml, "inline.yaml"), getPolicy(policy));
}

/** A domain, a system domain (`dom_xen`, `DOMID_IO`, `idle`) or a domid, as the CLI accepts them. */
function dom(m: Model, ref: string): Domain {
  return resolveDomain(m, ref);
}

function decide(
  m: Model,
  op: string,
  src: string,
  target: string | null,
  operands: Readonly<Record<string, string>> = {},
): Decision {
  const bound = Object.fromEntries(Object.entries(operands).map(([k, v]) => [k, dom(m, v)]));
  return evaluate(m, resolveOp(m, op), dom(m, src), target === null ? null : dom(m, target), bound);
}

/** "allow", or the denial as the caller sees it. */
function outcome(d: Decision): string {
  return d.decision === "allow" ? "allow" : (d.error ?? "deny");
}

/** The decision's steps, for assertion messages. */
function explain(d: Decision): string {
  const steps = d.steps.map(
    (s) =>
      `${"  ".repeat(s.depth + 1)}${s.kind}: ${s.what}${s.value === undefined ? "" : ` = ${s.value}`}${s.ref ? ` [${s.ref}]` : ""}`,
  );
  const conds = d.conditions.map((c) => `  condition: ${c}`);
  return [`${d.src} ${d.op} ${d.target ?? "-"} under ${d.policy}: ${outcome(d)}`, ...steps, ...conds].join(
    "\n",
  );
}

/** operation, caller, target (null: the operation takes none), expected outcome, operand bindings */
type Row = readonly [
  op: string,
  src: string,
  target: string | null,
  expected: string,
  operands?: Readonly<Record<string, string>>,
];

function rowName([op, src, target, expected, operands]: Row): string {
  const on = target === null ? "" : ` on ${target}`;
  const with_ = operands ? ` with ${Object.entries(operands).map(([k, v]) => `${k}=${v}`)}` : "";
  return `${src}: ${op}${on}${with_} -> ${expected}`;
}

/** One test per row. */
function rows(m: Model, table: readonly Row[]): void {
  for (const row of table) {
    it(rowName(row), () => {
      const [op, src, target, expected, operands] = row;
      const d = decide(m, op, src, target, operands);
      assert.equal(outcome(d), expected, explain(d));
    });
  }
}

function assertUnavailable(m: Model, op: string): void {
  assert.throws(
    () => resolveOp(m, op),
    (e: unknown) => e instanceof InputError && e.diagnostics[0]?.code === "query/unavailable-operation",
    `${op} should not exist in this build`,
  );
}

/** The operations of one hypercall present in a model's build. */
function family(m: Model, hypercall: string): Operation[] {
  return m.ops.filter((o) => o.hypercall === hypercall);
}

const DENIED_STRING = '"<denied>"';

// ---------------------------------------------------------------------------------------------------------
// Systems
// ---------------------------------------------------------------------------------------------------------

/** Arm dom0less split (docs/misc/arm/device-tree/booting.txt `capabilities`): every dom0less domain is_console. */
const ARM_SPLIT = `
xen: 4.22.0
arch: arm
xsm: dummy
domains:
  - { name: ctl, domid: 1, built: dom0less, caps: [control] }
  - { name: hw, domid: 2, built: dom0less, caps: [hardware] }
  - { name: xs, domid: 3, built: dom0less, caps: [xenstore] }
  - { name: rtos, domid: 4, built: dom0less }
  - { name: linux, domid: 5, built: dom0less }
`;

/** x86 late hwdom (CONFIG_LATE_HWDOM, hardware_dom=1): dom0 keeps is_privileged, the PV hwdom gets the hardware. */
const X86_LATE_PV_HWDOM = `
arch: x86
build: { late_hwdom: true }
domains:
  - { name: dom0, domid: 0, built: dom0, caps: [control], type: pvh }
  - { name: hw, domid: 1, built: late-hwdom, caps: [hardware], type: pv }
  - { name: guest, domid: 2, type: hvm }
`;

/** The same with a PVH hardware domain and a PV control domain. */
const X86_LATE_PVH_HWDOM = `
arch: x86
build: { late_hwdom: true }
domains:
  - { name: dom0, domid: 0, built: dom0, caps: [control], type: pv }
  - { name: hw, domid: 1, built: late-hwdom, caps: [hardware], type: pvh }
  - { name: guest, domid: 2, type: hvm }
`;

/** x86 dom0 with a xenstore stub domain and a QEMU stub domain for one of two HVM guests. */
const X86_STUBDOMS = `
arch: x86
domains:
  - { name: dom0, domid: 0, built: dom0, type: pvh }
  - { name: xs, domid: 1, caps: [xenstore], type: pvh }
  - { name: web, domid: 2, type: hvm }
  - { name: qemu-web, domid: 3, type: pvh, target: web }
  - { name: mail, domid: 4, type: hvm }
  - { name: pvguest, domid: 5, type: pv }
`;

/** x86 PV world for the PV MMU hypercalls. */
const X86_PV = `
arch: x86
domains:
  - { name: dom0, domid: 0, built: dom0, type: pv }
  - { name: pvguest, domid: 1, type: pv }
  - { name: other, domid: 2, type: pv }
  - { name: hvmguest, domid: 3, type: hvm }
  - { name: pvstub, domid: 4, type: pv, target: hvmguest }
  - { name: pvhguest, domid: 5, type: pvh }
`;

/** One domain of every guest type on x86. */
const X86_MIX = `
arch: x86
domains:
  - { name: dom0, domid: 0, built: dom0, type: pv }
  - { name: pvguest, domid: 1, type: pv }
  - { name: pvhguest, domid: 2, type: pvh }
  - { name: hvmguest, domid: 3, type: hvm }
`;

/** Arm dom0 with a device-model domain (set_target accepts any Arm guest: all are is_hvm_domain). */
const ARM_DM = `
arch: arm
domains:
  - { name: dom0, domid: 0, built: dom0 }
  - { name: linux, domid: 1 }
  - { name: dm, domid: 2, target: linux }
  - { name: other, domid: 3, type: hvm }
`;

const SEED_TEXT = readFileSync(new URL("../examples/seed-hwdom-qemu.yaml", import.meta.url), "utf8");

/** The seed example with a PV control domain: the HVM physdev filter no longer hides setup_gsi from it. */
const SEED_PV_CTL = `
arch: x86
domains:
  - { name: hwdom, domid: 0, built: dom0, caps: [hardware], type: pvh }
  - { name: ctl, domid: 3, built: dom0less, caps: [control], type: pv }
  - { name: xs, domid: 1, built: dom0less, caps: [xenstore], type: pvh }
  - { name: guest, domid: 5, type: hvm }
`;

// ---------------------------------------------------------------------------------------------------------
// §7.2: a hardware domain that is not the control domain
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 non-privileged hardware domain: Arm dom0less capabilities = [hardware]", () => {
  const m = model(ARM_SPLIT);

  it("is denied every sysctl (xsm_sysctl(XSM_PRIV) at entry, common/sysctl.c:45); the control domain is not", () => {
    const ops = family(m, "sysctl");
    assert.ok(ops.length > 10, "the Arm build has sysctls");
    for (const op of ops) {
      const target = op.target.kind === "none" ? null : dom(m, "linux");
      const hw = evaluate(m, op, dom(m, "hw"), target);
      assert.equal(outcome(hw), "-EPERM", explain(hw));
      const ctl = evaluate(m, op, dom(m, "ctl"), target);
      assert.equal(outcome(ctl), "allow", explain(ctl));
    }
  });

  rows(m, [
    // Arm platform_op: only XENPF_settime64, xsm_platform_op(XSM_PRIV) at arch/arm/platform_hypercall.c:38
    ["platform_op/settime64", "hw", null, "-EPERM"],
    ["platform_op/settime64", "ctl", null, "allow"],
    // do_arm_physdev_op -> pci_physdev_op (drivers/pci/physdev.c): PRIV hooks with a NULL target
    ["physdev_op/pci_device_add", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_remove", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_reset", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_add", "ctl", null, "allow"],
    ["hypfs_op", "hw", null, "-EPERM"],
    // xsm_xen_version default branch is PRIV (dummy.h:774); the legacy commandline returns "<denied>"
    // (kernel.c:736-745), build_id and commandline2 -EPERM (kernel.c:748-754)
    ["xen_version/commandline", "hw", null, DENIED_STRING],
    ["xen_version/build_id", "hw", null, "-EPERM"],
    ["xen_version/commandline2", "hw", null, "-EPERM"],
    ["xen_version/commandline", "ctl", null, "allow"],
    // non-XSM hardware-domain gate: sched/core.c:2016
    ["sched_op/pin_override", "hw", null, "allow"],
    ["sched_op/pin_override", "ctl", null, "-EPERM"],
    // dom0less-build.c sets is_console for every dom0less domain: xsm_console_io returns HOOK first
    ["console_io/read", "hw", null, "allow"],
    ["console_io/write", "hw", null, "allow"],
    ["console_io/read", "rtos", null, "allow"],
    // XENMAPSPACE_dev_mmio only for the hardware domain on itself (common/memory.c:1266-1268)
    ["memory_op/add_to_physmap/dev_mmio", "hw", "hw", "allow"],
    ["memory_op/add_to_physmap/dev_mmio", "hw", "linux", "-EACCES"],
    ["memory_op/add_to_physmap/dev_mmio", "ctl", "ctl", "-EACCES"],
    // the rest of its rights are those of a domU
    ["domctl/pausedomain", "hw", "linux", "-EPERM"],
    ["domctl/getdomaininfo", "hw", "linux", "-EPERM"],
    ["dm_op", "hw", "linux", "-EPERM"],
  ]);

  it("has no x86-only operations to be refused on Arm (machine_memory_map, kexec_op, apic, setup_gsi)", () => {
    for (const op of [
      "memory_op/machine_memory_map",
      "kexec_op",
      "physdev_op/apic_read",
      "physdev_op/setup_gsi",
      "physdev_op/dbgp_op",
    ])
      assertUnavailable(m, op);
  });
});

describe("§7.2 non-privileged hardware domain: x86 late hwdom (PV)", () => {
  const m = model(X86_LATE_PV_HWDOM);

  it("is denied every platform_op (xsm_platform_op(XSM_PRIV), arch/x86/platform_hypercall.c:254)", () => {
    const ops = family(m, "platform_op");
    assert.ok(ops.length > 20);
    for (const op of ops) {
      const d = evaluate(m, op, dom(m, "hw"), null);
      assert.equal(outcome(d), "-EPERM", explain(d));
      const c = evaluate(m, op, dom(m, "dom0"), null);
      assert.equal(outcome(c), "allow", explain(c));
    }
  });

  it("is denied every sysctl", () => {
    for (const op of family(m, "sysctl")) {
      const d = evaluate(m, op, dom(m, "hw"), op.target.kind === "none" ? null : dom(m, "guest"));
      assert.equal(outcome(d), "-EPERM", explain(d));
    }
  });

  rows(m, [
    // PV caller: no HVM filter, the PRIV hook refuses (arch/x86/physdev.c)
    ["physdev_op/setup_gsi", "hw", null, "-EPERM"],
    ["physdev_op/pci_mmcfg_reserved", "hw", null, "-EPERM"],
    ["physdev_op/manage_pci_add", "hw", null, "-EPERM"],
    ["physdev_op/manage_pci_add_ext", "hw", null, "-EPERM"],
    ["physdev_op/manage_pci_remove", "hw", null, "-EPERM"],
    ["physdev_op/prepare_msix", "hw", null, "-EPERM"],
    ["physdev_op/release_msix", "hw", null, "-EPERM"],
    ["physdev_op/restore_msi", "hw", null, "-EPERM"],
    ["physdev_op/restore_msi_ext", "hw", null, "-EPERM"],
    ["physdev_op/apic_read", "hw", null, "-EPERM"],
    ["physdev_op/apic_write", "hw", null, "-EPERM"],
    ["physdev_op/alloc_irq_vector", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_add", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_remove", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_reset", "hw", null, "-EPERM"],
    ["memory_op/machine_memory_map", "hw", null, "-EPERM"],
    ["kexec_op", "hw", null, "-EPERM"],
    ["hypfs_op", "hw", null, "-EPERM"],
    ["mca", "hw", null, "-EPERM"],
    ["xen_version/commandline", "hw", null, DENIED_STRING],
    ["xen_version/build_id", "hw", null, "-EPERM"],
    // the non-XSM hwdom-only gates (physdev.c:645, sched/core.c:2016)
    ["physdev_op/dbgp_op", "hw", null, "allow"],
    ["sched_op/pin_override", "hw", null, "allow"],
    // not built by dom0less: no is_console, and no VERBOSE_DEBUG in this build
    ["console_io/read", "hw", null, "-EPERM"],
    ["console_io/write", "hw", null, "-EPERM"],
    // dom0 keeps is_privileged but lost the hardware; it is PVH, so hvm_physdev_op (hvm/hypercall.c:84-91) hides
    // the hwdom-only physdev ops behind -ENOSYS
    ["physdev_op/setup_gsi", "dom0", null, "-ENOSYS"],
    ["physdev_op/pci_mmcfg_reserved", "dom0", null, "-ENOSYS"],
    ["physdev_op/pci_device_add", "dom0", null, "-ENOSYS"],
    ["physdev_op/pci_device_remove", "dom0", null, "-ENOSYS"],
    ["physdev_op/pci_device_reset", "dom0", null, "-ENOSYS"],
    ["physdev_op/dbgp_op", "dom0", null, "-ENOSYS"],
    ["physdev_op/manage_pci_add", "dom0", null, "-ENOSYS"],
    ["sched_op/pin_override", "dom0", null, "-EPERM"],
    ["platform_op/settime64", "dom0", null, "allow"],
    ["sysctl/physinfo", "dom0", null, "allow"],
    ["domctl/createdomain", "dom0", null, "allow"],
  ]);
});

describe("§7.2 non-privileged hardware domain: x86 late hwdom (PVH) next to a PV control domain", () => {
  const m = model(X86_LATE_PVH_HWDOM);
  rows(m, [
    // hvm_physdev_op lets the hardware domain through (hvm/hypercall.c:84-91), then XSM_PRIV refuses it
    ["physdev_op/setup_gsi", "hw", null, "-EPERM"],
    ["physdev_op/pci_mmcfg_reserved", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_add", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_remove", "hw", null, "-EPERM"],
    ["physdev_op/pci_device_reset", "hw", null, "-EPERM"],
    // ... while the rest of PHYSDEVOP is not in the HVM table at all (hvm/hypercall.c:94-95)
    ["physdev_op/manage_pci_add", "hw", null, "-ENOSYS"],
    ["physdev_op/prepare_msix", "hw", null, "-ENOSYS"],
    ["physdev_op/restore_msi", "hw", null, "-ENOSYS"],
    ["physdev_op/apic_read", "hw", null, "-ENOSYS"],
    ["physdev_op/dbgp_op", "hw", null, "allow"],
    // kexec_op and mca are PV-only hypercalls (include/hypercall-defs.c)
    ["kexec_op", "hw", null, "-ENOSYS"],
    ["mca", "hw", null, "-ENOSYS"],
    ["memory_op/add_to_physmap/dev_mmio", "hw", "hw", "allow"],
    // the PV control domain that is not the hardware domain: XSM PRIV passes, hwdom gates do not
    ["physdev_op/setup_gsi", "dom0", null, "allow"],
    ["physdev_op/pci_mmcfg_reserved", "dom0", null, "allow"],
    ["physdev_op/pci_device_add", "dom0", null, "allow"],
    ["physdev_op/manage_pci_add", "dom0", null, "allow"],
    ["physdev_op/apic_read", "dom0", null, "allow"],
    ["kexec_op", "dom0", null, "allow"],
    ["physdev_op/dbgp_op", "dom0", null, "-EPERM"],
    ["sched_op/pin_override", "dom0", null, "-EPERM"],
    // paging_mode_translate(d) fails first for a PV domain (memory.c:1259)
    ["memory_op/add_to_physmap/dev_mmio", "dom0", "dom0", "-EACCES"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: PVH control domain that is not the hardware domain
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 a PVH control domain that is not the hwdom gets -ENOSYS, not -EPERM (hvm_physdev_op)", () => {
  const m = model(SEED_TEXT);
  rows(m, [
    ["physdev_op/setup_gsi", "ctl", null, "-ENOSYS"],
    ["physdev_op/pci_mmcfg_reserved", "ctl", null, "-ENOSYS"],
    ["physdev_op/pci_device_add", "ctl", null, "-ENOSYS"],
    ["physdev_op/pci_device_remove", "ctl", null, "-ENOSYS"],
    ["physdev_op/pci_device_reset", "ctl", null, "-ENOSYS"],
    // a PVH hwdom without is_privileged gets past the filter and is refused by XSM
    ["physdev_op/setup_gsi", "hwdom", null, "-EPERM"],
    ["physdev_op/pci_device_add", "hwdom", null, "-EPERM"],
  ]);
  const pv = model(SEED_PV_CTL);
  rows(pv, [
    ["physdev_op/setup_gsi", "ctl", null, "allow"],
    ["physdev_op/pci_mmcfg_reserved", "ctl", null, "allow"],
    ["physdev_op/pci_device_add", "ctl", null, "allow"],
    ["physdev_op/pci_device_remove", "ctl", null, "allow"],
    ["physdev_op/pci_device_reset", "ctl", null, "allow"],
  ]);
  // On Arm there is no HVM filter: do_arm_physdev_op -> pci_physdev_op
  rows(model(ARM_SPLIT), [["physdev_op/pci_device_add", "ctl", null, "allow"]]);
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: XS_PRIV has no self clause; the xenstore domain gets nothing from XSM_TARGET
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 getdomaininfo / get_domain_state on oneself (XS_PRIV has no self clause)", () => {
  const m = model(X86_STUBDOMS);
  rows(m, [
    // domctl.c:379 xsm_getdomaininfo(XSM_XS_PRIV, d); domctl.c:392 xsm_get_domain_state(XSM_XS_PRIV, d)
    ["domctl/getdomaininfo", "web", "web", "-EPERM"],
    ["domctl/get_domain_state", "web", "web", "-EPERM"],
    ["domctl/getdomaininfo", "web", "mail", "-EPERM"],
    ["domctl/getdomaininfo", "xs", "xs", "allow"],
    ["domctl/getdomaininfo", "xs", "web", "allow"],
    ["domctl/get_domain_state", "xs", "xs", "allow"],
    ["domctl/get_domain_state", "xs", "web", "allow"],
    ["domctl/getdomaininfo", "dom0", "dom0", "allow"],
    ["domctl/get_domain_state", "dom0", "web", "allow"],
    // a device model passes on its target only
    ["domctl/getdomaininfo", "qemu-web", "web", "allow"],
    ["domctl/get_domain_state", "qemu-web", "web", "allow"],
    ["domctl/getdomaininfo", "qemu-web", "qemu-web", "-EPERM"],
    ["domctl/getdomaininfo", "qemu-web", "mail", "-EPERM"],
    // XS_PRIV is not PRIV: the xenstore domain has no generic domctl
    ["domctl/pausedomain", "xs", "web", "-EPERM"],
    // DOMID_INVALID: XS_PRIV(cur, dom_xen) (domain.c), then the VIRQ_DOM_EXC handler rule (runtime)
    ["domctl/get_domain_state/any", "xs", null, "allow"],
    ["domctl/get_domain_state/any", "dom0", null, "allow"],
    ["domctl/get_domain_state/any", "web", null, "-EPERM"],
    // getdomaininfolist: xsm_sysctl(XSM_PRIV) at entry comes before the XS_PRIV filter (sysctl.c:45, 88)
    ["sysctl/getdomaininfolist", "xs", "web", "-EPERM"],
    ["sysctl/getdomaininfolist", "qemu-web", "web", "-EPERM"],
    ["sysctl/getdomaininfolist", "dom0", "web", "allow"],
    // get_device_group: PRIV with a NULL target (passthrough/pci.c:1776), then the same hook as a silent
    // filter over the group members (pci.c:1706)
    ["domctl/get_device_group", "dom0", "web", "allow"],
    ["domctl/get_device_group", "qemu-web", "web", "-EPERM"],
    ["domctl/get_device_group", "xs", "web", "-EPERM"],
  ]);
});

describe("§7.2 the xenstore domain gets nothing from XSM_TARGET (XS_PRIV test is guarded by action == XSM_XS_PRIV)", () => {
  const m = model(X86_STUBDOMS);
  rows(m, [
    ["memory_op/current_reservation", "xs", "web", "-EPERM"],
    ["memory_op/current_reservation", "xs", "xs", "allow"],
    ["memory_op/get_vnumainfo", "xs", "web", "-EPERM"],
    ["memory_op/increase_reservation", "xs", "web", "start_extent"],
    ["event_channel_op/status", "xs", "web", "-EPERM"],
    ["event_channel_op/alloc_unbound", "xs", "web", "-EPERM"],
    ["event_channel_op/alloc_unbound", "xs", "xs", "allow", { remote: "web" }],
    ["event_channel_op/reset", "xs", "web", "-EPERM"],
    ["grant_table_op/setup_table", "xs", "web", "GNTST_permission_denied"],
    ["grant_table_op/query_size", "xs", "web", "GNTST_permission_denied"],
    ["hvm_op/get_param", "xs", "web", "-EPERM"],
    ["hvm_op/set_param", "xs", "web", "-EPERM"],
    ["dm_op", "xs", "web", "-EPERM"],
    ["sched_op/remote_shutdown", "xs", "web", "-EPERM"],
  ]);

  it("dummy xsm_default_action: TARGET refuses and XS_PRIV grants the same pair", () => {
    const dummy = getPolicy("dummy");
    const { build } = m.system;
    assert.equal(dummy.defaultAction("TARGET", dom(m, "xs"), dom(m, "web"), build).allowed, false);
    assert.equal(dummy.defaultAction("XS_PRIV", dom(m, "xs"), dom(m, "web"), build).allowed, true);
    assert.equal(dummy.defaultAction("XS_PRIV", dom(m, "xs"), null, build).allowed, true);
  });
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: stub domains and DM_PRIV; remote-only lookups
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 a stubdom passes DM_PRIV only against its exact target", () => {
  const m = model(X86_STUBDOMS);
  rows(m, [
    // hvm/dm.c:355 rcu_lock_remote_domain_by_id (self -> -EPERM), 360 is_hvm_domain, 363 xsm_dm_op(DM_PRIV)
    ["dm_op", "qemu-web", "web", "allow"],
    ["dm_op", "qemu-web", "mail", "-EPERM"],
    ["dm_op", "qemu-web", "qemu-web", "-EPERM"],
    ["dm_op", "qemu-web", "dom0", "-EPERM"],
    ["dm_op", "web", "web", "-EPERM"],
    ["dm_op", "dom0", "web", "allow"],
    // the remote lookup refuses even the control domain on itself
    ["dm_op", "dom0", "dom0", "-EPERM"],
    // SCHEDOP_remote_shutdown: rcu_lock_domain_by_id admits oneself, then DM_PRIV has no self clause
    // (sched/core.c:1984-1988)
    ["sched_op/remote_shutdown", "qemu-web", "web", "allow"],
    ["sched_op/remote_shutdown", "qemu-web", "mail", "-EPERM"],
    ["sched_op/remote_shutdown", "qemu-web", "qemu-web", "-EPERM"],
    ["sched_op/remote_shutdown", "web", "web", "-EPERM"],
    ["sched_op/remote_shutdown", "dom0", "dom0", "allow"],
    // acquire_resource, mem_access, mem_paging, mem_sharing: remote-only lookups before DM_PRIV
    ["memory_op/acquire_resource", "qemu-web", "web", "allow"],
    ["memory_op/acquire_resource", "qemu-web", "mail", "-EPERM"],
    ["memory_op/acquire_resource", "qemu-web", "qemu-web", "-EPERM"],
    ["memory_op/acquire_resource", "dom0", "dom0", "-EPERM"],
    ["memory_op/access_op", "qemu-web", "web", "allow"],
    ["memory_op/access_op", "web", "web", "-EPERM"],
    ["memory_op/paging_op", "qemu-web", "web", "allow"],
    ["memory_op/paging_op", "dom0", "dom0", "-EPERM"],
    ["memory_op/sharing_op", "qemu-web", "web", "allow"],
    ["memory_op/sharing_op", "qemu-web", "qemu-web", "-EPERM"],
    // mem_sharing_op checks the client domain cd, not d (mem_sharing.c:2056)
    ["memory_op/sharing_op/share", "qemu-web", "web", "allow", { cd: "web" }],
    ["memory_op/sharing_op/share", "qemu-web", "web", "-EPERM", { cd: "mail" }],
    // the DM_PRIV domctls of the first switch (domctl.c:427-488, arch/x86/domctl.c)
    ["domctl/memory_mapping", "qemu-web", "web", "allow"],
    ["domctl/memory_mapping", "qemu-web", "mail", "-EPERM"],
    ["domctl/ioport_mapping", "qemu-web", "web", "allow"],
    ["domctl/bind_pt_irq", "qemu-web", "web", "allow"],
    ["domctl/unbind_pt_irq", "qemu-web", "web", "allow"],
    ["domctl/bind_pt_irq", "qemu-web", "mail", "-EPERM"],
    // ... but PRIV stays PRIV, even on the target
    ["domctl/iomem_permission", "qemu-web", "web", "-EPERM"],
    ["domctl/irq_permission", "qemu-web", "web", "-EPERM"],
    ["domctl/ioport_permission", "qemu-web", "web", "-EPERM"],
    ["domctl/pausedomain", "qemu-web", "web", "-EPERM"],
    ["domctl/set_target", "qemu-web", "web", "-EPERM", { e_target: "mail" }],
    ["memory_op/claim_pages", "qemu-web", "web", "-EPERM"],
    ["memory_op/set_pod_target", "qemu-web", "web", "-EPERM"],
    // physdev map_pirq/unmap_pirq: DM_PRIV on the named domain (physdev.c:112, 145)
    ["physdev_op/map_pirq", "qemu-web", "web", "allow"],
    ["physdev_op/map_pirq", "qemu-web", "mail", "-EPERM"],
    ["physdev_op/unmap_pirq", "qemu-web", "web", "allow"],
    ["physdev_op/unmap_pirq", "qemu-web", "mail", "-EPERM"],
    // TARGET hooks also pass on the target (src->target == target in the DM_PRIV case they fall into)
    ["memory_op/increase_reservation", "qemu-web", "web", "allow"],
    ["memory_op/increase_reservation", "qemu-web", "mail", "start_extent"],
    ["hvm_op/set_param", "qemu-web", "web", "allow"],
    ["event_channel_op/alloc_unbound", "qemu-web", "web", "allow"],
  ]);

  it("DM_PRIV with a NULL target is refused to every domain without control (the `target &&` guard)", () => {
    const dummy = getPolicy("dummy");
    const { build } = m.system;
    // web has no target: without the guard NULL == NULL would let it through
    assert.equal(dummy.defaultAction("DM_PRIV", dom(m, "web"), null, build).allowed, false);
    assert.equal(dummy.defaultAction("DM_PRIV", dom(m, "qemu-web"), null, build).allowed, false);
    assert.equal(dummy.defaultAction("DM_PRIV", dom(m, "qemu-web"), dom(m, "web"), build).allowed, true);
    assert.equal(dummy.defaultAction("DM_PRIV", dom(m, "dom0"), null, build).allowed, true);
  });

  it("XSM_OTHER never reaches xsm_default_action: LINKER_BUG_ON / -EPERM even for the control domain", () => {
    const dummy = getPolicy("dummy");
    assert.equal(dummy.defaultAction("OTHER", dom(m, "dom0"), null, m.system.build).allowed, false);
    assert.equal(dummy.defaultAction("OTHER", dom(m, "dom0"), dom(m, "web"), m.system.build).allowed, false);
  });
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: how denials show
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 denial shapes: start_extent, GNTST status, <denied> strings", () => {
  const m = model(X86_STUBDOMS);
  rows(m, [
    // memory.c:1592-1596: a refused reservation op returns start_extent, not an error
    ["memory_op/increase_reservation", "web", "mail", "start_extent"],
    ["memory_op/decrease_reservation", "web", "mail", "start_extent"],
    ["memory_op/populate_physmap", "web", "mail", "start_extent"],
    ["memory_op/increase_reservation", "web", "web", "allow"],
    ["memory_op/exchange", "web", "mail", "-EPERM"],
    // grant ops write GNTST_permission_denied into the op status (grant_table.c:2105, 2190, 3415) ...
    ["grant_table_op/setup_table", "web", "mail", "GNTST_permission_denied"],
    ["grant_table_op/query_size", "web", "mail", "GNTST_permission_denied"],
    ["grant_table_op/get_status_frames", "pvguest", "mail", "GNTST_permission_denied"],
    // ... except get_version, which returns the hook's -EPERM (grant_table.c:3472)
    ["grant_table_op/get_version", "web", "mail", "-EPERM"],
    ["grant_table_op/setup_table", "web", "web", "allow"],
    // xen_version (kernel.c:568): a refused legacy sub-op returns placeholder data ("<denied>" for commandline,
    // kernel.c:736-745), the refused varbuf ones -EPERM (kernel.c:748-754)
    ["xen_version/commandline", "web", null, DENIED_STRING],
    ["xen_version/build_id", "web", null, "-EPERM"],
    ["xen_version/commandline2", "web", null, "-EPERM"],
    ["xen_version/commandline", "dom0", null, "allow"],
    ["xen_version/build_id", "dom0", null, "allow"],
    // "These MUST always be accessible to any guest by default" (dummy.h:763-773, XSM_HOOK), the *2 varbuf
    // variants of extraversion, capabilities and changeset included
    ["xen_version/extraversion", "web", null, "allow"],
    ["xen_version/compile_info", "web", null, "allow"],
    ["xen_version/capabilities", "web", null, "allow"],
    ["xen_version/changeset", "web", null, "allow"],
    ["xen_version/pagesize", "web", null, "allow"],
    ["xen_version/guest_handle", "web", null, "allow"],
    ["xen_version/extraversion2", "web", null, "allow"],
    ["xen_version/capabilities2", "web", null, "allow"],
    ["xen_version/changeset2", "web", null, "allow"],
    // "These sub-ops ignore the permission checks and return data."
    ["xen_version/version", "web", null, "allow"],
    ["xen_version/platform_parameters", "web", null, "allow"],
    ["xen_version/get_features", "web", null, "allow"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: PV MMU (mmu_update with DOMID_IO / DOMID_XEN), map_gmfn_foreign
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 mmu_update: DOMID_IO skips the pg_owner check, DOMID_XEN needs control", () => {
  const m = model(X86_PV);
  rows(m, [
    // dummy.h xsm_mmu_update: `if ( f != dom_io ) rc = xsm_default_action(action, d, f);` then (d, t)
    ["mmu_update/normal_pt_update", "pvguest", "DOMID_IO", "allow"],
    ["mmu_update/machphys_update", "pvguest", "DOMID_IO", "allow"],
    ["mmu_update/normal_pt_update", "pvguest", "DOMID_XEN", "-EPERM"],
    ["mmu_update/machphys_update", "pvguest", "DOMID_XEN", "-EPERM"],
    ["mmu_update/normal_pt_update", "dom0", "DOMID_XEN", "allow"],
    ["mmu_update/normal_pt_update", "pvguest", "other", "-EPERM"],
    ["mmu_update/normal_pt_update", "dom0", "other", "allow"],
    ["mmu_update/normal_pt_update", "pvstub", "hvmguest", "allow"],
    // DOMID_SELF: get_pg_owner -> rcu_lock_domain_by_any_id -> current (page_alloc.c:2935); TARGET self
    ["mmu_update/normal_pt_update", "pvguest", "pvguest", "allow"],
    // the second half of xsm_mmu_update: (d, t) with t = pt_owner named by foreigndom >> 16
    ["mmu_update/normal_pt_update", "pvstub", "hvmguest", "-EPERM", { pt_owner: "other" }],
    ["mmu_update/normal_pt_update", "pvguest", "DOMID_IO", "-EPERM", { pt_owner: "other" }],
    // mmuext_op has no dom_io exception (mm.c:3504)
    ["mmuext_op", "pvguest", "DOMID_IO", "-EPERM"],
    ["mmuext_op", "dom0", "DOMID_IO", "allow"],
    ["mmuext_op", "pvguest", "other", "-EPERM"],
    // pg_owner must be PV (mm.c:3498)
    ["mmuext_op", "dom0", "hvmguest", "-EINVAL"],
    ["update_va_mapping_otherdomain", "pvguest", "other", "-EPERM"],
    ["update_va_mapping_otherdomain", "pvstub", "hvmguest", "allow"],
    // PV-only hypercalls (include/hypercall-defs.c)
    ["mmu_update/normal_pt_update", "pvhguest", "DOMID_IO", "-ENOSYS"],
    ["update_va_mapping", "pvhguest", null, "-ENOSYS"],
  ]);
});

describe("§7.2 map_gmfn_foreign checks the populated domain, not the caller", () => {
  const x86 = model(X86_STUBDOMS);
  rows(x86, [
    // p2m.c:1928 xsm_map_gmfn_foreign(XSM_TARGET, tdom, fdom); the foreign domain is looked up remote-only
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "qemu-web", "web", "allow"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "qemu-web", "mail", "-EPERM"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "qemu-web", "qemu-web", "-EPERM"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "web", "allow"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "web", "mail", "-EPERM"],
    // the control domain populating a stub domain's p2m: the stub domain's rights count
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "web", "allow", { populated: "qemu-web" }],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "mail", "-EPERM", { populated: "qemu-web" }],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "mail", "-EPERM", { populated: "web" }],
    // DOMID_XEN -> dom_xen (p2m.c:1915): only a control populated domain passes
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "DOMID_XEN", "allow"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "qemu-web", "DOMID_XEN", "-EPERM"],
  ]);
  rows(model(ARM_DM), [
    // arch/arm/mm.c:209 xsm_map_gmfn_foreign(XSM_TARGET, d, od)
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dm", "linux", "allow"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dm", "other", "-EPERM"],
    ["memory_op/add_to_physmap_batch/gmfn_foreign", "dom0", "other", "-EPERM", { populated: "dm" }],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: operations without an XSM check
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 vm_event_op GET_VERSION and sharing_op audit have no XSM check", () => {
  rows(model(X86_STUBDOMS), [
    // domctl.c:514-522 "No XSM check (and potentially d == NULL) here."
    ["domctl/vm_event_op/get_version", "web", null, "allow"],
    ["domctl/vm_event_op", "web", "mail", "-EPERM"],
    ["domctl/vm_event_op", "dom0", "web", "allow"],
    // mem_sharing.c:2004-2005 returns audit() before any lookup or XSM check
    ["memory_op/sharing_op/audit", "web", null, "allow"],
    ["memory_op/sharing_op/audit", "pvguest", null, "allow"],
    ["memory_op/sharing_op", "web", "mail", "-EPERM"],
  ]);
  rows(model(ARM_SPLIT), [["domctl/vm_event_op/get_version", "linux", null, "allow"]]);
});

// ---------------------------------------------------------------------------------------------------------
// §4.1 / §7.2: domctl lookup failures
// ---------------------------------------------------------------------------------------------------------

describe("domctl lookup failure: -ESRCH for the control domain, -EPERM otherwise (domctl.c:370-372)", () => {
  rows(model(X86_STUBDOMS), [
    ["domctl/pausedomain", "dom0", "dom_xen", "-ESRCH"],
    ["domctl/pausedomain", "web", "dom_xen", "-EPERM"],
    ["domctl/pausedomain", "xs", "dom_xen", "-EPERM"],
    ["domctl/pausedomain", "dom0", "DOMID_IO", "-ESRCH"],
    ["domctl/pausedomain", "qemu-web", "DOMID_IO", "-EPERM"],
    // the lookup comes before XS_PRIV: even the xenstore domain gets -EPERM
    ["domctl/getdomaininfo", "xs", "dom_xen", "-EPERM"],
    ["domctl/getdomaininfo", "dom0", "dom_xen", "-ESRCH"],
    // DOMID_XEN given as a number is not DOMID_INVALID: get_domain_state looks it up like the others
    ["domctl/get_domain_state", "xs", "dom_xen", "-EPERM"],
    // assign_device/deassign_device admit DOMID_IO (domctl.c:337-343), then xsm_domctl(XSM_PRIV)
    ["domctl/assign_device", "dom0", "DOMID_IO", "allow"],
    ["domctl/deassign_device", "dom0", "DOMID_IO", "allow"],
    ["domctl/assign_device", "web", "DOMID_IO", "-EPERM"],
    ["domctl/assign_device", "dom0", "dom_xen", "-ESRCH"],
    // found domains: XSM first, then the d == current rejections
    ["domctl/pausedomain", "dom0", "dom0", "-EINVAL"],
    ["domctl/pausedomain", "web", "web", "-EPERM"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §7.2: PV_SHIM_EXCLUSIVE, boot phase, VERBOSE_DEBUG
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 PV_SHIM_EXCLUSIVE builds: nobody is control or hardware (sched.h:1157-1170)", () => {
  const m = model(`
arch: x86
build: { pv_shim_exclusive: true }
domains:
  - { name: dom0, domid: 0, built: dom0, type: pv }
  - { name: guest, domid: 1, type: pv }
`);

  it("has no domctl, platform_op or paging_domctl_cont (include/hypercall-defs.c)", () => {
    for (const op of [
      "domctl/pausedomain",
      "domctl/getdomaininfo",
      "platform_op/settime64",
      "paging_domctl_cont",
    ])
      assertUnavailable(m, op);
  });

  rows(m, [
    ["sysctl/physinfo", "dom0", null, "-EPERM"],
    ["sched_op/pin_override", "dom0", null, "-EPERM"],
    ["physdev_op/dbgp_op", "dom0", null, "-EPERM"],
    ["physdev_op/setup_gsi", "dom0", null, "-EPERM"],
    ["kexec_op", "dom0", null, "-EPERM"],
    ["memory_op/claim_pages", "dom0", "guest", "-EPERM"],
    ["memory_op/increase_reservation", "dom0", "guest", "start_extent"],
    ["xen_version/commandline", "dom0", null, DENIED_STRING],
    ["console_io/read", "dom0", null, "-EPERM"],
    ["mmu_update/normal_pt_update", "dom0", "DOMID_XEN", "-EPERM"],
    // pv_shim is constant true: event channel and grant ops go to the shim (event_channel.c:1360,
    // grant_table.c:3714) before any XSM check
    ["event_channel_op/status", "guest", "dom0", "allow"],
    ["grant_table_op/setup_table", "guest", "dom0", "allow"],
  ]);
});

describe("§7.2 boot phase: the idle domain is privileged until xsm_set_system_active()", () => {
  const text = (phase: string, arch = "x86") => `
arch: ${arch}
build: { phase: ${phase} }
domains:
  - { name: dom0, domid: 0, built: dom0, type: pvh }
  - { name: guest, domid: 1, type: pvh }
`;
  rows(model(text("boot")), [
    ["sysctl/physinfo", "idle", null, "allow"],
    ["platform_op/settime64", "idle", null, "allow"],
    ["event_channel_op/alloc_unbound", "idle", "guest", "allow"],
    ["domctl/pausedomain", "idle", "guest", "allow"],
    ["dm_op", "idle", "guest", "allow"],
    ["sysctl/physinfo", "guest", null, "-EPERM"],
  ]);
  rows(model(text("running")), [
    ["sysctl/physinfo", "idle", null, "-EPERM"],
    ["platform_op/settime64", "idle", null, "-EPERM"],
    ["event_channel_op/alloc_unbound", "idle", "guest", "-EPERM"],
    ["domctl/pausedomain", "idle", "guest", "-EPERM"],
    ["dm_op", "idle", "guest", "-EPERM"],
  ]);
  // dom0less alloc_xenstore_evtchn (common/device-tree/dom0less-build.c) runs as idle during boot
  rows(model(text("boot", "arm")), [["event_channel_op/alloc_unbound", "idle", "guest", "allow"]]);
});

describe("§7.2 CONFIG_VERBOSE_DEBUG: console writes for everyone, reads still need control or is_console", () => {
  const text = (verbose: boolean, arch = "x86") => `
arch: ${arch}
build: { verbose_debug: ${verbose} }
domains:
  - { name: dom0, domid: 0, built: dom0, type: pvh }
  - { name: guest, domid: 1, type: hvm }
`;
  rows(model(text(true)), [
    ["console_io/write", "guest", null, "allow"],
    ["console_io/read", "guest", null, "-EPERM"],
    ["console_io/read", "dom0", null, "allow"],
  ]);
  rows(model(text(false)), [
    ["console_io/write", "guest", null, "-EPERM"],
    ["console_io/write", "dom0", null, "allow"],
  ]);
  rows(model(text(true, "arm")), [
    ["console_io/write", "guest", null, "allow"],
    ["console_io/read", "guest", null, "-EPERM"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §0.1 / §7.2: SILO on Arm
// ---------------------------------------------------------------------------------------------------------

describe("§7.2 SILO (the Arm default with XSM=y): inter-domain grants and event channels need control or self", () => {
  const silo = model(ARM_SPLIT, "silo");
  const dummy = model(ARM_SPLIT);
  rows(silo, [
    // silo_grant_mapref -> -EPERM -> op->status = GNTST_permission_denied (grant_table.c:1053-1058)
    ["grant_table_op/map_grant_ref", "rtos", "linux", "GNTST_permission_denied"],
    ["grant_table_op/map_grant_ref", "hw", "linux", "GNTST_permission_denied"],
    ["grant_table_op/map_grant_ref", "xs", "linux", "GNTST_permission_denied"],
    ["grant_table_op/map_grant_ref", "ctl", "linux", "allow"],
    ["grant_table_op/map_grant_ref", "linux", "ctl", "allow"],
    ["grant_table_op/map_grant_ref", "linux", "linux", "allow"],
    // silo_evtchn_interdomain (silo.c:53-60)
    ["event_channel_op/bind_interdomain", "rtos", "linux", "-EPERM"],
    ["event_channel_op/bind_interdomain", "ctl", "linux", "allow"],
    ["event_channel_op/bind_interdomain", "linux", "ctl", "allow"],
    // silo_evtchn_unbound(d1 = the port's domain, id2 = the remote domain)
    ["event_channel_op/alloc_unbound", "linux", "linux", "-EPERM", { remote: "rtos" }],
    ["event_channel_op/alloc_unbound", "linux", "linux", "allow", { remote: "ctl" }],
    ["event_channel_op/alloc_unbound", "linux", "linux", "allow"],
    // silo_grant_copy(src domain, dest domain)
    ["grant_table_op/copy", "rtos", "linux", "GNTST_permission_denied"],
    ["grant_table_op/copy", "rtos", "linux", "allow", { dest: "ctl" }],
    ["grant_table_op/copy", "ctl", "linux", "allow"],
    // hooks SILO does not override stay dummy
    ["grant_table_op/unmap_grant_ref", "rtos", "linux", "allow"],
    ["grant_table_op/setup_table", "rtos", "linux", "GNTST_permission_denied"],
  ]);
  rows(dummy, [
    ["grant_table_op/map_grant_ref", "rtos", "linux", "allow"],
    ["event_channel_op/bind_interdomain", "rtos", "linux", "allow"],
    ["event_channel_op/alloc_unbound", "linux", "linux", "allow", { remote: "rtos" }],
    ["grant_table_op/copy", "rtos", "linux", "allow"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// The seed scenario under XSM_HW_PRIV v1
// ---------------------------------------------------------------------------------------------------------

describe("hw-priv-v1 on the seed example: the hardware domain gains DM_PRIV and HW_PRIV, control loses HW_PRIV", () => {
  const dummy = model(SEED_TEXT);
  const v1 = model(SEED_TEXT, "hw-priv-v1");
  rows(dummy, [
    ["dm_op", "hwdom", "ctl", "-EPERM"],
    ["dm_op", "hwdom", "guest", "-EPERM"],
    ["platform_op/settime64", "ctl", null, "allow"],
    ["platform_op/settime64", "hwdom", null, "-EPERM"],
    ["physdev_op/setup_gsi", "hwdom", null, "-EPERM"],
    ["physdev_op/setup_gsi", "ctl", null, "-ENOSYS"],
    ["console_io/read", "hwdom", null, "-EPERM"],
  ]);
  rows(v1, [
    // DM_PRIV: is_hardware_domain(src) && action == XSM_DM_PRIV, for any target
    ["dm_op", "hwdom", "ctl", "allow"],
    ["dm_op", "hwdom", "guest", "allow"],
    ["platform_op/settime64", "ctl", null, "-EPERM"],
    ["platform_op/settime64", "hwdom", null, "allow"],
    ["physdev_op/setup_gsi", "hwdom", null, "allow"],
    // ctl is PVH and not the hwdom: hvm_physdev_op still answers -ENOSYS before any XSM hook
    ["physdev_op/setup_gsi", "ctl", null, "-ENOSYS"],
    // the last branch of xsm_console_io becomes HW_PRIV; ctl is dom0less-built, so is_console
    ["console_io/read", "hwdom", null, "allow"],
    ["console_io/read", "ctl", null, "allow"],
    // PRIV is untouched: control keeps it, the hardware domain does not get it
    ["domctl/pausedomain", "ctl", "guest", "allow"],
    ["domctl/pausedomain", "hwdom", "guest", "-EPERM"],
    ["sysctl/physinfo", "hwdom", null, "-EPERM"],
  ]);
  rows(model(SEED_PV_CTL), [["physdev_op/setup_gsi", "ctl", null, "allow"]]);
  rows(model(SEED_PV_CTL, "hw-priv-v1"), [
    ["physdev_op/setup_gsi", "ctl", null, "-EPERM"],
    ["physdev_op/setup_gsi", "hwdom", null, "allow"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// §4: x86 specifics
// ---------------------------------------------------------------------------------------------------------

describe("§4 x86: hypercall tables, HVM filters, HVM-only targets", () => {
  const m = model(X86_MIX);
  rows(m, [
    // PV-only hypercalls (include/hypercall-defs.c)
    ["kexec_op", "pvhguest", null, "-ENOSYS"],
    ["mca", "hvmguest", null, "-ENOSYS"],
    ["kexec_op", "pvguest", null, "-EPERM"],
    // hvm_grant_table_op (hvm/hypercall.c:41-64)
    ["grant_table_op/transfer", "pvhguest", "pvguest", "-ENOSYS"],
    ["grant_table_op/transfer", "hvmguest", "pvguest", "-ENOSYS"],
    ["grant_table_op/unmap_and_replace", "pvhguest", "pvguest", "-ENOSYS"],
    ["grant_table_op/get_status_frames", "pvhguest", "pvhguest", "-ENOSYS"],
    ["grant_table_op/transfer", "pvguest", "hvmguest", "allow"],
    ["grant_table_op/get_status_frames", "pvguest", "pvguest", "allow"],
    ["grant_table_op/setup_table", "pvhguest", "pvhguest", "allow"],
    // hvm_physdev_op default: -ENOSYS
    ["physdev_op/apic_read", "pvhguest", null, "-ENOSYS"],
    ["physdev_op/apic_read", "pvguest", null, "-EPERM"],
    ["physdev_op/apic_read", "dom0", null, "allow"],
    // do_xenpmu_op: -EOPNOTSUPP with a vlapic (HVM and PVH) before xsm_pmu_op (cpu/vpmu.c:649-652)
    ["xenpmu_op/init", "pvguest", null, "allow"],
    ["xenpmu_op/flush", "pvguest", null, "allow"],
    ["xenpmu_op/mode_set", "pvguest", null, "-EPERM"],
    ["xenpmu_op/feature_get", "pvguest", null, "-EPERM"],
    ["xenpmu_op/mode_set", "dom0", null, "allow"],
    ["xenpmu_op/init", "pvhguest", null, "-EOPNOTSUPP"],
    // dm_op needs an HVM target (hvm/dm.c:359-361), checked before XSM
    ["dm_op", "dom0", "pvguest", "-EINVAL"],
    ["dm_op", "pvhguest", "pvguest", "-EINVAL"],
    ["dm_op", "dom0", "hvmguest", "allow"],
    // HVMOP_set_param on a PV domain: -EINVAL; pagetable_dying on another domain: -EOPNOTSUPP (hvm.c:5131)
    ["hvm_op/set_param", "dom0", "pvguest", "-EINVAL"],
    ["hvm_op/set_param", "dom0", "hvmguest", "allow"],
    ["hvm_op/set_param", "pvhguest", "hvmguest", "-EPERM"],
    ["hvm_op/pagetable_dying", "dom0", "hvmguest", "-EOPNOTSUPP"],
    // xatp_permission_check: paging_mode_translate first (memory.c:1259)
    ["memory_op/add_to_physmap", "dom0", "pvguest", "-EACCES"],
    ["memory_op/add_to_physmap", "pvguest", "pvguest", "-EACCES"],
    ["memory_op/add_to_physmap", "dom0", "hvmguest", "allow"],
    ["memory_op/add_to_physmap", "hvmguest", "hvmguest", "allow"],
    ["memory_op/add_to_physmap", "pvhguest", "hvmguest", "-EPERM"],
    // PoD target: HVM only, then PRIV (mm.c:4883-4892)
    ["memory_op/set_pod_target", "dom0", "pvguest", "-EINVAL"],
    ["memory_op/set_pod_target", "dom0", "hvmguest", "allow"],
    ["memory_op/set_pod_target", "hvmguest", "hvmguest", "-EPERM"],
    ["memory_op/machine_memory_map", "pvhguest", null, "-EPERM"],
    // memory_mapping on a non-translated domain returns 0 after the hook (domctl.c:441-443)
    ["domctl/memory_mapping", "dom0", "pvguest", "allow"],
    ["domctl/memory_mapping", "pvhguest", "pvguest", "-EPERM"],
    // set_target: PRIV with a NULL target (dummy.h xsm_set_target)
    ["domctl/set_target", "dom0", "pvhguest", "allow", { e_target: "hvmguest" }],
    ["domctl/set_target", "pvhguest", "pvguest", "-EPERM", { e_target: "hvmguest" }],
  ]);

  it("has no Arm-only domctls", () => {
    assertUnavailable(m, "domctl/cacheflush");
    assertUnavailable(m, "domctl/vuart_op");
  });
});

// ---------------------------------------------------------------------------------------------------------
// §4: Arm specifics
// ---------------------------------------------------------------------------------------------------------

describe("§4 Arm: platform_op, physdev, dm_op, HVM params, grant and PT-IRQ paths", () => {
  const m = model(ARM_DM);

  it("has only XENPF_settime64, pci_device_* physdev ops, and no PV MMU / kexec / PMU", () => {
    for (const op of [
      "platform_op/settime32",
      "platform_op/microcode_update",
      "physdev_op/setup_gsi",
      "physdev_op/map_pirq",
      "mmu_update/normal_pt_update",
      "mmuext_op",
      "kexec_op",
      "mca",
      "xenpmu_op/init",
      "memory_op/set_pod_target",
      "hvm_op/set_param",
      // opt_grant_transfer is `false` without CONFIG_PV (grant_table.c:192-194): Arm always refuses (:2296)
      "grant_table_op/transfer",
    ])
      assertUnavailable(m, op);
    assert.deepEqual(
      family(m, "platform_op").map((o) => o.id),
      ["platform_op/settime64"],
    );
  });

  rows(m, [
    ["platform_op/settime64", "dom0", null, "allow"],
    ["platform_op/settime64", "linux", null, "-EPERM"],
    // no HVM physdev filter on Arm
    ["physdev_op/pci_device_add", "dom0", null, "allow"],
    ["physdev_op/pci_device_add", "linux", null, "-EPERM"],
    // arch/arm/dm.c:33-37: remote lookup, then DM_PRIV, no HVM test
    ["dm_op", "dm", "linux", "allow"],
    ["dm_op", "dm", "other", "-EPERM"],
    ["dm_op", "dm", "dm", "-EPERM"],
    ["dm_op", "dom0", "linux", "allow"],
    // arch/arm/domctl.c:103-107: xsm_map_domain_irq(HOOK), then xsm_bind_pt_irq(DM_PRIV)
    ["domctl/bind_pt_irq", "dm", "linux", "allow"],
    ["domctl/bind_pt_irq", "other", "linux", "-EPERM"],
    ["domctl/unbind_pt_irq", "dm", "linux", "allow"],
    ["domctl/unbind_pt_irq", "dm", "other", "-EPERM"],
    ["domctl/cacheflush", "dom0", "linux", "allow"],
    ["domctl/cacheflush", "dm", "linux", "-EPERM"],
    // arch/arm/hvm.c:92 xsm_hvm_param(TARGET), then hvm_allow_set_param: every settable param is -EPERM on self
    ["hvm_op/set_param/arm", "linux", "linux", "-EPERM"],
    ["hvm_op/set_param/arm", "dom0", "dom0", "-EPERM"],
    ["hvm_op/set_param/arm", "dm", "linux", "allow"],
    ["hvm_op/set_param/arm", "dom0", "linux", "allow"],
    ["hvm_op/set_param/arm", "other", "linux", "-EPERM"],
    ["hvm_op/get_param/arm", "linux", "linux", "allow"],
    ["hvm_op/get_param/arm", "other", "linux", "-EPERM"],
    // no hvm_grant_table_op on Arm
    ["grant_table_op/get_status_frames", "linux", "linux", "allow"],
    ["grant_table_op/unmap_and_replace", "linux", "other", "allow"],
    // no paging_mode_translate failure on Arm
    ["memory_op/add_to_physmap", "linux", "linux", "allow"],
    ["memory_op/add_to_physmap", "dm", "linux", "allow"],
    ["memory_op/add_to_physmap", "other", "linux", "-EPERM"],
    // a toolstack-created Arm domain has no is_console
    ["console_io/read", "linux", null, "-EPERM"],
    ["console_io/read", "dom0", null, "allow"],
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// Whole-catalogue checks
// ---------------------------------------------------------------------------------------------------------

const X86_ALL_ROLES = `
arch: x86
domains:
  - { name: dom0, domid: 0, built: dom0, type: pv }
  - { name: ctl, domid: 1, caps: [control], type: pvh }
  - { name: xs, domid: 2, caps: [xenstore], type: pvh }
  - { name: web, domid: 3, type: hvm }
  - { name: qemu, domid: 4, type: pvh, target: web }
  - { name: pvstub, domid: 5, type: pv, target: web }
  - { name: pvguest, domid: 6, type: pv }
  - { name: console, domid: 7, type: pvh, console: true }
  - { name: dm, domid: 8, type: pvh, caps: [device-model, not-hypercall-target] }
`;

const ARM_ALL_ROLES = `
arch: arm
domains:
  - { name: ctl, domid: 1, built: dom0less, caps: [control] }
  - { name: hw, domid: 2, built: dom0less, caps: [hardware] }
  - { name: xs, domid: 3, built: dom0less, caps: [xenstore] }
  - { name: dm, domid: 4, target: guest, caps: [device-model] }
  - { name: guest, domid: 5, type: hvm }
  - { name: plain, domid: 6, caps: [not-hypercall-target] }
  - { name: multi, domid: 7, built: dom0less, caps: [control, xenstore] }
`;

describe("every operation evaluates without throwing for every ordered pair", () => {
  const cases: readonly (readonly [string, string, string])[] = [
    ["x86", X86_ALL_ROLES, "running"],
    [
      "x86",
      X86_ALL_ROLES.replace("arch: x86", "arch: x86\nbuild: { phase: boot, late_hwdom: true }"),
      "boot",
    ],
    ["x86", X86_ALL_ROLES.replace("arch: x86", "arch: x86\nbuild: { pv_shim_exclusive: true }"), "pv-shim"],
    ["arm", ARM_ALL_ROLES, "running"],
    ["arm", ARM_ALL_ROLES.replace("arch: arm", "arch: arm\nbuild: { verbose_debug: true }"), "verbose"],
  ];
  for (const [arch, text, variant] of cases) {
    for (const policy of POLICY_NAMES) {
      it(`${arch} (${variant}) under ${policy}`, () => {
        const m = model(text, policy);
        const sys = m.systemDomains;
        const sources = [...m.domains, sys.idle];
        const targets = [...m.domains, sys.dom_xen, sys.dom_io, sys.idle];
        const operandValues = [...m.domains, sys.dom_xen, sys.dom_io];
        let n = 0;
        for (const op of m.ops) {
          for (const src of sources) {
            const pairTargets = op.target.kind === "none" ? [null] : [null, ...targets];
            for (const target of pairTargets) {
              const bindings: Record<string, Domain>[] = [{}];
              for (const name of Object.keys(op.operands))
                for (const v of operandValues) bindings.push({ [name]: v });
              for (const operands of bindings) {
                let d: Decision;
                try {
                  d = evaluate(m, op, src, target, operands);
                } catch (e) {
                  assert.fail(
                    `${op.id} ${src.name} -> ${target?.name ?? "none"} ${JSON.stringify(
                      Object.fromEntries(Object.entries(operands).map(([k, v]) => [k, v.name])),
                    )} threw: ${(e as Error).stack}`,
                  );
                }
                n++;
                assert.ok(d.decision === "allow" || d.decision === "deny", `${op.id}: bad decision`);
                if (d.decision === "deny")
                  assert.ok(d.error && d.error.length > 0, `${op.id}: a denial without an error`);
                assert.ok(Array.isArray(d.steps) && Array.isArray(d.conditions));
              }
            }
          }
        }
        assert.ok(n > 1000, `only ${n} evaluations`);
      });
    }
  }

  it("both builds see most of the catalogue", () => {
    const x86 = model(X86_ALL_ROLES);
    const arm = model(ARM_ALL_ROLES);
    assert.ok(x86.ops.length > 200, `x86 has ${x86.ops.length} operations`);
    assert.ok(arm.ops.length > 100, `arm has ${arm.ops.length} operations`);
    const all = new Set([...x86.ops, ...arm.ops].map((o) => o.id));
    const missing = CAT.operations.filter((o) => !all.has(o.id)).map((o) => o.id);
    assert.deepEqual(missing, [], "operations neither build evaluates");
  });
});

describe("the shipped 4.22.0 catalogue", () => {
  it("passes checkCatalogue with no diagnostics", () => {
    assert.deepEqual(checkCatalogue(loadCatalogue("4.22.0")), []);
  });
});
