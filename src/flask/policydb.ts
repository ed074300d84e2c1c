/**
 * A compiled Flask policy (a `xenpolicy-*` file) as `readPolicy` reads it: every table of the binary
 * policydb of the XenFlask target, in libsepol's terms. Values count from 1 as in the policy (a type's
 * value is its bit + 1 in an ebitmap); `offset` is where each item starts in the file.
 */

/** A permission of a common or a class: bit `value - 1` of an access vector. */
export interface FlaskPermission {
  readonly name: string;
  readonly value: number;
}

export interface FlaskCommon {
  readonly name: string;
  readonly value: number;
  readonly permissions: readonly FlaskPermission[];
  readonly offset: number;
}

/** One node of a constraint expression, in the reverse Polish order the policy stores (constraint.h). */
export type ConstraintExpr =
  | { readonly kind: "not" }
  | { readonly kind: "and" }
  | { readonly kind: "or" }
  | {
      readonly kind: "attr";
      /** CEXPR_USER 1, ROLE 2, TYPE 4, L1L2 32, L1H2 64, H1L2 128, H1H2 256, L1H1 512, L2H2 1024 */
      readonly attr: number;
      /** CEXPR_EQ 1, NEQ 2, DOM 3, DOMBY 4, INCOMP 5 */
      readonly op: number;
    }
  | {
      readonly kind: "names";
      /** CEXPR_USER/ROLE/TYPE, with CEXPR_TARGET (8) or CEXPR_XTARGET (16) */
      readonly attr: number;
      readonly op: number;
      /** the values named (users, roles or types, attributes expanded) */
      readonly names: readonly number[];
    };

export interface FlaskConstraint {
  /** the class's permissions it constrains, as an access vector */
  readonly permissions: number;
  readonly expr: readonly ConstraintExpr[];
  readonly offset: number;
}

export interface FlaskClass {
  readonly name: string;
  readonly value: number;
  /** the common it inherits, whose permissions come first */
  readonly common?: string;
  /** its own permissions */
  readonly permissions: readonly FlaskPermission[];
  /** every permission by bit: `bits[i]` names bit i (the common's and the class's), "" where none */
  readonly bits: readonly string[];
  readonly constraints: readonly FlaskConstraint[];
  readonly validatetrans: readonly FlaskConstraint[];
  /** default_user, default_role, default_range (version 27+), default_type (28+): 0 when unset */
  readonly defaults: {
    readonly user: number;
    readonly role: number;
    readonly range: number;
    readonly type: number;
  };
  readonly offset: number;
}

export interface FlaskRole {
  readonly name: string;
  readonly value: number;
  readonly bounds: number;
  readonly dominates: readonly number[];
  readonly types: readonly number[];
  readonly offset: number;
}

export interface FlaskType {
  readonly name: string;
  readonly value: number;
  /** false for an alias: its value is its primary type's */
  readonly primary: boolean;
  readonly attribute: boolean;
  readonly bounds: number;
  readonly offset: number;
}

export interface MlsLevel {
  readonly sensitivity: number;
  readonly categories: readonly number[];
}

export interface MlsRange {
  readonly low: MlsLevel;
  readonly high: MlsLevel;
}

export interface FlaskUser {
  readonly name: string;
  readonly value: number;
  readonly bounds: number;
  readonly roles: readonly number[];
  readonly range: MlsRange;
  readonly defaultLevel: MlsLevel;
  readonly offset: number;
}

export interface FlaskBoolean {
  readonly name: string;
  readonly value: number;
  /** the default state the policy was built with */
  readonly state: boolean;
  readonly offset: number;
}

export interface FlaskSensitivity {
  readonly name: string;
  readonly isAlias: boolean;
  readonly level: MlsLevel;
  readonly offset: number;
}

export interface FlaskCategory {
  readonly name: string;
  readonly value: number;
  readonly isAlias: boolean;
  readonly offset: number;
}

export type AvKind =
  | "allow"
  | "auditallow"
  | "dontaudit"
  | "type_transition"
  | "type_member"
  | "type_change"
  | "allowxperm"
  | "auditallowxperm"
  | "dontauditxperm";

/**
 * One entry of the access-vector table (avtab.h): a rule for (source, target, class). `data` is the
 * access vector for allow/auditallow, the complement of the denied-but-silent vector for dontaudit
 * (the policy stores AUDITDENY), and the new type for type rules.
 */
export interface AvRule {
  readonly source: number;
  readonly target: number;
  readonly class: number;
  readonly kind: AvKind;
  /** the specified field as stored, AVTAB_ENABLED (0x8000) included */
  readonly specified: number;
  readonly data: number;
  /** extended permissions (version 30+ Linux rules; none in a Xen policy) */
  readonly xperms?: {
    readonly specified: number;
    readonly driver: number;
    readonly perms: readonly number[];
  };
  readonly offset: number;
}

/** One node of a conditional expression in reverse Polish order (conditional.h COND_BOOL..COND_NEQ). */
export interface CondExpr {
  readonly op: "bool" | "not" | "or" | "and" | "xor" | "eq" | "neq";
  /** the boolean's value, for `bool` */
  readonly bool: number;
}

export interface FlaskConditional {
  readonly expr: readonly CondExpr[];
  /** the state the policy was written with */
  readonly state: boolean;
  readonly whenTrue: readonly AvRule[];
  readonly whenFalse: readonly AvRule[];
  readonly offset: number;
}

export interface FlaskContext {
  readonly user: number;
  readonly role: number;
  readonly type: number;
  /** present from version 19 on (every version read here); meaningful when the policy is MLS */
  readonly range: MlsRange;
}

/** Xen's object contexts (policydb.h OCON_XEN_*): what `security_*_sid` label. */
export interface XenOcontexts {
  readonly initialSids: readonly {
    readonly sid: number;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
  readonly pirqs: readonly {
    readonly pirq: number;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
  readonly ioports: readonly {
    readonly low: number;
    readonly high: number;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
  /** page frame numbers, 64-bit from version 30 */
  readonly iomems: readonly {
    readonly low: bigint;
    readonly high: bigint;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
  readonly pcidevices: readonly {
    readonly device: number;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
  readonly devicetrees: readonly {
    readonly path: string;
    readonly context: FlaskContext;
    readonly offset: number;
  }[];
}

export interface FlaskPolicy {
  readonly file: string;
  readonly size: number;
  readonly version: number;
  /** "XenFlask": the only target read */
  readonly target: string;
  readonly mls: boolean;
  /** handle_unknown: 0 deny, 2 reject, 4 allow (policydb.h DENY_UNKNOWN..ALLOW_UNKNOWN) */
  readonly handleUnknown: "deny" | "reject" | "allow";
  readonly policyCapabilities: readonly number[];
  /** permissive types */
  readonly permissive: readonly number[];
  readonly commons: readonly FlaskCommon[];
  readonly classes: readonly FlaskClass[];
  /** roles, object_r (value 1) included */
  readonly roles: readonly FlaskRole[];
  /** types, attributes and aliases as the policy lists them */
  readonly types: readonly FlaskType[];
  readonly users: readonly FlaskUser[];
  readonly booleans: readonly FlaskBoolean[];
  readonly sensitivities: readonly FlaskSensitivity[];
  readonly categories: readonly FlaskCategory[];
  /** nprim of each symbol table: how many values each has */
  readonly counts: {
    readonly commons: number;
    readonly classes: number;
    readonly roles: number;
    readonly types: number;
    readonly users: number;
    readonly booleans: number;
    readonly sensitivities: number;
    readonly categories: number;
  };
  readonly avtab: readonly AvRule[];
  readonly conditionals: readonly FlaskConditional[];
  readonly roleTransitions: readonly {
    readonly role: number;
    readonly type: number;
    readonly newRole: number;
    readonly class: number;
  }[];
  readonly roleAllows: readonly { readonly role: number; readonly newRole: number }[];
  /** named type transitions (version 25+; none in a Xen policy) */
  readonly filenameTransitions: readonly {
    readonly name: string;
    readonly sources: readonly number[];
    readonly target: number;
    readonly class: number;
    readonly newType: number;
  }[];
  readonly ocontexts: XenOcontexts;
  readonly rangeTransitions: readonly {
    readonly source: number;
    readonly target: number;
    readonly class: number;
    readonly range: MlsRange;
  }[];
  /** for each type value - 1: the attributes it has and itself (type_attr_map) */
  readonly typeAttributes: readonly (readonly number[])[];
}
