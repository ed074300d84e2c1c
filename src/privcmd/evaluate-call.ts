import type { Condition, FilteredHypercall, LinuxPrivcmd, XenServerFilter } from "./filter-facts.js";
import type { HypercallCatalogue, OverlayMark } from "./hypercall-catalogue.js";
import type { PrivcmdCall, PrivcmdContext } from "./privcmd-call.js";
import type { Profile } from "./profile.js";
import { xenServerRule } from "./xenserver-rule.js";

/** xen/include/public/xen.h:619 at RELEASE-4.22.0: the idle domain, which no hypercall may target. */
export const DOMID_IDLE = 0x7fff;

/** One check on the path to a decision, as `seccomp-tools emu` prints the instructions it ran. */
export interface Step {
  readonly what: string;
  readonly outcome: "pass" | "fail" | "note";
  readonly ref?: string;
}

export interface Decision {
  readonly allowed: boolean;
  /** the errno name the process gets when denied */
  readonly errno?: string;
  readonly steps: readonly Step[];
  /** RESTRICT: the fd's restriction after the call */
  readonly restrictedTo?: number;
  /** the verdict read the call's arguments (a condition, a multicall's entries), not only its numbers */
  readonly readArguments?: boolean;
}

/** The facts the emulator reads, loaded once. */
export interface PrivcmdFacts {
  readonly linux: LinuxPrivcmd;
  /** names a masked sub-op number (memory_op 326 → 6, populate_physmap); without it the number stays a number */
  readonly hypercalls?: HypercallCatalogue;
}

const deny = (steps: Step[], errno: string, restrictedTo?: number): Decision => ({
  allowed: false,
  errno,
  steps,
  ...(restrictedTo !== undefined && { restrictedTo }),
});

/** The fd's restriction before the call: the context's, or XSA-482's in a domU. */
function initialRestriction(ctx: PrivcmdContext, linux: LinuxPrivcmd, steps: Step[]): number | undefined {
  if (ctx.restrictedTo !== undefined) {
    steps.push({
      what: `the fd is restricted to domain ${ctx.restrictedTo} (IOCTL_PRIVCMD_RESTRICT)`,
      outcome: "note",
      ref: linux.restrict.ref,
    });
    return ctx.restrictedTo;
  }
  if (ctx.domain === "dom0") {
    steps.push({
      what: `dom0: the fd starts unrestricted (${linux.restrict.initialDom0})`,
      outcome: "note",
      ref: linux.restrict.ref,
    });
    return undefined;
  }
  const ref = linux.domU.refs.join(", ");
  if (ctx.unrestricted && !ctx.lockedDown) {
    steps.push({
      what: `domU with ${linux.domU.unrestrictedParam} and no lockdown: the fd starts unrestricted`,
      outcome: "note",
      ref,
    });
    return undefined;
  }
  if (ctx.unrestricted)
    steps.push({
      what: `${linux.domU.unrestrictedParam} is ignored: the kernel is locked down (${linux.domU.lockdownReason})`,
      outcome: "note",
      ref,
    });
  if (ctx.xsTarget !== undefined) {
    steps.push({
      what: `domU: the fd starts restricted to Xenstore's target, domain ${ctx.xsTarget} (${linux.domU.initial})`,
      outcome: "note",
      ref,
    });
    return ctx.xsTarget;
  }
  steps.push({
    what: `domU without a Xenstore target: the fd is restricted to DOMID_IDLE (${linux.domU.missingTarget})`,
    outcome: "note",
    ref,
  });
  return DOMID_IDLE;
}

/** Whether a XenServer condition holds for the call; absent inputs fail closed, as the filter would. */
function conditionHolds(
  c: Condition,
  call: PrivcmdCall,
  depth: number,
  ctx: PrivcmdContext,
): { holds: boolean; what: string; errno?: string; ref?: string } {
  switch (c.kind) {
    case "target-not-dom0":
      return call.dom === undefined
        ? { holds: false, what: "the target domain is not given (it must not be domain 0)" }
        : { holds: call.dom !== 0, what: `the target is domain ${call.dom}, which must not be domain 0` };
    case "field-zero": {
      // `u.createdomain.altp2m_opts` may be given as `altp2m_opts`
      const v = call.fields?.[c.field] ?? call.fields?.[c.field.split(".").at(-1) ?? ""] ?? 0;
      return { holds: v === 0, what: `${c.field} = ${v} must be 0` };
    }
    case "inner-subops":
      return call.inner === undefined
        ? { holds: false, what: `${c.field} is not given; allowed: ${c.allowed.join(", ")}` }
        : {
            holds: c.allowed.includes(call.inner),
            what: `${c.field} ${call.inner} must be one of ${c.allowed.join(", ")}`,
          };
    case "signed-image":
      // the kernel's build decides: without the option the filter refuses every image
      if (ctx.kexecSignatureCheck === false)
        return {
          holds: false,
          what: `the kernel is built without ${c.config}: every image is refused`,
          errno: c.withoutConfig.errno,
          ref: c.withoutConfig.ref,
        };
      return {
        holds: call.signed === true,
        what: `${c.config}: segment 0 ${call.signed ? "carries" : "does not carry"} a valid signature`,
      };
    case "pci-device":
      return {
        holds: call.pci === true,
        what: `the device ${call.pci ? "is" : "is not known to be"} a PCI device`,
      };
    case "not-in-multicall":
      return {
        holds: depth === 0,
        what: depth ? "refused inside a multicall" : "a hypercall of its own, not a multicall entry",
      };
    case "other":
      return { holds: true, what: `${c.what} (not evaluated)` };
  }
}

/**
 * The sub-op the filter compares: a number given for a hypercall whose sub-op the filter masks is cut to
 * the mask's bits (memory_op 326 is 6, populate_physmap), and named from the catalogue when it has the name.
 */
function maskedSubop(
  f: XenServerFilter,
  call: PrivcmdCall,
  steps: Step[],
  hypercalls: HypercallCatalogue | undefined,
): string | undefined {
  const h: FilteredHypercall | undefined = f.hypercalls.find((x) => x.hypercall === call.hypercall);
  if (!h?.subopMask || call.subopValue === undefined) return call.subop;
  const masked = Number(BigInt(call.subopValue) & BigInt(h.subopMask.mask));
  if (masked === call.subopValue) return call.subop;
  const name =
    hypercalls?.hypercalls.find((x) => x.name === h.hypercall)?.subops.find((x) => x.value === masked)
      ?.name ?? String(masked);
  steps.push({
    what: `${h.hypercall}'s sub-op is ${call.subopValue} & ${h.subopMask.mask} = ${masked} (${name}): ${h.subopMask.what}`,
    outcome: "note",
    ref: h.subopMask.ref,
  });
  return name;
}

/** The words for what decides an overlay operation in XenServer's Xen. */
export function overlayDecides(mark: OverlayMark): string {
  return "what" in mark.decidedBy ? mark.decidedBy.what : `unverified: ${mark.decidedBy.unverified}`;
}

/**
 * Says that an operation comes from XenServer's overlay (it is not in upstream's headers): its number
 * or why that is unverified, and what decides it in XenServer's Xen.
 */
function overlayNote(
  hypercalls: HypercallCatalogue | undefined,
  name: string,
  subop: string | undefined,
  steps: Step[],
): void {
  const h = hypercalls?.hypercalls.find((x) => x.name === name);
  const s = subop === undefined ? undefined : h?.subops.find((x) => x.name === subop);
  const mark = s?.overlay ?? h?.overlay;
  if (!h || !mark) return;
  const id = s ? `${name}/${s.name}` : name;
  const number = s
    ? s.value === undefined
      ? `${s.constant}: number unverified (${mark.unverified})`
      : `${s.constant} = ${s.value}`
    : `__HYPERVISOR_${name} = ${h.number}`;
  steps.push({
    what: `${id} is from the XenServer overlay (${mark.source}), not upstream's headers: ${number}; XenServer's Xen: ${overlayDecides(mark)}`,
    outcome: "note",
    ref: s?.ref ?? h.ref,
  });
}

/** The XenServer filter on one hypercall (filter-hypercall.c), recursing into multicalls. */
function xenServerHypercall(
  f: XenServerFilter,
  call: PrivcmdCall,
  depth: number,
  steps: Step[],
  read: { arguments: boolean },
  ctx: PrivcmdContext,
  hypercalls: HypercallCatalogue | undefined,
): string | undefined {
  const name = call.hypercall ?? "";
  const subop = maskedSubop(f, call, steps, hypercalls);
  overlayNote(hypercalls, name, subop, steps);
  const rule = xenServerRule(f, name, subop);
  if (rule.kind === "multicall") {
    read.arguments = true;
    if (depth >= f.multicall.maxDepth) {
      steps.push({
        what: `a multicall inside a multicall (depth ${depth + 1} > ${f.multicall.maxDepth})`,
        outcome: "fail",
        ref: f.multicall.ref,
      });
      return f.multicall.nestedErrno;
    }
    steps.push({
      what: `multicall: each of its ${call.entries?.length ?? 0} entries is filtered`,
      outcome: "pass",
      ref: f.multicall.ref,
    });
    for (const [i, entry] of (call.entries ?? []).entries()) {
      steps.push({
        what: `entry ${i}: ${entry.hypercall ?? "?"}${entry.subop ? `/${entry.subop}` : ""}`,
        outcome: "note",
      });
      const errno = xenServerHypercall(f, entry, depth + 1, steps, read, ctx, hypercalls);
      if (errno) return errno;
    }
    return undefined;
  }
  if (rule.kind === "unlisted") {
    steps.push({ what: `${name} is not in the filter's list`, outcome: "fail", ref: f.unknownHypercall.ref });
    return f.unknownHypercall.errno;
  }
  const h = rule.hypercall;
  steps.push({ what: `${name} is in the filter's list`, outcome: "pass", ref: h.ref });
  const check = (conditions: readonly Condition[]) => {
    for (const c of conditions) {
      if (c.kind !== "other" && c.kind !== "not-in-multicall") read.arguments = true;
      const r = conditionHolds(c, call, depth, ctx);
      steps.push({ what: r.what, outcome: r.holds ? "pass" : "fail", ref: r.ref ?? c.ref });
      if (!r.holds && c.kind !== "other") return r.errno ?? c.errno;
    }
    return undefined;
  };
  const whole = check(h.conditions ?? []);
  if (whole) return whole;
  const sub = rule.sub;
  if (sub === "all") {
    steps.push({ what: `every sub-op of ${name} is allowed`, outcome: "pass", ref: h.ref });
    return undefined;
  }
  if (!sub) {
    steps.push({
      what: `${name}/${subop ?? "(none)"} is not allowed`,
      outcome: "fail",
      ref: h.deniedRef,
    });
    return h.deniedErrno;
  }
  steps.push({
    what: `${name}/${sub.subop} is allowed${sub.bounced ? " (its structure is bounced into kernel memory)" : ""}`,
    outcome: "pass",
    ref: sub.ref,
  });
  return check(sub.conditions);
}

/** What the profile's filter does with a call privcmd let through; undefined when it allows it. */
function filter(
  profile: Profile,
  ctx: PrivcmdContext,
  ioctl: string,
  call: PrivcmdCall,
  steps: Step[],
  read: { arguments: boolean },
  hypercalls: HypercallCatalogue | undefined,
): string | undefined {
  switch (profile.kind) {
    case "none":
      steps.push({ what: `profile ${profile.id}: no filter`, outcome: "pass" });
      return undefined;
    case "xenserver":
      if (ioctl !== "HYPERCALL") {
        steps.push({
          what: `profile ${profile.id}: the filter sees only IOCTL_PRIVCMD_HYPERCALL`,
          outcome: "pass",
        });
        return undefined;
      }
      if (profile.facts.appliesWhen) {
        const a = profile.facts.appliesWhen;
        const unverified = a.unverified ? ` (unverified: ${a.unverified})` : "";
        if (!ctx.lockedDown) {
          steps.push({
            what: `the kernel is not locked down (${a.lockdownReason}): the filter is off${unverified}`,
            outcome: "pass",
            ref: a.ref,
          });
          return undefined;
        }
        steps.push({
          what: `the kernel is locked down (${a.lockdownReason}): the filter runs${unverified}`,
          outcome: "note",
          ref: a.ref,
        });
      }
      return xenServerHypercall(profile.facts, call, 0, steps, read, ctx, hypercalls);
    case "pointer-free": {
      if (ioctl !== "HYPERCALL") {
        steps.push({
          what: `profile ${profile.id}: ${ioctl} carries its domid where the kernel checks it`,
          outcome: "pass",
        });
        return undefined;
      }
      const id = call.subop ? `${call.hypercall}/${call.subop}` : (call.hypercall ?? "");
      const ok = profile.allowed.has(id);
      steps.push({
        what: ok
          ? `${id} is control-plane and its arguments hold no guest pointer`
          : `${id} is not a pointer-free control-plane operation`,
        outcome: ok ? "pass" : "fail",
      });
      return ok ? undefined : profile.errno;
    }
    case "rules": {
      for (const r of profile.rules) {
        const matches =
          r.ioctl === ioctl &&
          (r.hypercall === undefined || r.hypercall === call.hypercall) &&
          (r.subops === undefined || (call.subop !== undefined && r.subops.includes(call.subop)));
        if (!matches) continue;
        steps.push({
          what: `rule at ${r.at}: ${r.action}`,
          outcome: r.action === "allow" ? "pass" : "fail",
          ref: r.at,
        });
        return r.action === "allow" ? undefined : r.errno;
      }
      steps.push({
        what: `no rule matches: the default is ${profile.defaultAction}`,
        outcome: profile.defaultAction === "allow" ? "pass" : "fail",
      });
      return profile.defaultAction === "allow" ? undefined : profile.defaultErrno;
    }
  }
}

/**
 * What one privcmd call gets: the kernel's own checks (the ioctl, the fd's restriction, DM_OP's
 * limits), then the profile's filter. Every step says what it checked and where.
 */
export function evaluateCall(
  call: PrivcmdCall,
  ctx: PrivcmdContext,
  profile: Profile,
  facts: PrivcmdFacts,
): Decision {
  const { linux } = facts;
  const steps: Step[] = [];
  const restricted = initialRestriction(ctx, linux, steps);
  const ioctl = linux.ioctls.find((i) => i.name === call.ioctl);
  if (!ioctl) {
    steps.push({
      what: `IOCTL_PRIVCMD_${call.ioctl} is not a privcmd ioctl: privcmd_ioctl's default case`,
      outcome: "fail",
      ref: "drivers/xen/privcmd.c#privcmd_ioctl",
    });
    return deny(steps, "ENOTTY", restricted);
  }
  steps.push({ what: `IOCTL_PRIVCMD_${ioctl.name} (${ioctl.definition})`, outcome: "pass", ref: ioctl.ref });
  if (ioctl.name === "RESTRICT") {
    if (call.dom === undefined) {
      steps.push({ what: "RESTRICT needs the domid (--dom)", outcome: "fail" });
      return deny(steps, "EINVAL", restricted);
    }
    if (restricted !== undefined && restricted !== call.dom) {
      steps.push({
        what: `already restricted to ${restricted}: another domid is refused`,
        outcome: "fail",
        ref: linux.restrict.ref,
      });
      return deny(steps, linux.restrict.changeErrno, restricted);
    }
    steps.push({
      what: `the fd is now restricted to domain ${call.dom}`,
      outcome: "pass",
      ref: linux.restrict.ref,
    });
    return { allowed: true, steps, restrictedTo: call.dom };
  }
  if (restricted !== undefined) {
    if (ioctl.restricted === "always-eperm") {
      steps.push({
        what: `a restricted fd may not use ${ioctl.name}`,
        outcome: "fail",
        ref: ioctl.restrictedRef,
      });
      return deny(steps, "EPERM", restricted);
    }
    if (ioctl.restricted === "eperm-if-other-dom") {
      const ok = call.dom === restricted;
      steps.push({
        what: `${ioctl.domField ?? "dom"} ${call.dom ?? "(not given)"} ${ok ? "is" : "is not"} the restricted domain ${restricted}`,
        outcome: ok ? "pass" : "fail",
        ref: ioctl.restrictedRef,
      });
      if (!ok) return deny(steps, "EPERM", restricted);
    }
  }
  if (ioctl.name === "DM_OP") {
    const { maxBufs, maxBufSize, ref } = linux.dmOp;
    if ((call.bufs ?? 1) > maxBufs || (call.bufSize ?? 0) > maxBufSize) {
      steps.push({
        what: `DM_OP takes at most ${maxBufs} buffers of ${maxBufSize} bytes`,
        outcome: "fail",
        ref,
      });
      return deny(steps, "E2BIG", restricted);
    }
  }
  const read = { arguments: false };
  const errno = filter(profile, ctx, ioctl.name, call, steps, read, facts.hypercalls);
  const flag = read.arguments ? { readArguments: true } : {};
  if (errno) return { ...deny(steps, errno, restricted), ...flag };
  steps.push({ what: "the call reaches Xen, whose XSM check decides next", outcome: "pass" });
  return { allowed: true, steps, ...(restricted !== undefined && { restrictedTo: restricted }), ...flag };
}
