import { type Decision, evaluateCall, type PrivcmdFacts } from "./evaluate-call.js";
import type { Condition } from "./filter-facts.js";
import type { HypercallCatalogue } from "./hypercall-catalogue.js";
import type { PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";
import { xenServerRule } from "./xenserver-rule.js";

export type Outcome =
  | { readonly action: "allow"; readonly ref?: string }
  | { readonly action: "deny"; readonly errno: string; readonly ref?: string }
  /** each entry is decided as a call of its own, one level deeper; past `maxDepth` the errno */
  | { readonly action: "multicall"; readonly maxDepth: number; readonly errno: string; readonly ref: string };

/** What one (hypercall, sub-op) gets: its checks on the arguments in order, the first failing one's errno, else the outcome. */
export interface Verdict {
  readonly checks: readonly Condition[];
  readonly outcome: Outcome;
}

export interface ProgramSubop {
  readonly name: string;
  readonly value: number;
  readonly verdict: Verdict;
}

export interface ProgramHypercall {
  readonly name: string;
  readonly number: number;
  readonly subops: readonly ProgramSubop[];
  /** a sub-op value the catalogue does not define, or the call of a hypercall without sub-ops */
  readonly other: Verdict;
  /** the bits of the sub-op number the filter compares (`0x3f` for XenServer's memory_op), with their line */
  readonly subopMask?: { readonly mask: string; readonly ref: string };
  /**
   * sub-ops whose number no readable source gives (an overlay's unverified one): no table over numbers
   * can hold them, so they are listed with their verdict and why, for whoever completes the table
   */
  readonly unnumbered?: readonly { readonly name: string; readonly why: string; readonly verdict: Verdict }[];
}

/**
 * A profile as the decisions a kernel filter makes on IOCTL_PRIVCMD_HYPERCALL, per hypercall
 * and sub-op of a catalogue, before and after reading the arguments: the one source of the
 * compiled table, the listing, the C header and the JSON export.
 */
export interface FilterProgram {
  readonly kind: "privcmd-filter-program";
  readonly profile: { readonly id: string; readonly title: string };
  readonly xen: string;
  /** the caller the decisions hold for */
  readonly context: string;
  /** the other ioctls, on an unrestricted fd; HYPERCALL is decided by `hypercalls` */
  readonly ioctls: readonly { readonly name: string; readonly nr: number; readonly outcome: Outcome }[];
  /** an ioctl privcmd does not know */
  readonly unknownIoctl: Outcome;
  readonly hypercalls: readonly ProgramHypercall[];
  readonly unknownHypercall: Verdict;
}

/** A sub-op value no catalogue defines, to ask the profile what an unknown sub-op gets. */
export const UNKNOWN_SUBOP = "\u0000unknown";
const UNKNOWN_HYPERCALL = "\u0000unknown-hypercall";

// a locked-down dom0 on an fd nobody restricted: XenServer filters only then, RESTRICT would refuse every hypercall
const CONTEXT: PrivcmdContext = { domain: "dom0", lockedDown: true };

/** Whether the verdict reads the call's arguments, so that a table entry cannot hold it. */
export const isConditional = (v: Verdict): boolean =>
  v.outcome.action === "multicall" || v.checks.some((c) => c.kind !== "other");

export function buildFilterProgram(
  profile: Profile,
  catalogue: HypercallCatalogue,
  facts: PrivcmdFacts,
): FilterProgram {
  const verdict = (hypercall: string, subop?: string): Verdict => {
    const d = evaluateCall(
      { ioctl: "HYPERCALL", hypercall, ...(subop !== undefined && { subop }) },
      CONTEXT,
      profile,
      facts,
    );
    // only the XenServer filter reads arguments; its case says which, in order
    if (profile.kind !== "xenserver" || !d.readArguments) return { checks: [], outcome: outcomeOf(d) };
    return xenServerVerdict(profile.facts, hypercall, subop);
  };
  return {
    kind: "privcmd-filter-program",
    profile: { id: profile.id, title: profile.title },
    xen: catalogue.xen,
    context: "IOCTL_PRIVCMD_HYPERCALL on an fd no RESTRICT narrowed, in a locked-down dom0",
    ioctls: facts.linux.ioctls
      .filter((i) => i.name !== "HYPERCALL")
      .map((i) => ({
        name: i.name,
        nr: i.nr,
        outcome: outcomeOf(evaluateCall({ ioctl: i.name, dom: 1 }, CONTEXT, profile, facts)),
      })),
    unknownIoctl: outcomeOf(evaluateCall({ ioctl: "\u0000unknown" }, CONTEXT, profile, facts)),
    hypercalls: catalogue.hypercalls.map((h) => ({
      name: h.name,
      number: h.number,
      ...maskOf(profile, h.name),
      // a sub-op without a number (an overlay's unverified one) cannot be a row of a table over numbers
      subops: h.subops.flatMap((s) =>
        s.value === undefined ? [] : [{ name: s.name, value: s.value, verdict: verdict(h.name, s.name) }],
      ),
      other: h.subops.length ? verdict(h.name, UNKNOWN_SUBOP) : verdict(h.name),
      ...unnumbered(h, verdict),
    })),
    unknownHypercall: verdict(UNKNOWN_HYPERCALL),
  };
}

function unnumbered(
  h: HypercallCatalogue["hypercalls"][number],
  verdict: (hypercall: string, subop?: string) => Verdict,
): Pick<ProgramHypercall, "unnumbered"> {
  const list = h.subops.flatMap((s) =>
    s.value === undefined
      ? [{ name: s.name, why: s.overlay?.unverified ?? "no number", verdict: verdict(h.name, s.name) }]
      : [],
  );
  return list.length ? { unnumbered: list } : {};
}

/** The sub-op mask the profile's filter applies to a hypercall (only XenServer's masks). */
function maskOf(profile: Profile, hypercall: string): { subopMask?: { mask: string; ref: string } } {
  if (profile.kind !== "xenserver") return {};
  const m = profile.facts.hypercalls.find((x) => x.hypercall === hypercall)?.subopMask;
  return m ? { subopMask: { mask: m.mask, ref: m.ref } } : {};
}

/** A decision that read no argument, with its decisive step's reference: the failure, or the last check passed. */
function outcomeOf(d: Decision): Outcome {
  const ref = d.steps.findLast((s) => s.outcome === (d.allowed ? "pass" : "fail") && s.ref)?.ref;
  return d.allowed
    ? { action: "allow", ...(ref && { ref }) }
    : { action: "deny", errno: d.errno ?? "EPERM", ...(ref && { ref }) };
}

/** filter-hypercall.c's case for the operation: the conditions it checks, in the order it checks them. */
function xenServerVerdict(
  f: Extract<Profile, { kind: "xenserver" }>["facts"],
  hypercall: string,
  subop: string | undefined,
): Verdict {
  const rule = xenServerRule(f, hypercall, subop);
  switch (rule.kind) {
    case "multicall":
      return {
        checks: rule.hypercall?.conditions ?? [],
        outcome: {
          action: "multicall",
          maxDepth: f.multicall.maxDepth,
          errno: f.multicall.nestedErrno,
          ref: f.multicall.ref,
        },
      };
    case "unlisted":
      return {
        checks: [],
        outcome: { action: "deny", errno: f.unknownHypercall.errno, ref: f.unknownHypercall.ref },
      };
    case "listed": {
      const { hypercall: h, sub } = rule;
      const whole = h.conditions ?? [];
      if (sub === "all") return { checks: whole, outcome: { action: "allow", ref: h.ref } };
      if (!sub) return { checks: whole, outcome: { action: "deny", errno: h.deniedErrno, ref: h.deniedRef } };
      return { checks: [...whole, ...sub.conditions], outcome: { action: "allow", ref: sub.ref } };
    }
  }
}
