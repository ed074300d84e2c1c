import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { classify } from "./classify.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";

const rows = classify(loadHypercallCatalogue("4.22.0"), loadCatalogue("4.22.0"), loadXenServerFilter(), {
  linux: loadLinuxPrivcmd(),
});
const NONE = { conflicts: [], defaults: [], open: [] };
const row = (id: string) => {
  const r = rows.find((x) => x.id === id);
  assert.ok(r, id);
  return r;
};

describe("classify: reference §7's rows, and the sources beside them", () => {
  test("a rule covers only the sub-ops its row names: the others take the filter's verdict", () => {
    assert.equal(row("event_channel_op/alloc_unbound").class, "control-plane");
    assert.deepEqual(row("event_channel_op/alloc_unbound").disagreements, NONE);
    // shutting down the caller shuts down dom0: no source says userspace may
    const shutdown = row("sched_op/shutdown");
    assert.equal(shutdown.class, "privileged");
    assert.deepEqual(shutdown.disagreements, NONE);
    assert.ok(shutdown.evidence.some((e) => e.source.startsWith("docs/admin-guide/uefi-secure-boot.rst")));
    assert.equal(row("domctl/set_target").class, "privileged");
    assert.equal(row("domctl/pausedomain").class, "control-plane");
  });

  test("dm_op: userspace reaches it through IOCTL_PRIVCMD_DM_OP, so the raw hypercall's refusal is no disagreement", () => {
    const d = row("dm_op/set_isa_irq_level");
    assert.equal(d.class, "control-plane");
    assert.deepEqual(d.disagreements, NONE);
    assert.match(d.xenserver, /^denied \(ENOSYS\) as a raw hypercall; userspace uses IOCTL_PRIVCMD_DM_OP/);
  });

  test("XSM_HOOK is evidence of who may call, not a disagreement; a filter that allows a privileged op is one", () => {
    const argo = row("argo_op/register_ring");
    assert.deepEqual(argo.disagreements, NONE);
    assert.deepEqual(row("kexec_op/kexec_unload").disagreements, {
      ...NONE,
      conflicts: ["XenServer's filter allowed, yet it is privileged"],
    });
  });

  test("pure reads are informational: get_cpu_version and get_ucode_revision, with the Xen lines that only copy out", () => {
    for (const id of ["platform_op/get_cpu_version", "platform_op/get_ucode_revision"]) {
      assert.equal(row(id).class, "informational", id);
      assert.deepEqual(row(id).disagreements, NONE, id);
    }
    assert.ok(
      row("platform_op/get_cpu_version").evidence.some(
        (e) => e.ref === "xen/arch/x86/platform_hypercall.c:669-703",
      ),
    );
    assert.equal(row("platform_op/microcode_update").class, "privileged");
  });

  test("acquire_resource goes through IOCTL_PRIVCMD_MMAP_RESOURCE, as dm_op through DM_OP", () => {
    const a = row("memory_op/acquire_resource");
    assert.equal(a.class, "control-plane");
    assert.deepEqual(a.disagreements, NONE);
    assert.match(a.xenserver, /userspace uses IOCTL_PRIVCMD_MMAP_RESOURCE, which the filter does not see/);
  });

  test("disagreements, split: conflicts between sources, xenpriv's own defaults, open questions", () => {
    const ids = (k: "conflicts" | "defaults" | "open") =>
      rows
        .filter((r) => r.disagreements[k].length)
        .map((r) => r.id)
        .sort();
    assert.deepEqual(ids("conflicts"), [
      "kexec_op/kexec_unload",
      "platform_op/microcode_update",
      "platform_op/microcode_update2",
      "sysctl/livepatch_op",
    ]);
    assert.deepEqual(ids("defaults"), ["console_io/read", "console_io/write", "platform_op/resource_op"]);
    assert.deepEqual(ids("open"), ["hypfs_op/write_contents", "sysctl/debug_keys"]);
    // the filter allows kexec_load only for a signed image: what its sources ask for, no disagreement
    assert.deepEqual(row("kexec_op/kexec_load").disagreements, NONE);
  });
});
