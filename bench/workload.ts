// Shared by the benchmarks: a seeded generator of large systems and of decision workloads.
import type { Operation } from "../src/catalog/schema.js";
import { buildModel, DEFAULT_BUILD, getPolicy, loadCatalogue, type Model } from "../src/index.js";
import { type Domain, makeDomain } from "../src/model/domain.js";
import type { System } from "../src/model/system.js";
import { DUMMY_HOOKS } from "../src/policy/dummy.js";

export const SEED = 0x5eed;
export const N_DOMAINS = 4096;

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A split x86 host of `n` domains: control, hardware (console) and xenstore domains,
 * then HVM guests each served by a QEMU stub domain (PV or PVH), and PV and PVH guests.
 */
export function generateSystem(n = N_DOMAINS, seed = SEED): System {
  const rand = rng(seed);
  const domains: Domain[] = [
    makeDomain({ domid: 0, name: "hwdom", caps: { hardware: true }, isConsole: true, builtBy: "dom0" }),
    makeDomain({ domid: 1, name: "ctl", caps: { control: true }, builtBy: "dom0less" }),
    makeDomain({ domid: 2, name: "xs", caps: { xenstore: true }, builtBy: "dom0less" }),
  ];
  while (domains.length < n) {
    const domid = domains.length;
    const r = rand();
    if (r < 0.5 && domains.length + 2 <= n) {
      domains.push(makeDomain({ domid, name: `hvm${domid}`, type: "hvm" }));
      const type = rand() < 0.5 ? "pv" : "pvh";
      domains.push(makeDomain({ domid: domid + 1, name: `qemu${domid + 1}`, type, target: domid }));
    } else
      domains.push(
        makeDomain({ domid, name: `${r < 0.75 ? "pv" : "pvh"}${domid}`, type: r < 0.75 ? "pv" : "pvh" }),
      );
  }
  return { xen: "4.22.0", xsm: "dummy", build: DEFAULT_BUILD, domains, source: "<generated>", spans: {} };
}

export function generatedModel(n = N_DOMAINS, seed = SEED): Model {
  return buildModel(loadCatalogue("4.22.0"), generateSystem(n, seed), getPolicy("dummy"));
}

/** xsm_default_action's actions as the C side numbers them. */
export const C_ACTIONS = ["HOOK", "DM_PRIV", "TARGET", "PRIV", "XS_PRIV"] as const;

/** The C rule's view of one operation: its action and whether the rule sees the target (else NULL). */
export interface CRule {
  readonly action: number;
  readonly targetBound: boolean;
}

/**
 * The C rule of an operation when it decides exactly as the model does on ordinary domains:
 * one unconditional XSM check with a plain default action (no XSM_OTHER body), called with
 * (current, target|NULL), in every guest type's hypercall table, and a lookup that accepts
 * the caller itself. Null for every other operation.
 */
export function cRule(model: Model, op: Operation): CRule | null {
  const [check, ...rest] = op.checks;
  if (!check || rest.length || check.kind !== "xsm" || check.when !== undefined) return null;
  if (check.action === "OTHER" || check.hook in DUMMY_HOOKS) return null;
  if (op.callers.length !== 3) return null;
  if (op.target.kind === "domain" && !model.lookups.get(op.target.lookup)?.selfAllowed) return null;
  const hook = model.hooks.get(check.hook);
  const params = Object.keys(check.args);
  const bind = (p: string) => (p === "current" || p === "null" ? p : check.args[p]);
  const src = bind(hook?.src ?? params[0] ?? "current");
  const tgt = bind(hook?.target ?? params[1] ?? "null");
  if (src !== "current" || (tgt !== "target" && tgt !== "null")) return null;
  const { action } = model.policy.hookAction(check.hook, check.action);
  const a = (C_ACTIONS as readonly string[]).indexOf(action);
  return a < 0 ? null : { action: a, targetBound: tgt === "target" && op.target.kind === "domain" };
}

/**
 * `n` random (op, src, tgt) triples, ops drawn from `ops` (indices into model.ops); tgt is -1
 * for operations without a target. So that both outcomes occur, a quarter of the callers are
 * the three service domains, and a fifth of the targets each are the caller itself and its
 * device-model target; the rest are uniform over the ordinary domains.
 */
export function triples(model: Model, ops: readonly number[], n: number, seed = SEED + 1): Int32Array {
  const rand = rng(seed);
  const nd = model.domains.length;
  const index = new Map(model.domains.map((d, i) => [d.domid, i]));
  const pick = (k: number) => Math.floor(rand() * k);
  const w = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const o = ops[pick(ops.length)] as number;
    const s = rand() < 0.25 ? pick(3) : pick(nd);
    const r = rand();
    const own = index.get(model.domains[s]?.target ?? -1);
    const t = r < 0.2 ? s : r < 0.4 && own !== undefined ? own : pick(nd);
    w[i * 3] = o;
    w[i * 3 + 1] = s;
    w[i * 3 + 2] = model.ops[o]?.target.kind === "domain" ? t : -1;
  }
  return w;
}
