import type { Diagnostic, Severity } from "../core/diagnostic.js";
import type { Span } from "../core/span.js";
import type { System } from "../model/system.js";
import type { DecisionIndex } from "../query/decision-index.js";
import type { Model } from "../query/model.js";
import type { DeviceTreeSystem } from "../system/device-tree-system.js";

export const CATEGORIES = ["boot", "privilege", "roles", "secure-boot", "console"] as const;
export type Category = (typeof CATEGORIES)[number];

/** What every rule reads: the system, the model of its policy, and the device tree it came from. */
export interface LintContext {
  readonly system: System;
  readonly model: Model;
  readonly index: DecisionIndex;
  /** when the system is an Arm device tree */
  readonly deviceTree?: DeviceTreeSystem;
  /** Secure Boot is on (`--secure-boot`, or `build.secure_boot` in a system file) */
  readonly secureBoot: boolean;
}

/** One thing a rule found: a message of its own, filled in, where it is. */
export interface Report {
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly span?: Span;
  readonly help?: string;
  /** a rule that relays other checks (the boot rules) gives each its own code, severity and Xen line */
  readonly code?: string;
  readonly severity?: Severity;
  readonly ref?: string;
}

/** A finding: a diagnostic with the rule that made it. */
export interface Finding extends Diagnostic {
  readonly rule: string;
}

/**
 * One of the checks a relaying rule reports under its own code (`boot/<part>` for xen-boot): a rule
 * of its own in SARIF, `<rule>/<part>`, with its page docs/rules/<rule>/<part>.md.
 */
export interface RulePart {
  readonly id: string;
  readonly what: string;
  readonly defaultSeverity: Severity;
  /** the Xen lines (or document) behind it */
  readonly ref: string;
}

/** A lint rule: self-describing, with its documentation page at docs/rules/<id>.md. */
export interface Rule {
  readonly id: string;
  readonly category: Category;
  readonly defaultSeverity: Severity;
  /** one line: what the rule reports */
  readonly what: string;
  /** why it matters, with the source of the fact (a Xen document or line, a seed) */
  readonly why: string;
  /**
   * a whole system that breaks the rule and one that does not (YAML or DTS), linted under `policy`, or
   * under the Flask policy each is given with, as the source `checkpolicy -t Xen` compiles (`flask`)
   */
  readonly examples: {
    readonly bad: string;
    readonly good: string;
    readonly policy?: string;
    readonly flask?: { readonly bad: string; readonly good: string };
  };
  /** message templates by id, with `{{name}}` placeholders */
  readonly messages: Readonly<Record<string, string>>;
  /** the checks it relays, each reported with the code `<prefix>/<part id>` */
  readonly parts?: readonly RulePart[];
  check(ctx: LintContext): Report[];
}
