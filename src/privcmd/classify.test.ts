import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { classify } from "./classify.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "./load-filter-facts.js";
import { loadHypercallCatalogue } from "./load-hypercall-catalogue.js";

const rows = classify(loadHypercallCatalogue("4.22.0"), loadCatalogue("4.22.0"), loadXenServerFilter(), {
  linux: loadLinuxPrivcmd(),
});
const row = (id: string) => {
  const r = rows.find((x) => x.id === id);
  assert.ok(r, id);
  return r;
};

describe("classify: reference §7's rows, and the sources beside them", () => {
  test("a rule covers only the sub-ops its row names: the others take the filter's verdict", () => {
    assert.equal(row("event_channel_op/alloc_unbound").class, "control-plane");
    assert.deepEqual(row("event_channel_op/alloc_unbound").disagreements, []);
    // shutting down the caller shuts down dom0: no source says userspace may
    const shutdown = row("sched_op/shutdown");
    assert.equal(shutdown.class, "privileged");
    assert.deepEqual(shutdown.disagreements, []);
    assert.ok(shutdown.evidence.some((e) => e.source.startsWith("docs/admin-guide/uefi-secure-boot.rst")));
    assert.equal(row("domctl/set_target").class, "privileged");
    assert.equal(row("domctl/pausedomain").class, "control-plane");
  });

  test("dm_op: userspace reaches it through IOCTL_PRIVCMD_DM_OP, so the raw hypercall's refusal is no disagreement", () => {
    const d = row("dm_op/set_isa_irq_level");
    assert.equal(d.class, "control-plane");
    assert.deepEqual(d.disagreements, []);
    assert.match(d.xenserver, /^denied \(ENOSYS\) as a raw hypercall; userspace uses IOCTL_PRIVCMD_DM_OP/);
  });

  test("XSM_HOOK is evidence of who may call, not a disagreement; a filter that allows a privileged op is one", () => {
    const argo = row("argo_op/register_ring");
    assert.deepEqual(argo.disagreements, []);
    assert.ok(argo.evidence.some((e) => /XSM_HOOK/.test(e.says) && /^xen\/common\/argo\.c:\d+$/.test(e.ref)));
    assert.deepEqual(row("platform_op/get_cpu_version").disagreements, [
      "XenServer's filter allowed, yet it is privileged",
    ]);
    assert.equal(rows.filter((r) => r.disagreements.length).length, 12);
  });
});
