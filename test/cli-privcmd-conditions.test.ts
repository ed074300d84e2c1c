import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { builtinProfile } from "../src/privcmd/builtin-profiles.js";
import { evaluateCall } from "../src/privcmd/evaluate-call.js";
import { loadLinuxPrivcmd, loadXenServerFilter } from "../src/privcmd/load-filter-facts.js";
import { loadHypercallCatalogue } from "../src/privcmd/load-hypercall-catalogue.js";
import type { PrivcmdCall, PrivcmdContext } from "../src/privcmd/privcmd-call.js";
import { ensureBuilt, json, run } from "./support/cli.js";

before(ensureBuilt);

const filter = loadXenServerFilter();
const facts = { linux: loadLinuxPrivcmd(), hypercalls: loadHypercallCatalogue("4.22.0") };
const XS = builtinProfile("xenserver", filter, () => []);
const DOM0: PrivcmdContext = { domain: "dom0", lockedDown: true };
const call = (
  hypercall: string,
  subop: string | undefined,
  more: Partial<PrivcmdCall> = {},
): PrivcmdCall => ({
  ioctl: "HYPERCALL",
  hypercall,
  ...(subop && { subop }),
  dom: 1,
  ...more,
});

/**
 * Every operation XenServer's filter lets through only on its arguments, with the condition printed
 * for it, a call that meets the condition and one that does not. Written out by hand: the test fails
 * when a conditional row appears, disappears or changes its words.
 */
const CONDITIONAL: Record<string, { says: string; passes: PrivcmdCall; fails: PrivcmdCall }> = {
  multicall: {
    says: "each entry passes as a call of its own, and it is not nested",
    passes: call("multicall", undefined, { entries: [call("xen_version", "version")] }),
    fails: call("multicall", undefined, { entries: [call("multicall", undefined, { entries: [] })] }),
  },
  "sysctl/livepatch_op": {
    says: "u.livepatch.cmd is one of upload, get, action, list",
    passes: call("sysctl", "livepatch_op", { inner: "upload" }),
    fails: call("sysctl", "livepatch_op", { inner: "revert" }),
  },
  "domctl/createdomain": {
    says: "u.createdomain.altp2m_opts is 0",
    passes: call("domctl", "createdomain", { fields: { altp2m_opts: 0 } }),
    fails: call("domctl", "createdomain", { fields: { altp2m_opts: 1 } }),
  },
  "domctl/hypercall_init": {
    says: "the target domain is not domain 0",
    passes: call("domctl", "hypercall_init", { dom: 3 }),
    fails: call("domctl", "hypercall_init", { dom: 0 }),
  },
  "domctl/set_address_size": {
    says: "the target domain is not domain 0",
    passes: call("domctl", "set_address_size", { dom: 3 }),
    fails: call("domctl", "set_address_size", { dom: 0 }),
  },
  "domctl/assign_device": {
    says: "the device is a PCI device and it is not an entry of a multicall",
    passes: call("domctl", "assign_device", { pci: true }),
    fails: call("domctl", "assign_device", { pci: false }),
  },
  "domctl/deassign_device": {
    says: "the device is a PCI device and it is not an entry of a multicall",
    passes: call("domctl", "deassign_device", { pci: true }),
    fails: call("multicall", undefined, { entries: [call("domctl", "deassign_device", { pci: true })] }),
  },
  // from the XenServer overlay: upstream's headers lack the domctl, the filter checks its inner op
  "domctl/numa_op": {
    says: "u.numa_op.op is get_node_pages",
    passes: call("domctl", "numa_op", { inner: "get_node_pages" }),
    fails: call("domctl", "numa_op", { inner: "set_node_affinity" }),
  },
  "kexec_op/kexec_load": {
    says: "segment 0 carries a valid signature (CONFIG_SIGNED_PE_FILE_VERIFICATION)",
    passes: call("kexec_op", "kexec_load", { signed: true }),
    fails: call("kexec_op", "kexec_load"),
  },
};

// words of a failed state, which must never stand where the passing condition belongs
const INVERTED = /does not carry|is not given|not known to be|must be one of|refused inside/;

describe("privcmd conditions say when the call passes (issue 20 §4)", () => {
  test("each printed condition is one the emulator passes, and its negation one it refuses", () => {
    for (const [id, c] of Object.entries(CONDITIONAL)) {
      assert.equal(evaluateCall(c.passes, DOM0, XS, facts).allowed, true, `${id} passes`);
      assert.equal(evaluateCall(c.fails, DOM0, XS, facts).allowed, false, `${id} fails`);
    }
  });

  test("classify: every conditional row, in JSON, the table and Markdown", () => {
    const rows = (json("privcmd", "classify").value.operations as { id: string; xenserver: string }[]).filter(
      (r) => r.xenserver.startsWith("allowed only if"),
    );
    assert.deepEqual(rows.map((r) => r.id).sort(), Object.keys(CONDITIONAL).sort());
    const table = run("privcmd", "classify").out;
    const md = run("privcmd", "classify", "-f", "md").out;
    for (const r of rows) {
      const want = `allowed only if ${CONDITIONAL[r.id]?.says}`;
      assert.equal(r.xenserver, want, r.id);
      for (const [format, out] of [
        ["table", table],
        ["md", md],
      ] as const) {
        const line = out.split("\n").find((l) => l.includes(` ${r.id} `) || l.startsWith(`${r.id} `));
        assert.ok(line?.includes(want), `${format}: ${r.id}`);
        assert.doesNotMatch(line ?? "", INVERTED, `${format}: ${r.id}`);
      }
    }
  });

  test("classify without the kernel's signature check: kexec_load passes never, and says so", () => {
    const c = CONDITIONAL["kexec_op/kexec_load"];
    assert.ok(c);
    const d = evaluateCall(c.passes, { ...DOM0, kexecSignatureCheck: false }, XS, facts);
    assert.deepEqual([d.allowed, d.errno], [false, "EPERM"]);
    assert.equal(evaluateCall(c.fails, DOM0, XS, facts).errno, "ENODATA");
  });

  test("privcmd check: every conditional row of the shipped examples, in JSON, the table and Markdown", () => {
    for (const system of ["examples/x86-classic.yaml", "examples/x86-stubdoms.yaml"]) {
      const v = json("privcmd", "check", "--system", system).value as {
        domains: { domain: string; conditional: { op: string; passesIf: string[] }[] }[];
      };
      const rows = v.domains.flatMap((d) => d.conditional);
      assert.ok(rows.length > 0, system);
      const table = run("privcmd", "check", "--system", system).out;
      const md = run("privcmd", "check", "--system", system, "-f", "md").out;
      for (const r of rows) {
        const says = CONDITIONAL[r.op]?.says;
        assert.equal(r.passesIf.join(" and "), says, r.op);
        for (const out of [table, md]) {
          const line = out.split("\n").find((l) => l.includes(r.op) && l.includes("HYPERCALL"));
          assert.ok(line?.includes(says ?? "?"), `${system}: ${r.op}`);
          assert.doesNotMatch(line ?? "", INVERTED);
        }
      }
    }
  });
});
