import type { Hook } from "../catalog/schema.js";
import { lineOf } from "./c-parser.js";
import type { XenTree } from "./xen-tree.js";

export interface CallSite {
  readonly hook: string;
  readonly action: string | null;
  readonly args: string[];
  readonly function: string;
  readonly ref: string;
}

export interface Mismatch {
  readonly hook: string;
  readonly callSite: string;
  readonly action: string;
  readonly asserted: string;
  readonly hookRef: string;
}

/** Every call of an XSM hook in the hypervisor, whether an operation's path reaches it or not. */
export function findCallSites(tree: XenTree, hooks: ReadonlySet<string>): CallSite[] {
  const out: CallSite[] = [];
  const seen = new Set<string>();
  for (const defs of tree.functions.values())
    for (const fn of defs) {
      // the XSM modules (flask, silo) implement hooks; they do not call them
      if (fn.file.startsWith("xen/xsm/")) continue;
      for (const call of fn.body.descendantsOfType("call_expression")) {
        const name = call?.childForFieldName("function");
        if (
          !call ||
          name?.type !== "identifier" ||
          !name.text.startsWith("xsm_") ||
          !hooks.has(name.text.slice(4))
        )
          continue;
        const ref = `${fn.file}:${lineOf(call)}`;
        // a file re-included by its compat twin is one call site
        if (seen.has(`${ref}:${name.text}`)) continue;
        seen.add(`${ref}:${name.text}`);
        const args = (call.childForFieldName("arguments")?.namedChildren ?? [])
          .filter((a) => a !== null && a.type !== "comment")
          .map((a) => (a?.text ?? "").replace(/\s+/g, " "));
        const hasAction = /^XSM_[A-Z_]+$/.test(args[0] ?? "");
        out.push({
          hook: name.text.slice(4),
          action: hasAction ? (args[0] as string).slice(4) : null,
          args: hasAction ? args.slice(1) : args,
          function: fn.name,
          ref,
        });
      }
    }
  return out.sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }));
}

/** What Xen's link-time check (`LINKER_BUG_ON`, dummy.h) rejects in an XSM=n build. */
export function findMismatches(sites: readonly CallSite[], hooks: readonly Hook[]): Mismatch[] {
  const byName = new Map(hooks.map((h) => [h.name, h]));
  const out: Mismatch[] = [];
  for (const s of sites) {
    const h = byName.get(s.hook);
    if (!h || s.action === null || s.action === h.action) continue;
    out.push({ hook: s.hook, callSite: s.ref, action: s.action, asserted: h.action, hookRef: h.ref });
  }
  return out;
}
