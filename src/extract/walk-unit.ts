// One hypercall on one arch walked (walker.ts, or the memo's walks): its sub-ops' paths, through the
// HVM/PVH wrapper where it has one. A unit is what a thread walks at a time: operations.ts makes the
// catalogue's operations of every unit's paths, in the table's order, whichever thread walked them.
import type { Cond } from "../catalog/schema.js";
import type { CalleeMemo } from "./callee-memo.js";
import type { HypercallEntry } from "./hypercall-table.js";
import type { Role } from "./roles.js";
import type { Unresolved } from "./unresolved.js";
import type { WalkMemo, WalkQuestion } from "./walk-memo.js";
import {
  type FoundCheck,
  type HookShape,
  type LookupFailure,
  PathWalker,
  type WalkResult,
} from "./walker.js";
import { type Arch, type CFunction, definitionsOn, offByDefault, type XenTree } from "./xen-tree.js";

export interface SubopPath {
  readonly checks: FoundCheck[];
  /** where the sub-op is dispatched */
  readonly ref: string;
  /** `CONFIG_*` guards of its case label */
  readonly guards: readonly string[];
  readonly failures: LookupFailure[];
  /** system domains each variable can be when the guest names them */
  readonly systemTargets: ReadonlyMap<string, ReadonlySet<string>>;
  readonly required: readonly Role[];
  /** the sub-op constants a whole-hypercall path stands for */
  readonly commands?: readonly string[];
}

/** What one hypercall yields on one arch: its sub-ops and their checks. */
export interface ArchPaths {
  readonly arch: Arch;
  /** the entry point's `CONFIG_*` guards */
  readonly entryGuards: readonly string[];
  /** sub-op constant (or null for a hypercall without sub-ops) -> checks and where it is dispatched */
  readonly subops: Map<string | null, SubopPath>;
}

/** The expression that holds the sub-op number on entry: the `cmd`/`op` parameter or `X->cmd`. */
export function discriminantOf(entry: CFunction): string | null {
  for (const p of ["cmd", "op"]) if (entry.params.includes(p)) return p;
  for (const sw of entry.body.descendantsOfType("switch_statement")) {
    const t = sw?.childForFieldName("condition")?.text.replace(/[\s()]/g, "") ?? "";
    if (/^\w+(->|\.)cmd$/.test(t)) return t;
  }
  return null;
}

export const sameCheck = (a: FoundCheck, b: FoundCheck): boolean =>
  a.ref === b.ref && JSON.stringify(a) === JSON.stringify(b);

/** A walk's findings as the path of one sub-op (or of the whole hypercall). */
const pathOf = (r: WalkResult, checks: FoundCheck[], ref: string, guards: readonly string[]): SubopPath => ({
  checks,
  ref,
  guards,
  failures: r.lookupFailures,
  systemTargets: r.systemTargets,
  required: r.required,
});

/** One walk (walker.ts), or the memo's (walk-memo.ts). */
type Walk = (q: WalkQuestion) => WalkResult;

function walkArch(walk: Walk, arch: Arch, entry: CFunction, unresolved: Unresolved[]): ArchPaths {
  const disc = discriminantOf(entry);
  const subops: ArchPaths["subops"] = new Map();
  const all = walk({ arch, label: null, entry, disc: disc ? [disc] : [] });
  unresolved.push(...all.unresolved);
  const wholeRef = `${entry.file}:${entry.line}`;
  if (!disc || all.labels.size === 0) {
    subops.set(null, pathOf(all, all.checks, wholeRef, []));
    return { arch, entryGuards: entry.guards, subops };
  }
  let dropped = 0;
  for (const [label, { ref, guards }] of all.labels) {
    const r = walk({ arch, label, entry, disc: [disc] });
    if (r.unsupported) {
      dropped++;
      continue;
    }
    subops.set(label, pathOf(r, r.checks, ref, guards));
  }
  // One rule for every sub-op (kexec_op, hypfs_op): the hypercall is one operation. Not when the
  // arch lacks some of them or has only one (Arm's platform_op): they stay the sub-ops they are on the
  // other arch.
  const lists = [...subops.values()].map((s) => s.checks);
  const first = lists[0] ?? [];
  if (
    dropped === 0 &&
    lists.length > 1 &&
    first.length > 0 &&
    lists.every((l) => l.length === first.length && l.every((c, i) => sameCheck(c, first[i] as FoundCheck)))
  ) {
    return {
      arch,
      entryGuards: entry.guards,
      subops: new Map([
        [
          null,
          {
            ...pathOf(all, first, wholeRef, []),
            // which sub-ops it stands for, so a diff sees one come or go (kexec's v1 ops, 7702e782f3)
            commands: [...subops.keys()].filter((k): k is string => k !== null),
          },
        ],
      ]),
    };
  }
  return { arch, entryGuards: entry.guards, subops };
}

const withoutVia = (c: FoundCheck): string => JSON.stringify({ ...c, via: undefined });

/** Checks only one kind of caller meets: `caller.pv` or `caller.hvm-like` first in their conditions. */
const onlyFor = (c: FoundCheck, atom: Cond): FoundCheck => ({ ...c, when: [atom, ...c.when] });

/**
 * The checks of a sub-op for PV callers and for HVM/PVH callers, who enter through a wrapper: the
 * checks both make (in the order they make them) hold for all, the others for their callers only.
 */
function mergeByCaller(pv: readonly FoundCheck[], hvm: readonly FoundCheck[]): FoundCheck[] {
  const pvKeys = pv.map(withoutVia);
  const out: FoundCheck[] = [];
  let i = 0;
  for (const c of hvm) {
    const at = pvKeys.indexOf(withoutVia(c), i);
    if (at < 0) {
      out.push(onlyFor(c, "caller.hvm-like"));
      continue;
    }
    for (; i < at; i++) out.push(onlyFor(pv[i] as FoundCheck, "caller.pv"));
    out.push(pv[at] as FoundCheck);
    i = at + 1;
  }
  for (; i < pv.length; i++) out.push(onlyFor(pv[i] as FoundCheck, "caller.pv"));
  return out;
}

/**
 * x86 HVM and PVH guests enter some hypercalls through a wrapper of their own that lets only some
 * sub-ops through (hvm_physdev_op(), hvm_grant_table_op(), hvm_memory_op() in
 * xen/arch/x86/hvm/hypercall.c at RELEASE-4.22.0): each sub-op is walked again from the wrapper. A
 * sub-op the wrapper refuses on every path is a gate for those callers before the PV path's checks.
 */
function throughHvmWrapper(
  walk: Walk,
  pv: ArchPaths,
  wrapper: CFunction,
  unresolved: Unresolved[],
): ArchPaths {
  const disc = discriminantOf(wrapper);
  if (!disc) return pv;
  const subops: ArchPaths["subops"] = new Map();
  for (const [label, path] of pv.subops) {
    if (label === null) {
      subops.set(label, path);
      continue;
    }
    const r = walk({ arch: "x86", label, entry: wrapper, disc: [disc] });
    unresolved.push(...r.unresolved);
    const refused = r.unsupported;
    const checks: FoundCheck[] = refused
      ? [
          { kind: "gate", require: { not: "caller.hvm-like" }, when: [], via: [wrapper.name], ...refused },
          ...path.checks,
        ]
      : mergeByCaller(path.checks, r.checks);
    subops.set(label, { ...path, checks, failures: [...path.failures, ...r.lookupFailures] });
  }
  return { ...pv, subops };
}

/**
 * Walks one arch of one hypercall: its sub-ops' paths, through the HVM/PVH wrapper where it has one;
 * none where the arch has no entry point. What it cannot read goes to `unresolved`.
 */
function walkUnit(
  tree: XenTree,
  hc: HypercallEntry,
  arch: Arch,
  walk: Walk,
  unresolved: Unresolved[],
): ArchPaths | undefined {
  const name = arch === "arm" ? hc.entry.arm : (hc.entry.x86pv ?? hc.entry.x86hvm?.replace(/^hvm_/, "do_"));
  if (!name) return undefined;
  const defs = definitionsOn(tree, name, arch);
  const entry = defs.find((f) => f.arch === arch) ?? defs[0];
  if (!entry) {
    unresolved.push({
      ref: hc.ref,
      what: `hypercall ${hc.name} on ${arch}`,
      reason: `entry point \`${name}\` not found in the tree`,
    });
    return undefined;
  }
  const paths = walkArch(walk, arch, entry, unresolved);
  const wrapper =
    arch === "x86" && hc.entry.x86pv && hc.entry.x86hvm && hc.entry.x86hvm !== hc.entry.x86pv
      ? definitionsOn(tree, hc.entry.x86hvm, arch)[0]
      : undefined;
  return wrapper ? throughHvmWrapper(walk, paths, wrapper, unresolved) : paths;
}

/** One hypercall of the table on one arch. */
export interface Unit {
  readonly hc: HypercallEntry;
  readonly arch: Arch;
}

/** What walking a unit gives: its paths (none where the arch has no entry point), what it could not read. */
export interface UnitWalk {
  readonly paths?: ArchPaths;
  readonly unresolved: Unresolved[];
}

/**
 * The units of the table, in its order: each row the catalogue has, on each of its arches. Of a
 * `#if defined(CONFIG_GRANT_TABLE)` row and its `#elif defined(CONFIG_PV_SHIM)` row
 * (xen/include/hypercall-defs.c:252-256 at RELEASE-4.22.0), one hypercall, the build's row.
 */
export function unitsOf(table: readonly HypercallEntry[]): Unit[] {
  const rows = table.filter(
    (hc) =>
      !hc.guards.some(offByDefault) ||
      !table.some((o) => o !== hc && o.name === hc.name && !o.guards.some(offByDefault)),
  );
  return rows.flatMap((hc) => hc.arch.map((arch) => ({ hc, arch })));
}

/** Walks one unit; `memo`: walks kept between extractions; `callees`: helpers' walks taken again within this one. */
export function walkUnitOf(
  tree: XenTree,
  hooks: ReadonlyMap<string, HookShape>,
  relevant: ReadonlySet<string>,
  { hc, arch }: Unit,
  options: { readonly memo?: WalkMemo | undefined; readonly callees?: CalleeMemo | undefined } = {},
): UnitWalk {
  const { memo, callees } = options;
  const walk: Walk = (q) =>
    memo
      ? memo.walk(q, callees)
      : new PathWalker(tree, hooks, relevant, q.arch, q.label, undefined, callees).run(q.entry, q.disc);
  const unresolved: Unresolved[] = [];
  const paths = walkUnit(tree, hc, arch, walk, unresolved);
  return { ...(paths && { paths }), unresolved };
}
