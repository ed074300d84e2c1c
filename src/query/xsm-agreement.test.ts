import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadCatalogue, loadCataloguePath } from "../catalog/load-catalogue.js";
import type { Catalogue, Operation } from "../catalog/schema.js";
import { xsmAgreement, xsmLines } from "./xsm-agreement.js";

const op = (id: string, arch: Operation["arch"], checks: unknown[]): Operation =>
  ({ id, arch, checks }) as unknown as Operation;
const cat = (operations: Operation[]): Catalogue => ({ operations }) as unknown as Catalogue;
const xsm = (hook: string, action: string, args: Record<string, string>, when?: unknown) => ({
  kind: "xsm",
  hook,
  action,
  args,
  ref: "xen/common/x.c:1",
  ...(when !== undefined && { when }),
});

describe("xsmLines", () => {
  test("one line per arch and check; arch conditions pick the arch, run-time ones drop the check", () => {
    const o = op(
      "x_op/a",
      ["x86", "arm"],
      [
        xsm("a", "PRIV", { d: "target" }),
        xsm("b", "HOOK", {}, "arch.x86"),
        xsm("c", "TARGET", { d: "target" }, "runtime:irq"),
        xsm("d", "DM_PRIV", { d: "target" }, { all: ["arch.arm", "target.hvm-like"] }),
        { kind: "gate", require: "caller.control", error: "-EPERM", ref: "xen/common/x.c:2" },
      ],
    );
    assert.deepEqual(xsmLines(o), [
      "arm:a(PRIV;d=target)",
      "arm:d(DM_PRIV;d=target)[target.hvm-like]",
      "x86:a(PRIV;d=target)",
      "x86:b(HOOK;)",
    ]);
  });

  test("extra operands count by being extra, whatever their name", () => {
    const a = op("domctl/set_target", ["x86"], [xsm("set_target", "PRIV", { d: "target", e: "e_target" })]);
    const b = op("domctl/set_target", ["x86"], [xsm("set_target", "PRIV", { d: "target", e: "e" })]);
    assert.deepEqual(xsmLines(a), xsmLines(b));
    assert.deepEqual(xsmLines(a), ["x86:set_target(PRIV;d=target,e=operand)"]);
  });
});

describe("xsmAgreement", () => {
  test("an operation split by arch in one and merged in the other agrees", () => {
    const split = op(
      "p/s",
      ["x86", "arm"],
      [xsm("p", "PRIV", {}, "arch.x86"), xsm("p", "PRIV", {}, "arch.arm")],
    );
    const merged = op("p/s", ["x86", "arm"], [xsm("p", "PRIV", {})]);
    assert.deepEqual(xsmAgreement(cat([split]), cat([merged])), []);
  });

  test("missing, extra and different operations are each reported with both sides", () => {
    const ref = cat([op("a/x", ["x86"], [xsm("a", "PRIV", {})]), op("b/y", ["x86"], [xsm("b", "HOOK", {})])]);
    const ext = cat([op("b/y", ["x86"], [xsm("b", "PRIV", {})]), op("c/z", ["arm"], [xsm("c", "HOOK", {})])]);
    assert.deepEqual(xsmAgreement(ref, ext), [
      { op: "a/x", kind: "missing", reference: ["x86:a(PRIV;)"], extracted: [] },
      { op: "b/y", kind: "checks", reference: ["x86:b(HOOK;)"], extracted: ["x86:b(PRIV;)"] },
      { op: "c/z", kind: "extra", reference: [], extracted: ["arm:c(HOOK;)"] },
    ]);
  });

  test("a variant makes some of its operation's checks: hook and action, run-time ones included", () => {
    const variant = op("m/add/foreign", ["x86"], [xsm("map_foreign", "TARGET", { d: "populated" })]);
    const base = op(
      "m/add",
      ["x86"],
      [xsm("add", "TARGET", {}), xsm("map_foreign", "TARGET", {}, "runtime:space")],
    );
    assert.deepEqual(xsmAgreement(cat([variant]), cat([base])), []);
    const without = op("m/add", ["x86"], [xsm("add", "TARGET", {})]);
    assert.equal(xsmAgreement(cat([variant]), cat([without]))[0]?.kind, "checks");
  });

  test("one operation in the reference, one per sub-op extracted: compared on their checks together", () => {
    const whole = op("mmuext_op", ["x86"], [xsm("mmuext_op", "TARGET", { d: "current", f: "target" })]);
    const parts = ["pin", "unpin"].map((s) =>
      op(`mmuext_op/${s}`, ["x86"], [xsm("mmuext_op", "TARGET", { d: "current", f: "target" })]),
    );
    assert.deepEqual(xsmAgreement(cat([whole]), cat(parts)), []);
  });
});

interface Listed {
  op: string;
  kind: string;
  resolution: string;
  reason: string;
  reference: string[];
  extracted: string[];
}

describe("the catalogue extracted from RELEASE-4.22.0 against the curated one", () => {
  const listed = parse(
    readFileSync(new URL("../../catalogues/extracted/xen-4.22.0.differences.yaml", import.meta.url), "utf8"),
  ) as Listed[];
  const curated = loadCatalogue("4.22.0");
  const found = xsmAgreement(
    curated,
    loadCataloguePath(fileURLToPath(new URL("../../catalogues/extracted/xen-4.22.0.json", import.meta.url))),
  );

  test("every difference is listed, with the same lines on both sides, and is one of scope with its reason", () => {
    const unlisted = found.filter(
      (d) =>
        !listed.some(
          (l) =>
            l.op === d.op &&
            l.kind === d.kind &&
            JSON.stringify(l.reference) === JSON.stringify(d.reference) &&
            JSON.stringify(l.extracted) === JSON.stringify(d.extracted),
        ),
    );
    assert.deepEqual(unlisted, [], "differences not in xen-4.22.0.differences.yaml (or with other lines)");
    for (const l of listed) {
      // an extractor limit or a curated entry to correct is open work: it is fixed, not listed
      assert.equal(l.resolution, "scope", `${l.op}: only differences of scope remain`);
      assert.ok(l.reason.length > 20, `${l.op}: a reason`);
    }
  });

  test("every listed difference still exists (a fixed one leaves the list)", () => {
    const stale = listed.filter((l) => !found.some((d) => d.op === l.op && d.kind === l.kind));
    assert.deepEqual(
      stale.map((l) => l.op),
      [],
    );
  });

  test("most operations agree", () => {
    const differing = found.filter((d) => d.kind !== "extra").length;
    const total = curated.operations.length;
    assert.ok(differing * 5 < total, `${differing} of ${total} curated operations differ`);
  });
});
