/** One thing Xen checked on the way to a decision, with its value and where in Xen it is. */
export interface Step {
  /** what kind of check this is */
  readonly kind: "lookup" | "gate" | "hook" | "case" | "predicate" | "skip" | "result" | "note";
  /** the check as Xen spells it, e.g. `is_control_domain(src)` */
  readonly what: string;
  /** the value the check had, when it is a test */
  readonly value?: boolean;
  /** `path:line` at the catalogue's Xen version, or a message-id for proposals */
  readonly ref?: string;
  /** nesting: 0 for the operation's own checks, 1 inside a hook, 2 inside xsm_default_action */
  readonly depth: number;
}

/** The outcome of a policy function: allowed or not, and every predicate it tested. */
export interface Verdict {
  readonly allowed: boolean;
  readonly steps: readonly Step[];
  /** what only run time settles (a Flask check on a device's label, a permission chosen by an argument) */
  readonly conditions?: readonly string[];
}

export type DecisionValue = "allow" | "deny";

/** The answer to "may `src` perform `op` on `target`?", with its reasons. */
export interface Decision {
  readonly decision: DecisionValue;
  readonly op: string;
  readonly src: string;
  readonly target: string | null;
  readonly policy: string;
  /** how a denial shows to the caller (`-EPERM`, `-ENOSYS`, `GNTST_permission_denied`, ...) */
  readonly error?: string;
  readonly steps: readonly Step[];
  /** what Xen also checks at run time that files cannot settle: requirements, and refusals for some arguments */
  readonly conditions: readonly string[];
}
