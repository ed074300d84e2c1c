import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadCParser } from "../src/extract/c-parser.js";
import { readFlaskHooks } from "../src/extract/flask-hooks.js";
import { readPolicy } from "../src/flask/read-policy.js";
import { type BuildFacts, DEFAULT_BUILD } from "../src/model/build.js";
import type { Verdict } from "../src/model/decision.js";
import { type Domain, makeDomain } from "../src/model/domain.js";
import { createFlaskPolicy } from "../src/policy/flask.js";
import type { HookCall } from "../src/policy/types.js";
import { compilePolicy } from "./support/flask-tools.js";

// Conditions of Flask hooks that the build decides: the fixture hooks (test/fixtures/flask/build/hooks.c,
// read by the real extractor) with `#if` blocks around cases and a permission picked by is_iommu_enabled(d),
// against a policy written for them and compiled with checkpolicy at test time.
const HOOKS = "test/fixtures/flask/build/hooks.c";
const hooks = readFlaskHooks([{ path: HOOKS, text: readFileSync(HOOKS, "utf8") }], await loadCParser());
const file = compilePolicy(readFileSync("test/fixtures/flask/build/policy.conf", "utf8"), 30);
const flask = createFlaskPolicy({
  name: "flask:build",
  policy: readPolicy(readFileSync(file), file),
  hooks,
  hooksSource: "fixture",
  hookParams: { bind_pt_irq: ["d"], assign_device: ["d", "dev"] },
});
const dom0 = makeDomain({
  domid: 0,
  name: "dom0",
  builtBy: "dom0",
  caps: { control: true, hardware: true },
  label: "dom0_t",
});
const guest = makeDomain({ domid: 1, name: "guest", label: "domU_t", type: "hvm" });
const call = (hook: string, current: Domain, d: Domain): HookCall => ({
  hook,
  action: "HOOK",
  current,
  domains: { d },
  values: {},
  src: "current",
  target: "d",
});
const run = (c: HookCall, build: BuildFacts): Verdict => flask.hook(c, build);
const whats = (v: Verdict) => v.steps.map((s) => `${s.what}${s.ref ? ` [${s.ref}]` : ""}`);

test("the extractor keeps #if, #ifdef, #ifndef, #elif and #else around cases as conditions with their line", () => {
  const assign = hooks.find((h) => h.name === "assign_device");
  assert.deepEqual(
    assign?.checks.map((c) => c.conditions),
    [
      [`#if defined(CONFIG_HAS_PCI) (${HOOKS}:37)`, `case XEN_DOMCTL_DEV_PCI (${HOOKS}:38)`],
      [
        `#if defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY) (${HOOKS}:42)`,
        `case XEN_DOMCTL_DEV_DT (${HOOKS}:43)`,
      ],
      [`#if !defined(CONFIG_NO_SUCH_OPTION) (${HOOKS}:53)`, `case XEN_DOMCTL_DEV_ANY (${HOOKS}:54)`],
    ],
  );
  assert.deepEqual(
    assign?.refusals.map((r) => [r.error, r.conditions.slice(0, 2)]),
    [
      [
        "-EOPNOTSUPP",
        [
          `#if !(defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)) (${HOOKS}:42)`,
          `#if defined(CONFIG_X86) (${HOOKS}:45)`,
        ],
      ],
      [
        "-EINVAL",
        [
          `#if !(defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY)) (${HOOKS}:42)`,
          `#if !(defined(CONFIG_X86)) (${HOOKS}:45)`,
        ],
      ],
      ["-EPERM", [`default (${HOOKS}:58)`]],
    ],
  );
});

test("#if blocks the build leaves out are no branch: a call the other branches deny is denied", () => {
  // dom0_t may pause (the device-tree branch) but not add_iomem (the PCI branch and the last one)
  const arm = run(call("assign_device", dom0, guest), { ...DEFAULT_BUILD, arch: "arm" });
  assert.equal(arm.allowed, true);
  assert.ok(
    whats(arm).includes(
      `#if defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY) is true in this build: CONFIG_HAS_PASSTHROUGH is set: Arm's memory management is the MMU, the choice's default, which selects it (xen/arch/arm/Kconfig:76-88); CONFIG_HAS_DEVICE_TREE_DISCOVERY is set: Arm selects it (xen/arch/arm/Kconfig:20) [${HOOKS}:42]`,
    ),
  );
  // x86 builds no device-tree case: what is left is denied, whichever device run time names
  const x86 = run(call("assign_device", dom0, guest), DEFAULT_BUILD);
  assert.equal(x86.allowed, false);
  assert.ok(
    whats(x86).some((w) =>
      w.startsWith(
        "#if defined(CONFIG_HAS_PASSTHROUGH) && defined(CONFIG_HAS_DEVICE_TREE_DISCOVERY) is false in this build: CONFIG_HAS_PASSTHROUGH is set",
      ),
    ),
  );
  assert.ok(
    whats(x86).some((w) => w.startsWith("every branch flask_assign may take for this call is denied")),
  );
  // an Arm build with the MPU has no passthrough: denied there too
  assert.equal(
    run(call("assign_device", dom0, guest), { ...DEFAULT_BUILD, arch: "arm", disabled: ["CONFIG_MMU"] })
      .allowed,
    false,
  );
});

test("is_iommu_enabled(d) from build.iommu: the permission a device's use asks for", () => {
  // unknown: use_iommu (granted) or use_noiommu (not), by run time
  const open = run(call("bind_pt_irq", guest, guest), DEFAULT_BUILD);
  assert.equal(open.allowed, true);
  assert.ok(open.conditions?.some((c) => c.startsWith("flask resource:use_noiommu denied")));
  // no IOMMU: use_noiommu, which the policy does not grant
  const none = run(call("bind_pt_irq", guest, guest), { ...DEFAULT_BUILD, iommu: false });
  assert.equal(none.allowed, false);
  assert.ok(
    whats(none).some((w) =>
      w.startsWith(
        "is_iommu_enabled(d) is false in this build: Xen has no IOMMU (the system's `build.iommu`), and sanitise_domain_config refuses XEN_DOMCTL_CDF_iommu without one (xen/common/domain.c:843-847)",
      ),
    ),
  );
  // dom0 with an IOMMU: use_iommu alone, granted, with nothing left to run time
  const iommu = run(call("bind_pt_irq", dom0, dom0), { ...DEFAULT_BUILD, iommu: true });
  assert.equal(iommu.allowed, true);
  assert.deepEqual(iommu.conditions, []);
  assert.ok(
    whats(iommu).some((w) => w.startsWith("is_iommu_enabled(d) is true in this build: dom0 is dom0")),
  );
});
