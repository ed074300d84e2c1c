import { type Check, type Cond, FIXED_OPERANDS, type Operation } from "../catalog/schema.js";
import type { CalleeMemo } from "./callee-memo.js";
import { isRuntime, resolveTarget } from "./conditions.js";
import type { ConstantInfo } from "./constants.js";
import type { HypercallEntry } from "./hypercall-table.js";
import { LOOKUPS, type Role } from "./roles.js";
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

interface SubopPath {
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
interface ArchPaths {
  readonly arch: Arch;
  /** the entry point's `CONFIG_*` guards */
  readonly entryGuards: readonly string[];
  /** sub-op constant (or null for a hypercall without sub-ops) -> checks and where it is dispatched */
  readonly subops: Map<string | null, SubopPath>;
}

export interface ExtractedOperations {
  readonly operations: Operation[];
  readonly lookupFailures: Map<string, LookupFailure>;
  readonly unresolved: Unresolved[];
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

const sameCheck = (a: FoundCheck, b: FoundCheck): boolean =>
  a.ref === b.ref && JSON.stringify(a) === JSON.stringify(b);

/** Common prefix of the sub-op constants, cut at an underscore: `XEN_DOMCTL_`. */
function prefixOf(labels: readonly string[]): string {
  if (labels.length === 0) return "";
  let p = labels[0] as string;
  for (const l of labels) while (!l.startsWith(p)) p = p.slice(0, -1);
  if (labels.length === 1) p = /^(.*_)/.exec(p.replace(/[a-z0-9]+$/, ""))?.[1] ?? "";
  return p.slice(0, p.lastIndexOf("_") + 1);
}

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

const GUEST_TYPE = /^caller\.(pv|pvh|hvm|hvm-like)$/;
const guestTypeOnly = (c: Cond): boolean =>
  typeof c === "string"
    ? GUEST_TYPE.test(c)
    : "not" in c
      ? guestTypeOnly(c.not)
      : ("all" in c ? c.all : c.any).every(guestTypeOnly);

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

function operandOf(r: Role, target: Role | null): string | null {
  switch (r.kind) {
    case "current":
      return "current";
    // the catalogue binds the domain being built to NULL: it is not an operand of the request
    case "null":
    case "new":
      return "null";
    case "system":
      return r.name;
    case "lookup":
      return target && target.kind === "lookup" && target.var === r.var && target.field === r.field
        ? "target"
        : r.var.toLowerCase().replace(/\W+/g, "_");
    default:
      return null;
  }
}

const condOf = (when: readonly Cond[], arch: Arch | null, target: string | null): Cond | undefined => {
  const all = [...(arch ? [`arch.${arch}` as Cond] : []), ...when.map((c) => resolveTarget(c, target))];
  return all.length === 0 ? undefined : all.length === 1 ? all[0] : { all };
};

/** Turns the walker's findings into catalogue checks; arguments it cannot name become Unresolved. */
function toChecks(
  found: FoundCheck[],
  arch: Arch | null,
  target: Role | null,
  what: string,
  unresolved: Unresolved[],
): Check[] {
  const out: Check[] = [];
  const targetVar = target?.kind === "lookup" ? target.var : null;
  for (const c of found) {
    const when = condOf(c.when, arch, targetVar);
    const via = c.via.length > 1 ? `via ${c.via.join(" -> ")}` : undefined;
    if (c.kind === "gate") {
      out.push({
        kind: "gate",
        require: resolveTarget(c.require, targetVar),
        error: c.error,
        ref: c.ref,
        ...(when && { when }),
        ...(via && { note: via }),
      } as Check);
      continue;
    }
    if (c.kind === "skip") {
      if (when) out.push({ kind: "skip", when, ref: c.ref, ...(via && { note: via }) } as Check);
      continue;
    }
    const args: Record<string, string> = {};
    const unknown: string[] = [];
    for (const [p, r] of Object.entries(c.args)) {
      const o = operandOf(r, target);
      if (o) args[p] = o;
      else unknown.push(`\`${p}\` = \`${r.kind === "unknown" ? r.text : r.kind}\``);
    }
    if (unknown.length) {
      const reason = `xsm_${c.hook}(XSM_${c.action}) on a domain the extractor cannot name: ${unknown.join(", ")}`;
      unresolved.push({ ref: c.ref, what, reason: `${reason}${via ? ` (${via})` : ""}` });
      // the check stays as a run-time condition of the answer, never a silent allow
      out.push({
        kind: "gate",
        require: `runtime:${reason}`,
        error: c.denial ?? "-EPERM",
        ref: c.ref,
        ...(when && { when }),
      } as Check);
      continue;
    }
    const notes = [via, c.guards.length ? `under ${c.guards.join(", ")}` : undefined]
      .filter(Boolean)
      .join("; ");
    out.push({
      kind: "xsm",
      hook: c.hook,
      action: c.action,
      args,
      values: { ...c.values },
      ref: c.ref,
      denial: c.denial ?? "-EPERM",
      ...(when && { when }),
      ...(notes && { note: notes }),
    } as Check);
  }
  return out;
}

/** A bypass only matters when a check follows it. */
const withoutIdleSkips = (checks: Check[]): Check[] =>
  checks.filter((c, i) => c.kind !== "skip" || checks.slice(i + 1).some((d) => d.kind !== "skip"));

/** The op's target: the first looked-up domain a check is made on. */
function targetOf(found: readonly FoundCheck[]): Role | null {
  for (const c of found)
    if (c.kind === "xsm")
      for (const r of Object.values(c.args)) if (r.kind === "lookup" && !optional(c, r.var)) return r;
  return null;
}

/**
 * A check made only when its domain was found (`if ( !dst_d || !dst_d->argo ) goto out;` in
 * fill_ring_data(), xen/common/argo.c:1337 at RELEASE-4.22.0): a missing domain is skipped, not refused,
 * so it is an operand of each entry, not the operation's target.
 */
const optional = (c: FoundCheck, v: string): boolean => JSON.stringify(c.when).includes(`"runtime:${v}"`);

/**
 * The system domains the target's domid can name: set in the walk when the guest names them (`if (
 * op->domain == DOMID_IO ) d = dom_io;` in do_domctl), or by the lookup helper itself (`case DOMID_IO:
 * pg_owner = rcu_lock_domain(dom_io);` in get_pg_owner()).
 */
function systemNamed(
  tree: XenTree,
  target: Extract<Role, { kind: "lookup" }>,
  paths: readonly { readonly systemTargets: ReadonlyMap<string, ReadonlySet<string>> }[],
): ("dom_io" | "dom_xen")[] {
  const names = new Set(paths.flatMap((p) => [...(p.systemTargets.get(target.var) ?? [])]));
  // a pseudo-lookup (`for_each_domain`'s loop, `current`) has no helper: looking one up parsed every
  // file that uses the macro with a block (5 files, 117 KB at RELEASE-4.22.0) for no definition
  const helper = LOOKUPS.has(target.lookup) ? (tree.functions.get(target.lookup)?.[0]?.body.text ?? "") : "";
  for (const [name, id] of [
    ["dom_io", "DOMID_IO"],
    ["dom_xen", "DOMID_XEN"],
  ] as const)
    if (new RegExp(`case\\s+${id}\\s*:[^;]*\\b${name}\\b`).test(helper)) names.add(name);
  return (["dom_io", "dom_xen"] as const).filter((n) => names.has(n));
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

/** Extracts every operation of the hypercall table from the tree, per arch, then merges the arches. */
export function extractOperations(
  tree: XenTree,
  table: readonly HypercallEntry[],
  hooks: ReadonlyMap<string, HookShape>,
  relevant: ReadonlySet<string>,
  constants: ReadonlyMap<string, ConstantInfo>,
  /** `memo`: walks kept between extractions; `callees`: helpers' walks taken again within this one */
  options: { readonly memo?: WalkMemo; readonly callees?: CalleeMemo } = {},
): ExtractedOperations {
  // `#if defined(CONFIG_GRANT_TABLE)` row / `#elif defined(CONFIG_PV_SHIM)` row
  // (xen/include/hypercall-defs.c:252-256 at RELEASE-4.22.0): one hypercall, the build's row
  const rows = table.filter(
    (hc) =>
      !hc.guards.some(offByDefault) ||
      !table.some((o) => o !== hc && o.name === hc.name && !o.guards.some(offByDefault)),
  );
  const { memo, callees } = options;
  const walk: Walk = (q) =>
    memo
      ? memo.walk(q, callees)
      : new PathWalker(tree, hooks, relevant, q.arch, q.label, undefined, callees).run(q.entry, q.disc);
  const unresolved: Unresolved[] = [];
  const operations: Operation[] = [];
  const lookupFailures = new Map<string, LookupFailure>();
  for (const hc of rows) {
    const perArch: ArchPaths[] = [];
    for (const arch of hc.arch) {
      const paths = walkUnit(tree, hc, arch, walk, unresolved);
      if (paths) perArch.push(paths);
    }
    const labels = [...new Set(perArch.flatMap((p) => [...p.subops.keys()]))];
    const prefix = prefixOf(labels.filter((l): l is string => l !== null));
    for (const label of labels) {
      const present = perArch.filter((p) => p.subops.has(label));
      const paths = present.map((p) => ({
        arch: p.arch,
        ...(p.subops.get(label) as SubopPath),
      }));
      const subop = label === null ? null : label.slice(prefix.length).toLowerCase();
      const id = subop === null ? hc.name : `${hc.name}/${subop}`;
      const allFound = paths.flatMap((p) => p.checks);
      // a sub-op with no XSM check nor role test is no operation of the catalogue, even if some guest types
      // cannot make it or some arguments fail
      if (
        !allFound.some(
          (c) =>
            c.kind === "xsm" ||
            (c.kind === "gate" && (c.byHook || (!guestTypeOnly(c.require) && !isRuntime(c.require)))),
        )
      )
        continue;
      // no hook names a domain (get_device_group): the domain looked up on every path is still the target
      const target = targetOf(allFound) ?? paths.find((p) => p.required.length)?.required[0] ?? null;
      const first = paths[0] as (typeof paths)[number];
      const shared = (c: FoundCheck) => paths.every((p) => p.checks.some((d) => sameCheck(c, d)));
      const checks: Check[] = [];
      if (paths.length === 1 && hc.arch.length > 1)
        checks.push(...toChecks(first.checks, null, target, id, unresolved));
      else
        for (const p of paths)
          for (const c of p.checks) {
            if (shared(c) && p !== first) continue;
            checks.push(...toChecks([c], shared(c) ? null : p.arch, target, id, unresolved));
          }
      for (const p of paths) for (const f of p.failures) lookupFailures.set(`${f.ref}`, f);
      const constant = label ?? undefined;
      const value = constant ? constants.get(constant)?.value : undefined;
      const entryGuards = present.length === 1 ? (present[0] as ArchPaths).entryGuards : [];
      // a label guarded on every arch that has it
      const labelGuards = paths
        .flatMap((p) => p.guards)
        .filter((g) => paths.every((p) => p.guards.includes(g)));
      operations.push({
        id,
        hypercall: hc.name,
        subop,
        ...(constant && { constant }),
        ...(value !== undefined && { value }),
        summary: `${id}, extracted from ${first.ref}`,
        arch: paths.map((p) => p.arch),
        guards: [...new Set([...hc.guards, ...entryGuards, ...labelGuards])].filter((g) =>
          /^!?CONFIG_[A-Z0-9_]+$/.test(g),
        ),
        callers: [...hc.callers],
        target:
          target && target.kind === "lookup"
            ? {
                kind: "domain",
                field: target.field,
                lookup: target.lookup as "domctl",
                system: systemNamed(tree, target, paths),
                ref: target.ref,
              }
            : { kind: "none" },
        // other looked-up domains (set_target's `e`) are bound to the target by default (the caller when there is
        // none), as the CLI can rebind them
        operands: Object.fromEntries(
          checks.flatMap((c) =>
            c.kind === "xsm"
              ? Object.values(c.args)
                  .filter((o) => !FIXED_OPERANDS.has(o))
                  .map((o) => [o, target ? ("target" as const) : ("current" as const)])
              : [],
          ),
        ),
        checks: withoutIdleSkips(checks),
        ref: first.ref,
        ...(label === null &&
          paths.some((p) => p.commands) && {
            commands: [...new Set(paths.flatMap((p) => p.commands ?? []))].sort(),
          }),
      });
    }
  }
  return { operations, lookupFailures, unresolved };
}
