/**
 * The boot-verdict oracle (issue 22 §3): the cases of the project's boot-rule tests
 * (src/system/boot-rules.test.ts) that QEMU's virt board can boot, each a dom0less system whose
 * domains run the test kernel (only saying they are up), and the comparison of what Xen did with
 * `xenpriv lint`'s boot rules on the same device tree: where lint reports an error, Xen must panic
 * with the message the rule names; where lint is clean, every domain must come up.
 */

import type { XenConfig } from "../../src/cmdline/xen-config.js";
import type { Diagnostic } from "../../src/core/diagnostic.js";
import type { DeviceTree } from "../../src/devicetree/device-tree.js";
import { checkBootRules } from "../../src/system/boot-rules.js";
import { systemFromDeviceTree } from "../../src/system/device-tree-system.js";
import type { OracleDomain } from "./decision-oracle.js";

export interface VerdictCase {
  readonly id: string;
  /** the boot rule the case breaks (its test in boot-rules.test.ts), or `clean` */
  readonly rule: string;
  readonly domains: readonly OracleDomain[];
}

const guest = (name: string, props = ""): OracleDomain => ({ name, props });

/** One case per rule QEMU's board can show alone, and clean systems beside them. */
export const VERDICT_CASES: readonly VerdictCase[] = [
  {
    id: "clean-split",
    rule: "clean",
    domains: [guest("ctl", "capabilities = <0x1>;"), guest("xs", "capabilities = <0x4>;"), guest("g")],
  },
  { id: "clean-dom0", rule: "clean", domains: [{ name: "dom0", props: "", dom0: true }, guest("g")] },
  {
    id: "clean-enhanced",
    rule: "clean",
    domains: [guest("xs", "capabilities = <0x4>;"), guest("g", 'xen,enhanced = "enabled";')],
  },
  { id: "clean-no-xenstore", rule: "clean", domains: [guest("g", 'xen,enhanced = "no-xenstore";')] },
  {
    id: "invalid-capabilities",
    rule: "boot/invalid-capabilities",
    domains: [guest("odd", "capabilities = <0x9>;")],
  },
  {
    id: "second-hardware-domain",
    rule: "boot/second-hardware-domain",
    domains: [{ name: "dom0", props: "", dom0: true }, guest("hw", "capabilities = <0x2>;")],
  },
  {
    id: "hardware-needs-iommu",
    rule: "boot/hardware-needs-iommu",
    domains: [guest("hw", "capabilities = <0x2>;"), guest("g")],
  },
  {
    id: "hardware-passthrough",
    rule: "boot/hardware-passthrough",
    domains: [guest("hw", 'capabilities = <0x2>;\n\t\t\tpassthrough = "enabled";')],
  },
  { id: "missing-cpus", rule: "boot/missing-cpus", domains: [{ ...guest("nocpus"), omit: ["cpus"] }] },
  { id: "no-vcpus", rule: "boot/no-vcpus", domains: [{ ...guest("zero"), cpus: "cpus = <0>;" }] },
  {
    id: "too-many-vcpus",
    rule: "boot/too-many-vcpus",
    domains: [{ ...guest("wide"), cpus: "cpus = <200>;" }],
  },
  { id: "too-many-spis", rule: "boot/too-many-spis", domains: [guest("spis", "nr_spis = <1000>;")] },
  {
    id: "direct-map-without-static-mem",
    rule: "boot/direct-map-without-static-mem",
    domains: [guest("dm", "direct-map;")],
  },
  { id: "missing-memory", rule: "boot/missing-memory", domains: [{ ...guest("nomem"), omit: ["memory"] }] },
  {
    id: "missing-kernel",
    rule: "boot/missing-kernel",
    domains: [guest("g"), { ...guest("nokernel"), omit: ["kernel"] }],
  },
  {
    id: "second-xenstore-domain",
    rule: "boot/second-xenstore-domain",
    domains: [guest("xs1", "capabilities = <0x4>;"), guest("xs2", "capabilities = <0x4>;")],
  },
  {
    id: "second-xenstore-domain-dom0",
    rule: "boot/second-xenstore-domain",
    domains: [{ name: "dom0", props: "", dom0: true }, guest("xs", "capabilities = <0x4>;")],
  },
  {
    id: "xenstore-missing",
    rule: "boot/xenstore-missing",
    domains: [guest("g", 'xen,enhanced = "enabled";')],
  },
  {
    id: "trap-unmapped-accesses",
    rule: "boot/trap-unmapped-accesses",
    domains: [guest("g", "trap-unmapped-accesses = <2>;")],
  },
  {
    id: "grant-frames-overflow",
    rule: "boot/grant-frames-overflow",
    domains: [guest("g", "max_grant_frames = <0x80000000>;")],
  },
  { id: "grant-version", rule: "boot/grant-version", domains: [guest("g", "max_grant_version = <2>;")] },
];

/** What lint predicts: the boot rules' errors (Xen stops at the first it meets), with their text. */
export interface Prediction {
  readonly errors: readonly { code: string; message: string; expect: string }[];
}

/**
 * The text Xen's panic must hold for a finding: the message the rule quotes (`Xen panics "…"`), or,
 * where domain_create() refuses the domain, dom0less-build.c's `Error creating domain <name>`
 * (xen/common/device-tree/dom0less-build.c:893-896 at RELEASE-4.22.0).
 */
export function expectedPanic(d: Pick<Diagnostic, "message">): string {
  const quoted = /panics\s*"((?:[^"\\]|\\.)*)"/.exec(d.message);
  if (quoted) return (quoted[1] as string).replace(/\\(.)/g, "$1");
  const refused = /^`([^`]+)`.*domain_create\(\) refuses/.exec(d.message);
  if (refused) return `Error creating domain ${refused[1]}`;
  return d.message;
}

export function predict(tree: DeviceTree, config?: XenConfig): Prediction {
  const dts = systemFromDeviceTree(tree, { ...(config && { config }) });
  const errors = [...dts.findings, ...checkBootRules(dts)]
    .filter((d) => d.severity === "error")
    .map((d) => ({ code: d.code, message: d.message, expect: expectedPanic(d) }));
  return { errors };
}

/** What Xen did: its panic (the lines between the banners) and the domains that came up. */
export interface XenVerdict {
  readonly panic?: readonly string[];
  readonly up: number;
}

export interface VerdictCell {
  readonly id: string;
  readonly rule: string;
  readonly agree: boolean;
  readonly xen: string;
  readonly model: string;
  /** the finding whose message Xen's panic holds */
  readonly hit?: string;
}

/** Lint's prediction against Xen's verdict for a system of `n` domains. */
export function compareVerdict(c: VerdictCase, p: Prediction, x: XenVerdict): VerdictCell {
  const n = c.domains.length;
  const xen = x.panic ? `panic: ${x.panic.join(" / ")}` : `${x.up}/${n} domains up`;
  if (p.errors.length === 0)
    return {
      id: c.id,
      rule: c.rule,
      agree: !x.panic && x.up === n,
      xen,
      model: "clean: every domain comes up",
    };
  const text = x.panic?.join("\n") ?? "";
  const hit = p.errors.find((e) => text.includes(e.expect));
  return {
    id: c.id,
    rule: c.rule,
    agree: hit !== undefined,
    ...(hit && { hit: hit.code }),
    xen,
    model: p.errors.map((e) => `${e.code}: panic "${e.expect}"`).join("; "),
  };
}
