/**
 * What a Flask hook checks, as read from xen/xsm/flask/hooks.c (and flask_op.c): each `avc_has_perm`
 * reached from the hook, with its subject and object SIDs, class and permissions, every fact with the
 * `path:line` it came from. The policy side (policydb.ts) answers each check for given labels.
 */

/** Where a SID comes from. Domains are named as the hook's parameters, or `current`. */
export type SidSource =
  /** `domain_sid(d)`: the domain's label */
  | { readonly kind: "domain"; readonly domain: string }
  /**
   * `domain_target_sid(src, dst)` (hooks.c:72-82 at RELEASE-4.22.0): dst's self_sid when src == dst, the
   * device-model target SID when src->target == dst, else dst's label
   */
  | { readonly kind: "domain-target"; readonly source: string; readonly target: string }
  /** an initial SID: `xen`, `domxen`, `security`, `unlabeled` */
  | { readonly kind: "initial-sid"; readonly name: string }
  /** the label of an object context, looked up by `security_*_sid` */
  | {
      readonly kind: "ocontext";
      readonly context: "pirq" | "ioport" | "iomem" | "pcidevice" | "devicetree";
      readonly via: string;
    }
  /** an event channel's SID (set when it was created by a type transition) */
  | { readonly kind: "evtchn"; readonly channel: string }
  /** a SID the caller passes (a new label, `ssidref`) */
  | { readonly kind: "argument"; readonly expr: string }
  /** one of several, by the path taken */
  | { readonly kind: "one-of"; readonly sources: readonly SidSource[] }
  /** what the reader could not name, kept as written */
  | { readonly kind: "unresolved"; readonly expr: string };

/**
 * A condition around a check, a permission's assignment or a refusal, inside the function that holds it:
 * the `case` labels it sits under (with every label of that switch, so that a value the switch names
 * elsewhere is known not to reach it), or an `if` condition as written.
 */
export type FlaskCondition =
  | {
      readonly kind: "case";
      /** the labels of this case group (`case A: case B:` falls into B's statements) */
      readonly labels: readonly string[];
      /** the group includes `default:` */
      readonly default: boolean;
      /** every label of the switch */
      readonly switchLabels: readonly string[];
      readonly ref: string;
    }
  | {
      readonly kind: "if";
      readonly expr: string;
      /** in the `else` branch */
      readonly negated: boolean;
      readonly ref: string;
    }
  /**
   * a preprocessor block of the function's body: `#if` with its expression, `#ifdef X` as
   * `defined(X)`, `#ifndef X` as `!defined(X)`; `negated` in its `#else` (or a later `#elif`)
   */
  | {
      readonly kind: "cpp";
      readonly expr: string;
      readonly negated: boolean;
      readonly ref: string;
    };

export interface FlaskPermissionRef {
  /** the macro, `DOMAIN__PAUSE` */
  readonly macro: string;
  /** the class its prefix names, lower case (`domain`), and the permission (`pause`) */
  readonly class: string;
  readonly name: string;
  /** where the macro is written */
  readonly ref: string;
  /** the conditions around the macro's assignment or return, when the check takes one permission by path */
  readonly when: readonly FlaskCondition[];
}

export interface FlaskCheck {
  /** the `avc_has_perm` call: `path:line` */
  readonly ref: string;
  /** the helpers the hook went through, each with the line of its call: `current_has_perm@hooks.c:512` */
  readonly via: readonly string[];
  readonly subject: SidSource;
  readonly object: SidSource;
  /** the class, lower case, from its SECCLASS_ macro */
  readonly class: string;
  readonly classRef: string;
  /**
   * the permissions the check may ask for: all of them when ORed together, one of them by path when a
   * variable takes several values (`choice`)
   */
  readonly permissions: readonly FlaskPermissionRef[];
  readonly choice: boolean;
  /** the `case` labels and conditions around it, outermost first, each with its line */
  readonly conditions: readonly string[];
  /** the same conditions as data */
  readonly when: readonly FlaskCondition[];
  /** permission macros of another class than the check's (`DOMAIN2__SET_VNUMAINFO` on `domain`) */
  readonly classMismatch: readonly string[];
}

/**
 * A refusal a hook makes without a permission check, under a `case` of a switch: `return -EPERM;`, or
 * `avc_unknown_permission(...)` (hooks.c:173-189 at RELEASE-4.22.0: allowed only when the policy allows
 * unknown permissions or Flask is permissive, else -EPERM).
 */
export interface FlaskRefusal {
  readonly ref: string;
  readonly via: readonly string[];
  /** `-EPERM`, `-EILSEQ`, ..., or `unknown` for avc_unknown_permission */
  readonly error: string;
  readonly conditions: readonly string[];
  readonly when: readonly FlaskCondition[];
}

export interface FlaskHook {
  /** the xsm_ops member, `getdomaininfo` */
  readonly name: string;
  /** the function assigned to it, its parameters and where it is defined */
  readonly function: string;
  readonly params: readonly string[];
  readonly ref: string;
  /** where the member is assigned in flask_ops */
  readonly opsRef: string;
  /** `#ifdef CONFIG_*` around the member */
  readonly guards: readonly string[];
  readonly checks: readonly FlaskCheck[];
  /** what the hook refuses without a check, by sub-op */
  readonly refusals: readonly FlaskRefusal[];
}
