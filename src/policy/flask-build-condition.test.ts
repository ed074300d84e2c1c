import assert from "node:assert/strict";
import { test } from "node:test";
import type { FlaskCondition } from "../flask/hook-checks.js";
import { type BuildFacts, DEFAULT_BUILD } from "../model/build.js";
import { makeDomain } from "../model/domain.js";
import { flaskBuildCondition } from "./flask-build-condition.js";

const cpp = (expr: string): FlaskCondition => ({ kind: "cpp", expr, negated: false, ref: "hooks.c:1" });
const x86 = DEFAULT_BUILD;
const arm: BuildFacts = { ...DEFAULT_BUILD, arch: "arm" };
const value = (c: FlaskCondition, b: BuildFacts, d = makeDomain({ domid: 1 })) =>
  flaskBuildCondition(c, b, (n) => (n === "d" ? d : undefined))?.value;

test("#if over Kconfig symbols: what each arch selects, what the build turns off, the rest unknown", () => {
  assert.equal(value(cpp("defined(CONFIG_X86)"), x86), true);
  assert.equal(value(cpp("defined(CONFIG_X86)"), arm), false);
  assert.equal(value(cpp("defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)"), x86), false);
  assert.equal(value(cpp("defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)"), arm), true);
  assert.equal(value(cpp("defined(CONFIG_HAS_PCI)"), x86), true);
  // Arm has PCI only with PCI_PASSTHROUGH, an EXPERT choice: not known
  assert.equal(value(cpp("defined(CONFIG_HAS_PCI)"), arm), undefined);
  assert.equal(value(cpp("defined(CONFIG_HAS_PASSTHROUGH)"), arm), true);
  assert.equal(value(cpp("defined(CONFIG_HAS_PASSTHROUGH)"), { ...arm, disabled: ["CONFIG_MMU"] }), false);
  assert.equal(value(cpp("defined(CONFIG_HAS_PCI)"), { ...x86, disabled: ["CONFIG_HAS_PCI"] }), false);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL)"), x86), undefined);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL)"), { ...x86, disabled: ["CONFIG_SYSCTL"] }), false);
  assert.equal(value(cpp("defined(CONFIG_XSM_FLASK_AVC_STATS)"), arm), true);
  // the forms of #if: defined X, a bare symbol, !, && and || in three values, parentheses
  assert.equal(value(cpp("defined CONFIG_X86"), x86), true);
  assert.equal(value(cpp("CONFIG_X86"), arm), false);
  assert.equal(value(cpp("!defined(CONFIG_X86)"), arm), true);
  assert.equal(value(cpp("defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_PCI)"), x86), true);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)"), x86), false);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL) && defined(CONFIG_X86)"), x86), undefined);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL) || defined(CONFIG_X86)"), x86), true);
  assert.equal(value(cpp("defined(CONFIG_SYSCTL) || defined(CONFIG_X86)"), arm), undefined);
  assert.equal(value(cpp("!(defined(CONFIG_ARM) || CONFIG_HAS_PCI)"), x86), false);
  // what is not an expression over symbols is not decided
  assert.equal(value(cpp("XEN_VERSION > 4"), x86), undefined);
  assert.equal(value(cpp("defined(CONFIG_X86"), x86), undefined);
  // every fact names its Kconfig line
  assert.match(
    flaskBuildCondition(cpp("defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)"), x86, () => undefined)?.why ?? "",
    /^CONFIG_HAS_DEVICE_TREE_DISCOVERY is not set: .*\(xen\/common\/Kconfig:124-126\)$/,
  );
});

test("is_iommu_enabled(d): false without an IOMMU, true for dom0 with one, else run time's", () => {
  const iommu: FlaskCondition = {
    kind: "if",
    expr: "is_iommu_enabled(d)",
    negated: false,
    ref: "hooks.c:1052",
  };
  const guest = makeDomain({ domid: 1 });
  const dom0 = makeDomain({ domid: 0, builtBy: "dom0", caps: { control: true, hardware: true } });
  assert.equal(value(iommu, { ...x86, iommu: false }, guest), false);
  assert.equal(value(iommu, { ...x86, iommu: false }, dom0), false);
  assert.equal(value(iommu, { ...x86, iommu: true }, dom0), true);
  assert.match(
    flaskBuildCondition(iommu, { ...arm, iommu: true }, () => dom0)?.why ?? "",
    /xen\/arch\/arm\/domain_build\.c:1968-1969/,
  );
  // a guest's XEN_DOMCTL_CDF_iommu is the toolstack's choice; without build.iommu nothing is known
  assert.equal(value(iommu, { ...x86, iommu: true }, guest), undefined);
  assert.equal(value(iommu, x86, dom0), undefined);
  // other `if`s and `case`s are not the build's
  assert.equal(value({ ...iommu, expr: "d == current->domain" }, { ...x86, iommu: false }), undefined);
});
