/**
 * The hypercall outcomes a real Xen gave the project's test kernel in every domain of a dom0less
 * system (recorded by `npm run test:boot` under test/oracle/xen-<version>/decisions-arm64.json),
 * replayed without QEMU or a Xen tree: each (XSM module, caller, operation, target) cell must be the
 * model's decision, with the error the model predicts for a denial. The model is built from the
 * recorded `/chosen`, on a board with nothing else (the model reads the domains from `/chosen`).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadModels } from "../src/cli/context.js";
import type { Model } from "../src/query/model.js";
import {
  compareOutcomes,
  DOMID_SELF,
  lineTag,
  ORACLE_SYSTEMS,
  readOutcomes,
} from "./support/decision-oracle.js";
import { readDecisionRecord, recordedVersions, recordPath } from "./support/oracle-record.js";
import { KERNEL_CALLS } from "./support/test-kernel.js";

const versions = recordedVersions().filter((v) => existsSync(recordPath(v, "decisions-arm64.json")));
const dir = mkdtempSync(join(tmpdir(), "xenpriv-oracle-"));

test("decisions are recorded for Xen 4.22.0 on arm64", () => {
  assert.ok(versions.includes("4.22.0"), `recorded: ${versions.join(", ")}`);
});

for (const xen of versions) {
  describe(`Xen ${xen} arm64, recorded decisions`, () => {
    const record = readDecisionRecord(recordPath(xen, "decisions-arm64.json"));

    test("the record is of the kernel's calls, under both XSM modules the build offers", () => {
      assert.deepEqual(
        record.calls,
        KERNEL_CALLS.map((c) => c.op),
      );
      assert.deepEqual([...new Set(record.boots.map((b) => b.policy))].sort(), ["dummy", "silo"]);
      assert.match(record.run.commit, /^[0-9a-f]{40}$/);
    });

    for (const boot of record.boots) {
      test(`${boot.system} xsm=${boot.policy}: every call's outcome is the model's decision`, () => {
        const sys = ORACLE_SYSTEMS.find((s) => s.id === boot.system);
        assert.ok(sys, `system ${boot.system}`);
        const n = sys.domains.length;
        assert.deepEqual(
          [...boot.done].sort((a, b) => a - b),
          [...Array(n).keys()],
          "every domain finished its calls",
        );
        assert.equal(boot.panic, undefined);
        const file = join(dir, `${boot.system}-${boot.policy}.dts`);
        writeFileSync(
          file,
          `/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tchosen {\n${boot.chosen}\n\t};\n};\n`,
        );
        const [model] = loadModels({ system: file }, [boot.policy]);
        const outcomes = boot.outcomes.map(([src, call, target, rc, status]) => ({
          src,
          call,
          target,
          rc,
          status,
        }));
        const cells = compareOutcomes(model as Model, sys.domains, outcomes);
        // each domain makes the untargeted calls once and the targeted ones on each domid and DOMID_SELF
        const expected = n * KERNEL_CALLS.reduce((a, c) => a + (c.targeted ? n + 1 : 1), 0);
        const bad = cells.filter((c) => !c.agree);
        console.log(
          `Xen ${xen} ${boot.system} xsm=${boot.policy}: ${cells.length} of ${expected} cells read from the console, ${cells.length - bad.length} agree, ${bad.length} disagree`,
        );
        assert.deepEqual(bad, []);
        assert.equal(boot.made, expected, "the domains made every call");
        // a line lost or damaged on the console is one cell fewer, never a wrong one; nearly all are there
        assert.ok(cells.length >= expected * 0.99, `${cells.length} of ${expected}`);
        assert.ok(boot.damaged <= expected * 0.01);
        // both sides of each decision are seen: allowed and denied cells, and DOMID_SELF
        assert.ok(cells.some((c) => c.model === "allow"));
        assert.ok(cells.some((c) => c.model.startsWith("deny")));
        assert.ok(outcomes.some((o) => o.target === DOMID_SELF));
      });
    }
  });
}

describe("the decision comparison", () => {
  const sys = ORACLE_SYSTEMS[0];
  assert.ok(sys);
  const file = join(dir, "board.dts");
  test("a denial must show the error the model predicts, and an allowed call no permission error", () => {
    writeFileSync(
      file,
      `/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tchosen {\n\t\tguest1 { compatible = "xen,domain"; memory = <0x0 0x4000>; cpus = <1>; module@50000000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x0 0x50000000 0x0 0x1000>; }; };\n\t\tguest2 { compatible = "xen,domain"; memory = <0x0 0x4000>; cpus = <1>; module@50010000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x0 0x50010000 0x0 0x1000>; }; };\n\t};\n};\n`,
    );
    const [model] = loadModels({ system: file }, ["dummy"]);
    const domains = [
      { name: "guest1", props: "" },
      { name: "guest2", props: "" },
    ];
    const at = (rc: number, status = 0, call = 2, target = 2) => ({ src: 0, call, target, rc, status });
    const agree = (o: ReturnType<typeof at>) => compareOutcomes(model as Model, domains, [o])[0]?.agree;
    // guest1 domctl/getdomaininfo guest2: denied with -EPERM
    assert.equal(agree(at(-1)), true);
    assert.equal(agree(at(0)), false);
    assert.equal(agree(at(-3)), false);
    // guest1 memory_op/current_reservation on itself (DOMID_SELF): allowed, so anything but -EPERM
    assert.equal(agree(at(4096, 0, 3, DOMID_SELF)), true);
    assert.equal(agree(at(-1, 0, 3, DOMID_SELF)), false);
    // a grant status is the outcome of grant_table_op/query_size
    assert.equal(agree(at(0, -8, 5, 2)), true);
    assert.equal(agree(at(0, 0, 5, 2)), false);
    // xen_version/commandline: a denial is the string "<denied>" (status 1) and rc 0
    const cmdline = KERNEL_CALLS.findIndex((c) => c.op === "xen_version/commandline");
    assert.equal(agree(at(0, 1, cmdline, DOMID_SELF)), true);
    assert.equal(agree(at(0, 0, cmdline, DOMID_SELF)), false);
    // memory_op/claim_pages: domid lookup failure is -EINVAL at its call site (memory.c:1833-1835)
    const claim = KERNEL_CALLS.findIndex((c) => c.op === "memory_op/claim_pages");
    assert.equal(agree(at(-22, 0, claim, DOMID_SELF)), true);
    assert.equal(agree(at(-3, 0, claim, DOMID_SELF)), false);
    // domctl does not resolve DOMID_SELF: not found, -EPERM for a caller without control
    assert.equal(agree(at(-1, 0, 2, DOMID_SELF)), true);
    assert.equal(agree(at(-3, 0, 2, DOMID_SELF)), false);
  });

  test("the kernel's lines are read from Xen's console, prefixed or not; a damaged line is not read", () => {
    const line = (v: number[]) => `XP ${v.join(" ")} ${lineTag(v)}`;
    const r = readOutcomes([
      `DOM2: ${line([1, 2, 3, -1, 0])}`,
      line([0, 5, 32752, 0, -8]),
      `XP 0 done 2 ${lineTag([0, 2])}`,
      `DOM2: XP 1 done 1 ${lineTag([1, 1])}`,
      // the same numbers with one changed: the tag no longer matches
      `DOM3: XP 2 2 3 -1 0 ${lineTag([2, 2, 3, -2, 0])}`,
      `XP 2 done 1 ${lineTag([2, 2])}`,
      "noise XP",
    ]);
    assert.deepEqual(r.outcomes, [
      { src: 1, call: 2, target: 3, rc: -1, status: 0 },
      { src: 0, call: 5, target: 32752, rc: 0, status: -8 },
    ]);
    assert.deepEqual(r.done, [0, 1]);
    assert.deepEqual(
      [...r.made],
      [
        [0, 2],
        [1, 1],
      ],
    );
    assert.equal(r.damaged, 2);
  });

  test("the line tag is FNV-1a over the numbers as 32-bit words, as the kernel computes it", () => {
    // FNV-1a of the empty input is the offset basis; of one zero word, basis * prime mod 2^32
    assert.equal(lineTag([]), 2166136261);
    assert.equal(lineTag([0]), Number((2166136261n * 16777619n) % 2n ** 32n));
    // a negative return code is its two's complement word
    assert.equal(lineTag([-1]), Number(((2166136261n ^ 0xffffffffn) * 16777619n) % 2n ** 32n));
  });
});
