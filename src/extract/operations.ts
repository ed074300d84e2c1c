import { type Check, type Cond, FIXED_OPERANDS, type Operation } from "../catalog/schema.js";
import type { CalleeMemo } from "./callee-memo.js";
import { isRuntime, resolveTarget } from "./conditions.js";
import type { ConstantInfo } from "./constants.js";
import type { HypercallEntry } from "./hypercall-table.js";
import { LOOKUPS, type Role } from "./roles.js";
import type { Unresolved } from "./unresolved.js";
import type { WalkMemo } from "./walk-memo.js";
import {
  type ArchPaths,
  type SubopPath,
  sameCheck,
  type Unit,
  type UnitWalk,
  unitsOf,
  walkUnitOf,
} from "./walk-unit.js";
import type { FoundCheck, HookShape, LookupFailure } from "./walker.js";
import type { Arch, XenTree } from "./xen-tree.js";

export interface ExtractedOperations {
  readonly operations: Operation[];
  readonly lookupFailures: Map<string, LookupFailure>;
  readonly unresolved: Unresolved[];
}

/** Common prefix of the sub-op constants, cut at an underscore: `XEN_DOMCTL_`. */
function prefixOf(labels: readonly string[]): string {
  if (labels.length === 0) return "";
  let p = labels[0] as string;
  for (const l of labels) while (!l.startsWith(p)) p = p.slice(0, -1);
  if (labels.length === 1) p = /^(.*_)/.exec(p.replace(/[a-z0-9]+$/, ""))?.[1] ?? "";
  return p.slice(0, p.lastIndexOf("_") + 1);
}

const GUEST_TYPE = /^caller\.(pv|pvh|hvm|hvm-like)$/;
const guestTypeOnly = (c: Cond): boolean =>
  typeof c === "string"
    ? GUEST_TYPE.test(c)
    : "not" in c
      ? guestTypeOnly(c.not)
      : ("all" in c ? c.all : c.any).every(guestTypeOnly);

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

/** Extracts every operation of the hypercall table from the tree, per arch, then merges the arches. */
export function extractOperations(
  tree: XenTree,
  table: readonly HypercallEntry[],
  hooks: ReadonlyMap<string, HookShape>,
  relevant: ReadonlySet<string>,
  constants: ReadonlyMap<string, ConstantInfo>,
  /**
   * `memo`: walks kept between extractions; `callees`: helpers' walks taken again within this one;
   * `walked`: each of unitsOf(table)'s walks, made already (by several threads)
   */
  options: {
    readonly memo?: WalkMemo | undefined;
    readonly callees?: CalleeMemo | undefined;
    readonly walked?: readonly UnitWalk[];
  } = {},
): ExtractedOperations {
  const units = unitsOf(table);
  const unresolved: Unresolved[] = [];
  const operations: Operation[] = [];
  const lookupFailures = new Map<string, LookupFailure>();
  for (let k = 0; k < units.length; ) {
    const { hc } = units[k] as Unit;
    const perArch: ArchPaths[] = [];
    for (; k < units.length && units[k]?.hc === hc; k++) {
      const walked = options.walked?.[k] ?? walkUnitOf(tree, hooks, relevant, units[k] as Unit, options);
      unresolved.push(...walked.unresolved);
      if (walked.paths) perArch.push(walked.paths);
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
