import { join } from "node:path";
import type { Hook } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { passesCallersAction, readActionAssertion } from "./assert-action.js";
import { callSummary } from "./relevant.js";
import { type ParsedFile, readSource, type XenTree } from "./xen-tree.js";

export interface CallSite {
  readonly hook: string;
  readonly action: string | null;
  readonly args: string[];
  readonly function: string;
  readonly ref: string;
}

/** A call site whose action differs from its hook's `XSM_ASSERT_ACTION`, and what that does. */
export interface Mismatch {
  readonly hook: string;
  readonly callSite: string;
  readonly action: string;
  readonly asserted: string;
  readonly hookRef: string;
  /**
   * `build-break`: with CONFIG_XSM=n the call does not link (`XSM_ASSERT_ACTION` is `LINKER_BUG_ON`);
   * `no-effect`: the hook ignores the caller's action and uses its own
   */
  readonly effect: "build-break" | "no-effect";
  /** the dummy.h line that decides it: `XSM_ASSERT_ACTION` for CONFIG_XSM=n, or the hook */
  readonly effectRef: string;
  /** `XSM_ASSERT_ACTION` for CONFIG_XSM=y (`xsm_default_t action = (def)`): the dummy module's hook uses its own action */
  readonly ownActionRef?: string;
  /** the build in which the link check is not made (`defined(CONFIG_COVERAGE) && defined(__clang__)`), and its `#if` */
  readonly except?: { readonly when: string; readonly ref: string };
}

/** Every call of an XSM hook in the hypervisor, whether an operation's path reaches it or not. */
export function findCallSites(tree: XenTree, hooks: ReadonlySet<string>): CallSite[] {
  const out: CallSite[] = [];
  const seen = new Set<string>();
  for (const defs of tree.functions.values())
    for (const fn of defs) {
      // the XSM modules (flask, silo) implement hooks; they do not call them
      if (fn.file.startsWith("xen/xsm/")) continue;
      // read where the file was parsed: the bodies need not be made (walk-memo.ts)
      for (const call of (fn.summary ?? callSummary(fn.body)).xsm) {
        const hook = call.name.slice(4);
        if (!hooks.has(hook)) continue;
        const ref = `${fn.file}:${call.line}`;
        // a file re-included by its compat twin is one call site
        if (seen.has(`${ref}:${call.name}`)) continue;
        seen.add(`${ref}:${call.name}`);
        const hasAction = /^XSM_[A-Z_]+$/.test(call.args[0] ?? "");
        out.push({
          hook,
          action: hasAction ? (call.args[0] as string).slice(4) : null,
          args: hasAction ? call.args.slice(1) : [...call.args],
          function: fn.name,
          ref,
        });
      }
    }
  return out.sort((a, b) => a.ref.localeCompare(b.ref, "en", { numeric: true }));
}

/** Where a call site's hook is read: the tree and its parsed dummy.h. */
export interface DummyH {
  readonly root: string;
  readonly dummyH: ParsedFile;
}

/** A call site whose action is not its hook's own, with the hook. */
export interface Contradiction {
  readonly site: CallSite;
  readonly hook: Hook;
}

/** The call sites whose action is not their hook's own (findMismatches says what each does). */
export function contradictingSites(sites: readonly CallSite[], hooks: readonly Hook[]): Contradiction[] {
  const byName = new Map(hooks.map((h) => [h.name, h]));
  return sites.flatMap((s) => {
    const h = byName.get(s.hook);
    return h && s.action !== null && s.action !== h.action ? [{ site: s, hook: h }] : [];
  });
}

/**
 * Call sites whose action contradicts their hook's `XSM_ASSERT_ACTION`, each with what dummy.h makes
 * of it: a build break with CONFIG_XSM=n (Xen's `LINKER_BUG_ON((def) != action)`), or no effect when
 * the hook never uses the caller's action. A contradiction neither reading settles (no link check,
 * and a hook that passes `action` on) is refused: the call's action would decide with CONFIG_XSM=n
 * and the hook's with CONFIG_XSM=y, and a diff would have to guess which.
 */
export function findMismatches(contradicting: readonly Contradiction[], tree: DummyH): Mismatch[] {
  if (contradicting.length === 0) return [];
  const { root, dummyH } = tree;
  const rule = readActionAssertion(dummyH.path, readSource(root, dummyH.path));
  const out: Mismatch[] = [];
  const refused = [];
  for (const { site, hook } of contradicting) {
    const fact = {
      hook: site.hook,
      callSite: site.ref,
      action: site.action as string,
      asserted: hook.action,
      hookRef: hook.ref,
    };
    const own = rule.ownAction ? { ownActionRef: rule.ownAction } : {};
    if (rule.linkCheck) {
      const { ref, except } = rule.linkCheck;
      out.push({ ...fact, effect: "build-break", effectRef: ref, ...own, ...(except && { except }) });
      continue;
    }
    const fn = dummyH.functions.find((f) => f.name === `xsm_${site.hook}`);
    if (fn && !passesCallersAction(fn)) {
      out.push({ ...fact, effect: "no-effect", effectRef: hook.ref, ...own });
      continue;
    }
    const [file = "", line = "1"] = site.ref.split(/:(?=\d+$)/);
    const text = readSource(root, file).split("\n")[Number(line) - 1] ?? "";
    refused.push(
      error(
        "extract/mismatch-unread",
        `\`xsm_${site.hook}\` is called with XSM_${site.action} but asserts XSM_${hook.action} (${hook.ref}), and ${
          rule.disabled
            ? `XSM_ASSERT_ACTION for CONFIG_XSM=n (${rule.disabled}) is no link-time check`
            : "dummy.h defines no XSM_ASSERT_ACTION for CONFIG_XSM=n"
        }: the hook passes the caller's action on, so the call's action decides with CONFIG_XSM=n and the hook's with CONFIG_XSM=y`,
        {
          file: join(root, file),
          line: Number(line),
          column: Math.max(text.indexOf(`xsm_${site.hook}`), 0) + 1,
        },
        "xenpriv reads a contradicting call site as a build break (`LINKER_BUG_ON((def) != action)`, as Xen defines XSM_ASSERT_ACTION) or as no effect (a hook that uses only its own actions)",
      ),
    );
  }
  if (refused.length) throw new InputError(refused);
  return out;
}
