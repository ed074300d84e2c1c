import type { OptionEntry } from "./option-catalogue.js";

export const LOCKDOWN_MODEL_IDS = ["none", "summit", "variant-a", "variant-b"] as const;
export type LockdownModelId = (typeof LOCKDOWN_MODEL_IDS)[number];
/** The model a question about lockdown is answered under unless told: the summit design (xen-devel 2025-09/msg01083). */
export const DEFAULT_LOCKDOWN_MODEL: LockdownModelId = "summit";

/** A way Xen could decide lockdown: no upstream Xen has one (reference §0, §3). */
export interface LockdownModel {
  readonly id: LockdownModelId;
  readonly title: string;
  readonly ref: string;
  /** the `lockdown` registration the model adds to the table (none: Xen 4.22.0 has no such option) */
  readonly entry?: OptionEntry;
  /** the line is scanned for `lockdown` before any option is parsed */
  readonly preScan: boolean;
  /** the built-in line and a signed image's line are not filtered */
  readonly trustedExempt: boolean;
}

const lockdownEntry = (type: "ignore" | "custom", ref: string, handler?: string): OptionEntry => ({
  name: "lockdown",
  type,
  runtime: "boot",
  arch: null,
  guards: [],
  builds: { x86: true, arm: true, arm32: true },
  ref,
  ...(handler && { handler }),
});

export const LOCKDOWN_MODELS: Readonly<Record<LockdownModelId, LockdownModel>> = {
  none: {
    id: "none",
    title: "Xen as released: no lockdown",
    ref: "reference §0: nothing of lockdown is upstream",
    preScan: false,
    trustedExempt: false,
  },
  summit: {
    id: "summit",
    title:
      "the intended design (Xen Summit 2025): Secure Boot forces it on, the option only turns it on, trusted lines unfiltered",
    ref: "xen-devel 2025-09/msg01083 (summit notes)",
    entry: lockdownEntry("custom", "xen-devel 2025-09/msg01083 (summit notes)", "lockdown (on only)"),
    preScan: false,
    trustedExempt: true,
  },
  "variant-a": {
    id: "variant-a",
    title: "variant A (2025-05, 2026-06): the bootloader line is scanned first, the first match wins",
    ref: "xen-devel 20250512195628.1728455-3-kevin.lampis@cloud.com; 20260602164911.2684471-2-kevin.lampis@citrix.com",
    entry: lockdownEntry("ignore", "xen-devel 20250512195628.1728455-3-kevin.lampis@cloud.com"),
    preScan: true,
    trustedExempt: false,
  },
  "variant-b": {
    id: "variant-b",
    title:
      "variant B (v2, 2025-06): a custom parameter applied in order; `no…` turns it off, anything else on",
    ref: "xen-devel 20250602134656.3836280-3-kevin.lampis@cloud.com",
    entry: lockdownEntry(
      "custom",
      "xen-devel 20250602134656.3836280-3-kevin.lampis@cloud.com",
      "parse_lockdown_opt",
    ),
    preScan: false,
    trustedExempt: false,
  },
};
