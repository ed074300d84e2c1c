import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { OUTPUT_SCHEMAS } from "../src/report/output-schemas.js";
import { ensureBuilt, json, run } from "./support/cli.js";

const F = "test/fixtures/privcmd";
before(ensureBuilt);

describe("xenpriv privcmd", () => {
  test("emu, case 27 on the shipped XenServer facts: createdomain with altp2m, set_address_size on dom0, an unknown sysctl", () => {
    const altp2m = json("privcmd", "emu", "HYPERCALL", "domctl", "createdomain", "--field", "altp2m_opts=1");
    assert.deepEqual([altp2m.code, altp2m.value.errno], [1, "EPERM"]);
    assert.equal(json("privcmd", "emu", "HYPERCALL", "domctl", "createdomain").code, 0);
    assert.equal(
      json("privcmd", "emu", "HYPERCALL", "domctl", "set_address_size", "--dom", "0").value.errno,
      "EPERM",
    );
    assert.equal(json("privcmd", "emu", "HYPERCALL", "sysctl", "999").value.errno, "ENOSYS");
    // numbers work as names do: 36 is domctl, 3 pausedomain
    assert.equal(json("privcmd", "emu", "HYPERCALL", "36", "3").value.allowed, true);
    const off = json("privcmd", "emu", "--no-lockdown", "HYPERCALL", "xsm_op");
    assert.equal(off.value.allowed, true);
  });

  test("emu, case 26: a restricted fd refuses HYPERCALL; a trace keeps each fd's restriction", () => {
    const r = json(
      "privcmd",
      "emu",
      "--profile",
      "restrict",
      "--restrict-to",
      "5",
      "HYPERCALL",
      "xen_version",
      "version",
    );
    assert.equal(r.value.errno, "EPERM");
    const t = json("privcmd", "emu", "--trace", `${F}/restrict-then-calls.jsonl`);
    assert.equal(t.code, 1);
    assert.deepEqual(t.value.summary, { allowed: 3, EPERM: 1, ELOOP: 1 });
  });

  test("emu masks sub-op numbers as the filter does: memory_op 326 is cmd & 0x3f = 6, populate_physmap", () => {
    const r = json("privcmd", "emu", "HYPERCALL", "memory_op", "326");
    assert.equal(r.code, 0);
    const steps = r.value.steps as { what: string; ref?: string }[];
    assert.ok(
      steps.some(
        (s) =>
          /326 & 0x3f = 6 \(populate_physmap\)/.test(s.what) &&
          s.ref === "drivers/xen/filter-hypercall.c:258",
      ),
    );
    // 331 is 11 (exchange), which the filter does not allow
    const exchange = json("privcmd", "emu", "HYPERCALL", "memory_op", "331");
    assert.deepEqual([exchange.code, exchange.value.errno], [1, "ENOSYS"]);
    // xen_version's (int) cast keeps the low 32 bits: 2^32 is version
    assert.equal(run("privcmd", "emu", "HYPERCALL", "xen_version", String(2 ** 32)).code, 0);
  });

  test("emu: kexec_load's errno follows the kernel's signature-checking build", () => {
    const unsigned = json("privcmd", "emu", "HYPERCALL", "kexec_op", "kexec_load");
    assert.deepEqual([unsigned.code, unsigned.value.errno], [1, "ENODATA"]);
    assert.equal(run("privcmd", "emu", "HYPERCALL", "kexec_op", "kexec_load", "--signed").code, 0);
    const off = json(
      "privcmd",
      "emu",
      "HYPERCALL",
      "kexec_op",
      "kexec_load",
      "--signed",
      "--no-kexec-signature-check",
    );
    assert.deepEqual([off.code, off.value.errno], [1, "EPERM"]);
    assert.match(JSON.stringify(off.value.steps), /filter-hypercall\.c:441/);
  });

  test("emu: the filter's lockdown gate says it is unverified", () => {
    const r = run("privcmd", "emu", "HYPERCALL", "xen_version", "version");
    assert.match(
      r.out,
      /the kernel is locked down \(LOCKDOWN_XEN_HYPERCALL\): the filter runs \(unverified: /,
    );
  });

  test("classify: every class has rows, each with evidence; the microcode dispute is shown", () => {
    const c = json("privcmd", "classify");
    const ops = c.value.operations as {
      id: string;
      class: string;
      evidence: unknown[];
      disagreements: { conflicts: string[]; defaults: string[]; open: string[] };
    }[];
    for (const k of ["privileged", "control-plane", "informational"])
      assert.ok(
        ops.some((o) => o.class === k),
        k,
      );
    assert.ok(ops.every((o) => o.evidence.length > 0));
    // master takes its XSM checks from the extracted catalogue of the same tree
    const master = json("privcmd", "classify", "--xen", "master-2026-08-20", "--hypercall", "domctl");
    const pause = (master.value.operations as { id: string; xsm: string[] }[]).find(
      (o) => o.id === "domctl/pausedomain",
    );
    assert.deepEqual(pause?.xsm, ["domctl: PRIV"]);
    const mc = ops.find((o) => o.id === "platform_op/microcode_update");
    assert.equal(mc?.class, "privileged");
    assert.match(mc?.disagreements.conflicts.join() ?? "", /XenServer's filter allows it/);
  });

  test("bad input: misspelt names get suggestions, a bad trace line its line and column, exit 2", () => {
    const name = run("privcmd", "emu", "HYPERCALL", "domctl", "pausedomian");
    assert.equal(name.code, 2);
    assert.equal(name.out, "");
    assert.match(name.err, /did you mean `pausedomain`/);
    const bad = run("privcmd", "emu", "--trace", `${F}/bad-trace.jsonl`);
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /bad-trace\.jsonl:1:22: error\[privcmd\/unknown-hypercall\].*\n.*did you mean `domctl`/,
    );
    assert.match(bad.err, /bad-trace\.jsonl:2:2: error\[privcmd\/trace-json\]/);
    const restrict = run("privcmd", "emu", "--profile", "restrict", "DM_OP");
    assert.equal(restrict.code, 2);
    assert.match(restrict.err, /error\[privcmd\/restrict-needs-domain\]/);
    const profile = run("privcmd", "emu", "--profile", `${F}/misspelt-names.yaml`, "DM_OP");
    assert.equal(profile.code, 2);
    assert.match(profile.err, /misspelt-names\.yaml:4:14: error\[privcmd-profile\/unknown-sub-op\]/);
  });

  test("export: the listing to stdout, the C header and JSON written whole with -o, bad input exit 2", () => {
    const pfc = run("privcmd", "export", "--profile", `${F}/toolstack-only.yaml`);
    assert.equal(pfc.code, 0);
    assert.match(pfc.out, /^#\n# pseudo filter code start\n/);
    assert.match(pfc.out, /# sub-op "pausedomain" \(3\)\n {4}if \(\$subop == 3\)\n {6}action ALLOW;/);
    const dir = mkdtempSync(join(tmpdir(), "xenpriv-export-"));
    try {
      const h = run("privcmd", "export", "--as", "c", "-o", join(dir, "xs.h"));
      assert.equal(h.code, 0);
      // upstream's 52 hypercalls and XenServer's iommu_op, from the overlay
      assert.match(h.out, /wrote .*xs\.h: profile xenserver, 53 hypercalls/);
      // its tables reach iommu_op's number, 56
      assert.match(readFileSync(join(dir, "xs.h"), "utf8"), /xenpriv_xenserver_mask\[57\]/);
      assert.match(readFileSync(join(dir, "xs.h"), "utf8"), /static inline int xenpriv_xenserver_decide\(/);
      const j = run("privcmd", "export", "--as", "json", "--profile", "pointer-free");
      const program = OUTPUT_SCHEMAS["privcmd-filter-program"].parse(JSON.parse(j.out));
      assert.equal(program.profile.id, "pointer-free");
      const sub = (h: string, s: string) =>
        program.hypercalls.find((x) => x.name === h)?.subops.find((x) => x.name === s)?.verdict.outcome;
      // pausedomain's structure holds no guest pointer; readconsole's holds its buffer
      assert.equal(sub("domctl", "pausedomain")?.action, "allow");
      assert.deepEqual(sub("sysctl", "readconsole"), { action: "deny", errno: "EPERM" });
      // an output that cannot be written leaves nothing behind
      const bad = run("privcmd", "export", "-o", join(dir, "missing", "x.h"));
      assert.equal(bad.code, 2);
      assert.match(bad.err, /error\[output\/cannot-write\]/);
      assert.deepEqual(readdirSync(dir), ["xs.h"]);
      assert.ok(!existsSync(join(dir, "missing")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const missing = run("privcmd", "export", "--profile", "xenserevr");
    assert.equal(missing.code, 2);
    assert.equal(missing.out, "");
    assert.match(missing.err, /did you mean `xenserver`/);
  });
});
