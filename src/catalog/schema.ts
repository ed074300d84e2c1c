import { z } from "zod";
import { LOOKUP_NAMES } from "./lookup-names.js";

/** `path:line` in the Xen tree the catalogue describes. */
export const Ref = z.string().regex(/^[\w./+-]+:\d+(-\d+)?$/, "expected `path:line`");

export const ActionSchema = z.enum(["HOOK", "DM_PRIV", "TARGET", "PRIV", "XS_PRIV", "OTHER", "HW_PRIV"]);
export const ArchSchema = z.enum(["x86", "arm"]);
export const GuestTypeSchema = z.enum(["pv", "pvh", "hvm"]);

/** A Kconfig symbol, `CONFIG_X86`, or its negation `!CONFIG_PV_SHIM_EXCLUSIVE`. */
export const Guard = z.string().regex(/^!?CONFIG_[A-Z0-9_]+$/);

/**
 * A domain an XSM check is evaluated on. `current` is the caller, `target` the
 * operation's target argument after lookup, `null` is NULL, `dom_xen`/`dom_io`
 * the system domains; any other word names an extra operand of the operation.
 */
export const Operand = z.string().regex(/^[a-z_][a-z0-9_]*$/);

/** The operands every operation has; any other name is an extra operand the operation binds. */
export const FIXED_OPERANDS: ReadonlySet<string> = new Set([
  "current",
  "target",
  "null",
  "dom_xen",
  "dom_io",
  "idle",
]);

/**
 * Conditions over the caller, the target and the build. Atoms:
 * `self` (target is the caller), `no-target`, `caller.<pv|pvh|hvm|hvm-like|control|hardware|xenstore|console>`,
 * `target.<pv|pvh|hvm|hvm-like|system|dom_io|dom_xen|control|hardware|xenstore>`, `arch.<x86|arm>`,
 * `build.<verbose-debug|pv-shim-exclusive|late-hwdom>`, and `runtime:<text>` for what files cannot tell.
 */
const DOMAIN_PROPS = "pv|pvh|hvm|hvm-like|control|hardware|xenstore|console";
/** The condition vocabulary the engine evaluates (src/query/cond.ts); anything else is a corrupt catalogue. */
export const COND_ATOM = new RegExp(
  `^(runtime:.+|self|no-target|caller\\.(${DOMAIN_PROPS})|target\\.(${DOMAIN_PROPS}|system|dom_io|dom_xen|idle)` +
    "|arch\\.(x86|arm)|build\\.(verbose-debug|pv-shim-exclusive|late-hwdom))$",
);

export type Cond = string | { all: Cond[] } | { any: Cond[] } | { not: Cond };
export const CondSchema: z.ZodType<Cond> = z.lazy(() =>
  z.union([
    z.string().regex(COND_ATOM, "unknown condition atom (see docs/catalogue.md)"),
    z.strictObject({ all: z.array(CondSchema).min(1) }),
    z.strictObject({ any: z.array(CondSchema).min(1) }),
    z.strictObject({ not: CondSchema }),
  ]),
);

/** How a denial reaches the caller. */
export const DenialSchema = z
  .string()
  .regex(/^(-E[A-Z]+|GNTST_[a-z_]+|start_extent|"<denied>"|filtered|zeroed|0)$/);

const base = {
  ref: Ref,
  note: z.string().optional(),
};

/** An XSM hook call on the path of the operation. */
export const XsmCheck = z.strictObject({
  kind: z.literal("xsm"),
  hook: z.string().regex(/^[a-z0-9_]+$/),
  /** the `XSM_*` literal at the call site */
  action: ActionSchema,
  /** hook parameter name -> operand, for the parameters that are domains */
  args: z.record(z.string(), Operand).default({}),
  /** non-domain arguments that OTHER hooks switch on, e.g. `{ "cmd": "CONSOLEIO_write" }` */
  values: z.record(z.string(), z.string()).default({}),
  /** the check is only made when this holds */
  when: CondSchema.optional(),
  denial: DenialSchema.default("-EPERM"),
  ...base,
});

/** A check made by Xen outside XSM: guest-type filters, lookups, role tests, argument rules. */
export const GateCheck = z.strictObject({
  kind: z.literal("gate"),
  /** the gate applies only when this holds */
  when: CondSchema.optional(),
  /** the caller is refused with `error` unless this holds */
  require: CondSchema,
  error: DenialSchema,
  ...base,
});

/** Later checks are skipped (and the operation allowed) when the condition holds. */
export const SkipCheck = z.strictObject({
  kind: z.literal("skip"),
  when: CondSchema,
  ...base,
});

export const CheckSchema = z.discriminatedUnion("kind", [XsmCheck, GateCheck, SkipCheck]);

/** How the target domid is turned into a domain (reference §2.5). */
export const LookupSchema = z.enum(LOOKUP_NAMES);

export const TargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({
    kind: z.literal("domain"),
    /** the field of the argument structure that names the domain */
    field: z.string(),
    lookup: LookupSchema,
    /** system domains this operation can name (e.g. `DOMID_IO` -> dom_io) */
    system: z.array(z.enum(["dom_xen", "dom_io"])).default([]),
    /** the error this call site gives when the lookup finds no domain, where it is not the lookup's own */
    missingError: DenialSchema.optional(),
    ref: Ref,
  }),
]);

export const OperationSchema = z.strictObject({
  /** `<hypercall>/<sub-op>[/<variant>]` with Xen's own names, without prefixes */
  id: z.string().regex(/^[a-z0-9_]+(\/[a-z0-9_]+){0,2}$/),
  hypercall: z.string(),
  subop: z.string().nullable(),
  /** the C constant and its value, e.g. `XEN_DOMCTL_pausedomain` = 3 */
  constant: z.string().optional(),
  value: z.number().int().optional(),
  summary: z.string(),
  arch: z.array(ArchSchema).min(1),
  guards: z.array(Guard).default([]),
  /** guest types whose hypercall table has the hypercall (xen/include/hypercall-defs.c) */
  callers: z.array(GuestTypeSchema).min(1),
  target: TargetSchema,
  /** extra domain operands and what they are bound to by default (`current` or `target`) */
  operands: z.record(z.string(), z.enum(["current", "target"])).default({}),
  /** for a whole hypercall whose sub-ops all share one rule (`kexec_op`): the sub-op constants it stands for */
  commands: z.array(z.string()).optional(),
  /** checks in the order Xen makes them */
  checks: z.array(CheckSchema),
  /** where the sub-op is dispatched (its case label) */
  ref: Ref,
  note: z.string().optional(),
});

export const HookSchema = z.strictObject({
  /** without the `xsm_` prefix */
  name: z.string().regex(/^[a-z0-9_]+$/),
  ref: Ref,
  action: ActionSchema,
  /** parameter names after `XSM_DEFAULT_ARG`, in order */
  params: z.array(z.string()),
  /** what is passed to `xsm_default_action` as src and target: `current`, `null` or a parameter name */
  src: z.string(),
  target: z.string(),
  guards: z.array(Guard).default([]),
  note: z.string().optional(),
});

export const LookupInfoSchema = z.strictObject({
  name: LookupSchema,
  ref: Ref,
  /** DOMID_SELF resolves to the caller */
  domidSelf: z.boolean(),
  /** the caller's own domid is accepted */
  selfAllowed: z.boolean(),
  /** error when the target is the caller and that is not allowed */
  selfError: DenialSchema.optional(),
  /** error when the domain does not exist */
  missingError: DenialSchema,
  /** a different error for callers that are not the control domain (do_domctl from 4.22.0) */
  nonControlError: DenialSchema.optional(),
  note: z.string().optional(),
});

/** A C condition as data (policy/expr.ts): atoms in Xen's spelling, `and`/`or`/`not`, `switch` labels. */
export type ProgramExpr =
  | { atom: string }
  | { and: ProgramExpr[] }
  | { or: ProgramExpr[] }
  | { not: ProgramExpr }
  | { switchOn: string; labels: string[] };
const ExprSchema: z.ZodType<ProgramExpr> = z.lazy(() =>
  z.union([
    z.strictObject({ atom: z.string() }),
    z.strictObject({ and: z.array(ExprSchema) }),
    z.strictObject({ or: z.array(ExprSchema) }),
    z.strictObject({ not: ExprSchema }),
    z.strictObject({ switchOn: z.string(), labels: z.array(z.string()) }),
  ]),
);
const CallSchema = z.strictObject({ call: ActionSchema, src: z.string(), target: z.string() });
const OutcomeSchema = z.union([z.enum(["allow", "deny"]), CallSchema]);
const StmtSchema = z.union([
  z.strictObject({ if: ExprSchema, then: OutcomeSchema, ref: Ref, note: z.string().optional() }),
  z.strictObject({ do: OutcomeSchema, ref: Ref, note: z.string().optional() }),
  z.strictObject({ if: ExprSchema.optional(), check: CallSchema, ref: Ref, note: z.string().optional() }),
]);
export const HookProgramSchema = z.strictObject({ ref: Ref, body: z.array(StmtSchema) });
export const SwitchProgramSchema = z.strictObject({
  ref: Ref,
  cases: z.array(
    z.strictObject({
      labels: z.array(z.union([ActionSchema, z.literal("default")])),
      ref: Ref,
      body: z.array(StmtSchema),
    }),
  ),
});

/** The tree's own default policy, read from its dummy.h by `xenpriv extract`. */
export const TreePolicySchema = z.strictObject({
  actions: z.array(ActionSchema),
  defaultAction: SwitchProgramSchema,
  /** hooks whose body is more than one xsm_default_action call */
  hooks: z.record(z.string(), HookProgramSchema),
});

/** A place where the extractor could not decide, said instead of guessed. */
export const UnresolvedSchema = z.strictObject({ ref: Ref, what: z.string(), reason: z.string() });

/** Every call of a hook in the hypervisor, reached by an operation or not. */
export const CallSiteSchema = z.strictObject({
  hook: z.string(),
  /** the `XSM_*` literal at the call site; null for hooks called without one (ARGO) */
  action: ActionSchema.nullable(),
  /** the call's arguments after the action, as written */
  args: z.array(z.string()),
  function: z.string(),
  ref: Ref,
  /** the operations whose path reaches it */
  reachedBy: z.array(z.string()),
});

/**
 * A call-site action that differs from the hook's XSM_ASSERT_ACTION, and what dummy.h makes of it:
 * no link with CONFIG_XSM=n (`LINKER_BUG_ON`), or no effect (the hook uses its own action).
 */
export const MismatchSchema = z.strictObject({
  hook: z.string(),
  callSite: Ref,
  action: ActionSchema,
  asserted: ActionSchema,
  hookRef: Ref,
  effect: z.enum(["build-break", "no-effect"]),
  /** the dummy.h line that decides it: XSM_ASSERT_ACTION for CONFIG_XSM=n, or the hook */
  effectRef: Ref,
  /** XSM_ASSERT_ACTION for CONFIG_XSM=y, `xsm_default_t action = (def)`: the dummy module's hook uses its own action */
  ownActionRef: Ref.optional(),
  /** a build in which the link check is not made (`defined(CONFIG_COVERAGE) && defined(__clang__)`) */
  except: z.strictObject({ when: z.string(), ref: Ref }).optional(),
});

export const ExtractionSchema = z.strictObject({
  callSites: z.array(CallSiteSchema),
  mismatches: z.array(MismatchSchema),
  unresolved: z.array(UnresolvedSchema),
});

/** A SID a Flask check names (src/flask/hook-checks.ts SidSource). */
export type FlaskSid =
  | { kind: "domain"; domain: string }
  | { kind: "domain-target"; source: string; target: string }
  | { kind: "initial-sid"; name: string }
  | { kind: "ocontext"; context: "pirq" | "ioport" | "iomem" | "pcidevice" | "devicetree"; via: string }
  | { kind: "evtchn"; channel: string }
  | { kind: "argument"; expr: string }
  | { kind: "one-of"; sources: FlaskSid[] }
  | { kind: "unresolved"; expr: string };
const FlaskSidSchema: z.ZodType<FlaskSid> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("domain"), domain: z.string() }),
    z.strictObject({ kind: z.literal("domain-target"), source: z.string(), target: z.string() }),
    z.strictObject({ kind: z.literal("initial-sid"), name: z.string() }),
    z.strictObject({
      kind: z.literal("ocontext"),
      context: z.enum(["pirq", "ioport", "iomem", "pcidevice", "devicetree"]),
      via: z.string(),
    }),
    z.strictObject({ kind: z.literal("evtchn"), channel: z.string() }),
    z.strictObject({ kind: z.literal("argument"), expr: z.string() }),
    z.strictObject({ kind: z.literal("one-of"), sources: z.array(FlaskSidSchema) }),
    z.strictObject({ kind: z.literal("unresolved"), expr: z.string() }),
  ]),
);
const FlaskConditionSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("case"),
    labels: z.array(z.string()),
    default: z.boolean(),
    switchLabels: z.array(z.string()),
    ref: Ref,
  }),
  z.strictObject({ kind: z.literal("if"), expr: z.string(), negated: z.boolean(), ref: Ref }),
  z.strictObject({ kind: z.literal("cpp"), expr: z.string(), negated: z.boolean(), ref: Ref }),
]);
const FlaskPermissionSchema = z.strictObject({
  macro: z.string(),
  class: z.string(),
  name: z.string(),
  ref: Ref,
  when: z.array(FlaskConditionSchema),
});
export const FlaskCheckSchema = z.strictObject({
  ref: Ref,
  via: z.array(z.string()),
  subject: FlaskSidSchema,
  object: FlaskSidSchema,
  class: z.string(),
  classRef: Ref,
  permissions: z.array(FlaskPermissionSchema),
  choice: z.boolean(),
  conditions: z.array(z.string()),
  when: z.array(FlaskConditionSchema),
  classMismatch: z.array(z.string()),
});
export const FlaskHookSchema = z.strictObject({
  name: z.string(),
  function: z.string(),
  params: z.array(z.string()),
  ref: z.union([Ref, z.literal("")]),
  opsRef: Ref,
  guards: z.array(z.string()),
  checks: z.array(FlaskCheckSchema),
  refusals: z.array(
    z.strictObject({
      ref: Ref,
      via: z.array(z.string()),
      error: z.string(),
      conditions: z.array(z.string()),
      when: z.array(FlaskConditionSchema),
    }),
  ),
});
/** What each Flask hook checks (xen/xsm/flask/hooks.c), read by src/extract/flask-hooks.ts. */
export const FlaskHooksSchema = z.strictObject({
  /** the tree it was read from */
  source: z.string(),
  hooks: z.array(FlaskHookSchema),
});

export const CatalogueMetaSchema = z.strictObject({
  xen: z.string(),
  tag: z.string(),
  commit: z.string(),
  origin: z.enum(["curated", "extracted"]),
  date: z.string(),
  note: z.string().optional(),
});

export const CatalogueSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  meta: CatalogueMetaSchema,
  hooks: z.array(HookSchema),
  lookups: z.array(LookupInfoSchema),
  operations: z.array(OperationSchema),
  /** extracted catalogues: the tree's own xsm_default_action and hook bodies */
  policy: TreePolicySchema.optional(),
  /** extracted catalogues: call sites, action mismatches, what could not be decided */
  extraction: ExtractionSchema.optional(),
  /** what each Flask hook checks, for `--policy flask:...` */
  flask: FlaskHooksSchema.optional(),
});

export type Catalogue = z.infer<typeof CatalogueSchema>;
export type Operation = z.infer<typeof OperationSchema>;
export type Hook = z.infer<typeof HookSchema>;
export type Check = z.infer<typeof CheckSchema>;
export type LookupInfo = z.infer<typeof LookupInfoSchema>;
export type FlaskHooks = z.infer<typeof FlaskHooksSchema>;
