import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { Action } from "../model/action.js";
import { createPolicy } from "../policy/create-policy.js";
import type { HookProgram, SwitchProgram } from "../policy/program.js";
import { getPolicy } from "../policy/registry.js";
import type { PolicyModule } from "../policy/types.js";
import { POLICY_KINDS } from "./policy-kinds.js";

/**
 * The policy a name means for a catalogue, in Node.js and in the report's page (resolve-policy.ts
 * adds `flask:<path>`, which reads files, for every command and the library): `tree` is the
 * catalogue's own; `dummy` is too when the catalogue carries one (an extracted tree's dummy.h, whose
 * XSM_OTHER hooks are that version's, not the `dummy` module's 4.22.0 ones); `<kind>:<argument>` is
 * a kind of `POLICY_KINDS` (policy-kinds.ts); any other name is a policy module of the registry.
 */
export function resolveBuiltinPolicy(catalogue: Catalogue, name: string): PolicyModule {
  if (name === "tree" || (name === "dummy" && catalogue.policy)) return treePolicy(catalogue);
  const colon = name.indexOf(":");
  const kind = colon > 0 ? POLICY_KINDS[name.slice(0, colon)] : undefined;
  return kind ? kind(name.slice(colon + 1), catalogue) : getPolicy(name);
}

/** The default policy an extracted catalogue carries: its tree's own xsm_default_action and hook bodies. */
export function treePolicy(catalogue: Catalogue): PolicyModule {
  const p = catalogue.policy;
  if (!p)
    fail(
      error(
        "policy/no-tree-policy",
        `the Xen ${catalogue.meta.xen} catalogue (${catalogue.meta.origin}) carries no policy of its own`,
        undefined,
        "`tree` is the policy read by `xenpriv extract`; use an extracted catalogue, or name a policy module",
      ),
    );
  try {
    return fromTree(catalogue, p);
  } catch (e) {
    // a catalogue file is input: a policy it carries that does not compile is bad input, not a crash
    return fail(
      error(
        "catalogue/bad-policy",
        `the policy of the Xen ${catalogue.meta.xen} catalogue does not compile: ${(e as Error).message}`,
        undefined,
        "extract the tree again with `xenpriv extract`",
      ),
    );
  }
}

function fromTree(catalogue: Catalogue, p: NonNullable<Catalogue["policy"]>): PolicyModule {
  return createPolicy({
    name: "tree",
    title: `dummy.h of Xen ${catalogue.meta.xen} as extracted`,
    origin: {
      kind: "upstream",
      date: catalogue.meta.date,
      source: `xen/include/xsm/dummy.h at ${catalogue.meta.tag || catalogue.meta.commit || catalogue.meta.xen}`,
    },
    description:
      "xsm_default_action() and the hook bodies read out of the tree's dummy.h by xenpriv extract.",
    actions: p.actions as Action[],
    defaultAction: p.defaultAction as unknown as SwitchProgram,
    hooks: p.hooks as unknown as Record<string, HookProgram>,
    reannotate: {},
    guards: {},
  });
}
