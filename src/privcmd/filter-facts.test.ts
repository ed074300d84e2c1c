import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import type { Condition, XenServerFilter } from "./filter-facts.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "./load-filter-facts.js";

const filter = loadXenServerFilter();
const linux = loadLinuxPrivcmd();

function hypercall(name: string) {
  const h = filter.hypercalls.find((x) => x.hypercall === name);
  assert.ok(h, `no ${name} in the filter`);
  return h;
}
function subop(hc: string, name: string) {
  const h = hypercall(hc);
  assert.notEqual(h.allowed, "all");
  const s = (h.allowed as Exclude<XenServerFilter["hypercalls"][number]["allowed"], "all">).find(
    (x) => x.subop === name,
  );
  assert.ok(s, `no ${hc}/${name} in the filter`);
  return s;
}
function condition<K extends Condition["kind"]>(
  conds: Condition[],
  kind: K,
): Extract<Condition, { kind: K }> {
  const c = conds.find((x) => x.kind === kind);
  assert.ok(c, `no ${kind} condition`);
  return c as Extract<Condition, { kind: K }>;
}

test("the shipped files validate and name their sources", () => {
  assert.equal(filter.commit, "55ce250c638222fc6015f954bf11d1bc8c1af0b7");
  assert.equal(filter.abiVersion, "0x90001");
  assert.equal(linux.commit, "1613462be621ad5103ec338a7b0ca0746ec4e5f1");
  for (const h of filter.hypercalls) assert.match(h.ref, /^drivers\/xen\/filter-hypercall\.c:\d+$/);
});

test("the filter handles 13 hypercalls; anything else is ENOSYS", () => {
  assert.deepEqual(filter.hypercalls.map((h) => h.hypercall).sort(), [
    "domctl",
    "event_channel_op",
    "hvm_op",
    "iommu_op",
    "kexec_op",
    "memory_op",
    "mmuext_op",
    "multicall",
    "physdev_op",
    "platform_op",
    "sched_op",
    "sysctl",
    "xen_version",
  ]);
  assert.equal(filter.unknownHypercall.errno, "ENOSYS");
  assert.equal(filter.appliesWhen?.lockdownReason, "LOCKDOWN_XEN_HYPERCALL");
});

test("each hypercall refuses an unlisted sub-op with the errno Xen would give", () => {
  const denied = Object.fromEntries(filter.hypercalls.map((h) => [h.hypercall, h.deniedErrno]));
  assert.deepEqual(denied, {
    xen_version: "ENOSYS",
    event_channel_op: "ENOSYS",
    domctl: "ENOSYS",
    sysctl: "ENOSYS",
    multicall: "ENOSYS",
    memory_op: "ENOSYS",
    hvm_op: "ENOSYS",
    platform_op: "ENOSYS",
    physdev_op: "ENOSYS",
    sched_op: "ENOSYS",
    iommu_op: "ENODEV",
    kexec_op: "EOPNOTSUPP",
    mmuext_op: "ENOSYS",
  });
});

test("a multicall inside a multicall is ELOOP", () => {
  assert.equal(filter.multicall.maxDepth, 1);
  assert.equal(filter.multicall.nestedErrno, "ELOOP");
  assert.equal(hypercall("multicall").allowed, "all");
});

test("the special cases of the reference hold", () => {
  const create = condition(subop("domctl", "createdomain").conditions, "field-zero");
  assert.equal(create.field, "u.createdomain.altp2m_opts");
  assert.equal(create.errno, "EPERM");
  for (const name of ["set_address_size", "hypercall_init"]) {
    assert.equal(condition(subop("domctl", name).conditions, "target-not-dom0").errno, "EPERM");
  }
  for (const name of ["assign_device", "deassign_device"]) {
    const conds = subop("domctl", name).conditions;
    assert.equal(condition(conds, "pci-device").errno, "ENODEV");
    assert.equal(condition(conds, "not-in-multicall").errno, "ELOOP");
  }
  const numa = condition(subop("domctl", "numa_op").conditions, "inner-subops");
  assert.deepEqual(numa.allowed, ["get_node_pages"]);
  assert.deepEqual(numa.constants, ["XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES"]);
  assert.equal(numa.errno, "EOPNOTSUPP");
  const livepatch = condition(subop("sysctl", "livepatch_op").conditions, "inner-subops");
  assert.deepEqual(livepatch.allowed, ["upload", "get", "action", "list"]);
  assert.equal(livepatch.constants[3], "XEN_SYSCTL_LIVEPATCH_LIST");
  assert.equal(livepatch.errno, "EOPNOTSUPP");
  assert.ok(condition(subop("kexec_op", "kexec_load").conditions, "signed-image"));
  const mmuext = hypercall("mmuext_op").allowed;
  assert.notEqual(mmuext, "all");
  assert.deepEqual(
    (mmuext as { subop: string }[]).map((s) => s.subop),
    ["pin_l1_table", "pin_l2_table", "pin_l3_table", "pin_l4_table"],
  );
});

test("Linux privcmd: RESTRICT, the restricted fd, DM_OP limits and XSA-482", () => {
  const byName = Object.fromEntries(linux.ioctls.map((i) => [i.name, i]));
  assert.equal(byName.HYPERCALL?.restricted, "always-eperm");
  assert.equal(byName.HYPERCALL?.nr, 0);
  for (const name of ["MMAP", "MMAPBATCH", "MMAPBATCH_V2", "DM_OP", "MMAP_RESOURCE", "IRQFD", "IOEVENTFD"]) {
    assert.equal(byName[name]?.restricted, "eperm-if-other-dom", name);
    assert.equal(byName[name]?.domField, "dom", name);
  }
  assert.equal(byName.RESTRICT?.nr, 6);
  assert.equal(linux.restrict.initialDom0, "DOMID_INVALID");
  assert.equal(linux.restrict.changeErrno, "EINVAL");
  assert.deepEqual([linux.dmOp.maxBufs, linux.dmOp.maxBufSize], [16, 4096]);
  assert.match(linux.domU.missingTarget, /DOMID_IDLE/);
  assert.match(linux.domU.lockdownReason, /LOCKDOWN_XEN_USER_ACTIONS/);
});

// Sub-ops the filter allows that the 4.22.0 ops catalogue does not list, each checked by hand
// against Xen 4.22.0's public headers (xen/include/public/, the #define and its line):
const CHECKED_IN_HEADERS = new Set([
  "memory_op/maximum_ram_page", // memory.h:132 XENMEM_maximum_ram_page
  "memory_op/get_sharing_freed_pages", // memory.h:377
  "memory_op/get_sharing_shared_pages", // memory.h:378
  "memory_op/memory_map", // memory.h:313
  "memory_op/reserved_device_memory_map", // memory.h:585
  "sched_op/watchdog", // sched.h:103 SCHEDOP_watchdog
  "kexec_op/kexec", // kexec.h:106 KEXEC_CMD_kexec
  "kexec_op/kexec_get_range", // kexec.h:144
  "kexec_op/kexec_load", // kexec.h:188
  "kexec_op/kexec_unload", // kexec.h:207
  "kexec_op/kexec_status", // kexec.h:221
  "mmuext_op/pin_l1_table", // xen.h:418 MMUEXT_PIN_L1_TABLE
  "mmuext_op/pin_l2_table", // xen.h:419
  "mmuext_op/pin_l3_table", // xen.h:420
  "mmuext_op/pin_l4_table", // xen.h:421
]);

test("every allowed sub-op is Xen 4.22.0's, or marked XenServer-only", () => {
  const dir = join(packageRoot(), "catalogues", "xen-4.22.0");
  const ids = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.startsWith("ops-") && n.endsWith(".json"))) {
    const data = JSON.parse(readFileSync(join(dir, f), "utf8"));
    for (const op of Array.isArray(data) ? data : data.operations) ids.add(op.id);
  }
  for (const h of filter.hypercalls) {
    if (h.allowed === "all") continue;
    for (const s of h.allowed) {
      const id = `${h.hypercall}/${s.subop}`;
      const xsOnly = (s.note ?? "").startsWith("XenServer-only");
      assert.ok(ids.has(id) || CHECKED_IN_HEADERS.has(id) || xsOnly, `${id} is not known to Xen 4.22.0`);
      if (xsOnly) assert.ok(!ids.has(id), `${id} is marked XenServer-only but the catalogue has it`);
    }
  }
});

test("a corrupt or invalid facts file is an InputError naming the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-filter-facts-"));
  try {
    const notJson = join(dir, "broken.json");
    writeFileSync(notJson, "{ not json");
    assert.throws(
      () => loadXenServerFilter(notJson),
      (e: unknown) => e instanceof InputError && e.message.includes("broken.json"),
    );
    const invalid = join(dir, "invalid.json");
    const bad = { ...filter, multicall: { ...filter.multicall, maxDepth: "one" } };
    writeFileSync(invalid, JSON.stringify(bad));
    assert.throws(
      () => loadXenServerFilter(invalid),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.includes("invalid.json") &&
        e.message.includes("multicall.maxDepth"),
    );
    assert.throws(
      () => loadLinuxPrivcmd(invalid),
      (e: unknown) => e instanceof InputError && e.message.includes("invalid.json"),
    );
    // an inner sub-op without its C constant would leave an exported filter unable to compare it
    const text = readFileSync(
      join(packageRoot(), "catalogues", "privcmd", "xenserver-filter.json"),
      "utf8",
    ).replace('"XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES"', "");
    const short = join(dir, "short.json");
    writeFileSync(short, text);
    assert.throws(
      () => loadXenServerFilter(short),
      (e: unknown) => e instanceof InputError && e.message.includes("constants must name one constant"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
