import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { Action } from "../model/action.js";
import { createPolicy } from "../policy/create-policy.js";
import type { HookProgram, SwitchProgram } from "../policy/program.js";
import { getPolicy } from "../policy/registry.js";
import type { PolicyModule } from "../policy/types.js";

/**
 * The policy a name means for a catalogue: `tree` is the catalogue's own; `dummy` is too when the
 * catalogue carries one (an extracted tree's dummy.h, whose XSM_OTHER hooks are that version's, not
 * the `dummy` module's 4.22.0 ones); any other name is a policy module.
 */
export function resolvePolicy(catalogue: Catalogue, name: string): PolicyModule {
  return name === "tree" || (name === "dummy" && catalogue.policy) ? treePolicy(catalogue) : getPolicy(name);
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
