import type { PolicyIndex } from "../flask/access-vector.js";
import type { FlaskPolicy } from "../flask/policydb.js";
import type { Action } from "../model/action.js";
import type { BuildFacts } from "../model/build.js";
import type { Verdict } from "../model/decision.js";
import type { Domain } from "../model/domain.js";

/** Where a policy module comes from. */
export interface PolicyOrigin {
  readonly kind: "upstream" | "proposal";
  /** posting date for proposals, first release for upstream */
  readonly date: string;
  /** the posting's message-id (proposals only) */
  readonly messageId?: string;
  /** the Xen source or posting the rules are taken from */
  readonly source: string;
}

/** An XSM hook call with its domain parameters already resolved. */
export interface HookCall {
  /** hook name without `xsm_` */
  readonly hook: string;
  /** the `XSM_*` literal at the call site (the catalogue's upstream annotation) */
  readonly action: Action;
  /** `current->domain` */
  readonly current: Domain;
  /** the hook's domain parameters by name (`d`, `d1`, `t`, ...); null is NULL */
  readonly domains: Readonly<Record<string, Domain | null>>;
  /** non-domain arguments the hook switches on, e.g. `cmd` = `CONSOLEIO_write` */
  readonly values: Readonly<Record<string, string>>;
  /** the operation's own constant (`HVMOP_set_param`), which a hook may switch on too */
  readonly constant?: string;
  /** which parameter (or `current` / `null`) the hook passes to xsm_default_action as src and target */
  readonly src: string;
  readonly target: string;
}

/** A registered XSM policy: pure functions over domains and build facts. */
export interface PolicyModule {
  readonly name: string;
  readonly title: string;
  readonly origin: PolicyOrigin;
  /** one paragraph: what it is and how it differs from upstream */
  readonly description: string;
  /** the default actions it knows */
  readonly actions: readonly Action[];
  /** `xsm_default_action(action, src, target)` */
  defaultAction(action: Action, src: Domain, target: Domain | null, build: BuildFacts): Verdict;
  /** the action this module's hook asserts for a call annotated `action` upstream, with its reference */
  hookAction(hook: string, action: Action): { readonly action: Action; readonly ref?: string };
  /** evaluates a whole hook: OTHER hooks' internal switches, module overrides, else xsm_default_action */
  hook(call: HookCall, build: BuildFacts): Verdict;
  /** a Flask module's compiled policy: what a report's page needs to rebuild it */
  readonly flaskBytes?: Uint8Array;
  /** and what its hooks check (the catalogue's `flask` part), which the page's catalogue then carries */
  readonly flaskHooks?: unknown;
  /** and where its rules come from in the policy's sources, when it was built from a tree */
  readonly flaskOrigins?: unknown;
  /** a Flask module's policy as read, and the booleans it decides with (lint's rules over the policy) */
  readonly flask?: FlaskModuleFacts;
  /** refuses, as bad input, a domain the module cannot decide for (a Flask label the policy cannot hold) */
  checkDomain?(domain: Domain, build: BuildFacts): void;
}

/** What a Flask module decides with: its compiled policy, indexed, and the booleans' states. */
export interface FlaskModuleFacts {
  readonly policy: FlaskPolicy;
  readonly index: PolicyIndex;
  /** each boolean's state, by value - 1: the policy's default unless set */
  readonly states: readonly boolean[];
  /** the booleans set other than the policy's defaults, by name (`--flask-boolean`) */
  readonly booleans: Readonly<Record<string, boolean>>;
}
