import { z } from "zod";
import { MismatchSchema, OperationSchema } from "../catalog/schema.js";
import { DocEntrySchema, OptionEntrySchema } from "../cmdline/option-catalogue.js";
import type { Decision } from "../model/decision.js";
import { ConditionSchema } from "../privcmd/filter-facts.js";
import { OverlayMarkSchema } from "../privcmd/hypercall-catalogue.js";
import type { Cell } from "../query/cells.js";
import type { Change } from "../query/diff.js";

const OutcomeSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("allow"), ref: z.string().optional() }),
  z.object({ action: z.literal("deny"), errno: z.string(), ref: z.string().optional() }),
  z.object({
    action: z.literal("multicall"),
    maxDepth: z.number().int(),
    errno: z.string(),
    ref: z.string(),
  }),
]);
/** `privcmd export --as json`: privcmd/filter-program.ts's FilterProgram. */
const VerdictSchema = z.object({ checks: z.array(ConditionSchema), outcome: OutcomeSchema });
const FilterProgramShape = {
  profile: z.object({ id: z.string(), title: z.string() }),
  xen: z.string(),
  context: z.string(),
  ioctls: z.array(z.object({ name: z.string(), nr: z.number().int(), outcome: OutcomeSchema })),
  unknownIoctl: OutcomeSchema,
  hypercalls: z.array(
    z.object({
      name: z.string(),
      number: z.number().int(),
      subops: z.array(z.object({ name: z.string(), value: z.number().int(), verdict: VerdictSchema })),
      unnumbered: z.array(z.object({ name: z.string(), why: z.string(), verdict: VerdictSchema })).optional(),
      other: VerdictSchema,
    }),
  ),
  unknownHypercall: VerdictSchema,
};

/** Schemas of the JSON every command prints; `schemas/*.schema.json` are generated from these. */
const envelope = <K extends string, T extends z.ZodRawShape>(kind: K, shape: T) =>
  z.object({ version: z.literal(1), kind: z.literal(kind), ...shape });

/** A compiled Flask policy as `flask show` and `flask build` describe it (cli/outputs/flask.ts). */
const FLASK_POLICY_SHAPE = {
  file: z.string(),
  size: z.number().int(),
  version: z.number().int(),
  target: z.string(),
  mls: z.boolean(),
  handleUnknown: z.enum(["deny", "reject", "allow"]),
  counts: z.record(z.string(), z.number().int()),
  initialSids: z.array(z.string()),
  /** each boolean with the state the policy gives it by default */
  booleans: z.array(z.object({ name: z.string(), default: z.boolean() })),
  allow: z.array(z.string()).optional(),
  /** `flask build --rules`: each allow rule's statements in the tree's policy source (flask/rule-origins.ts) */
  origins: z
    .record(
      z.string(),
      z.array(
        z.object({
          ref: z.string(),
          text: z.string(),
          macro: z.object({ name: z.string(), ref: z.string(), text: z.string() }).optional(),
          perms: z.array(z.string()),
        }),
      ),
    )
    .optional(),
};

/** A diagnostic as JSON (core/diagnostic.ts). */
const DiagnosticJsonSchema = z.object({
  code: z.string(),
  severity: z.enum(["error", "warning", "note"]),
  message: z.string(),
  span: z.object({ file: z.string(), line: z.number().int(), column: z.number().int() }).loose().optional(),
  help: z.string().optional(),
  ref: z.string().optional(),
});

export const StepSchema = z.object({
  kind: z.enum(["lookup", "gate", "hook", "case", "predicate", "skip", "result", "note"]),
  what: z.string(),
  value: z.boolean().optional(),
  ref: z.string().optional(),
  depth: z.number().int().min(0),
});

export const DecisionSchema = z.object({
  decision: z.enum(["allow", "deny"]),
  op: z.string(),
  src: z.string(),
  target: z.string().nullable(),
  policy: z.string(),
  error: z.string().optional(),
  steps: z.array(StepSchema),
  conditions: z.array(z.string()),
});

export const CellSchema = z.object({
  domain: z.string(),
  op: z.string(),
  allowed: z.boolean().optional(),
  self: z.boolean().optional(),
  ownTarget: z.boolean().optional(),
  others: z.enum(["all", "some", "none"]).optional(),
  allowedWitness: z.string().optional(),
  deniedWitness: z.string().optional(),
  system: z.record(z.string(), z.boolean()).optional(),
});

const PrivcmdStepSchema = z.object({
  what: z.string(),
  outcome: z.enum(["pass", "fail", "note"]),
  ref: z.string().optional(),
});

/** privcmd check: an operation a domain needs and what the profile does with it. */
/** A call a domain's toolstack makes through privcmd (privcmd/check-needs.ts). */
const PrivcmdNeededSchema = z.object({
  op: z.string(),
  /** the privcmd ioctl it goes through */
  via: z.string(),
  /** the library function and its tools line, or the trace line, it comes from */
  from: z.string(),
  xsm: z.array(z.string()),
  /** where Xen lets the domain use it; `none`: nowhere; `-`: no XSM check */
  may: z.string(),
  call: z.object({ ioctl: z.string(), dom: z.number().int().optional() }).loose(),
  verdict: z.enum(["allowed", "conditional", "blocked"]),
  errno: z.string().optional(),
  /** blocked: the check that refuses it */
  step: PrivcmdStepSchema.optional(),
  /** conditional: what must hold for the profile to let it through */
  passesIf: z.array(z.string()).optional(),
  /** not in upstream's headers: from XenServer's overlay */
  overlay: OverlayMarkSchema.optional(),
});

export const ChangeSchema = z.object({
  kind: z.enum(["widened", "narrowed"]),
  op: z.string(),
  domain: z.string(),
  relation: z.enum(["none", "self", "own-target", "other", "dom_xen", "dom_io"]),
  target: z.string().nullable(),
  /** version diffs: the Xen line that decides the witness on each side */
  fromRef: z.string().optional(),
  toRef: z.string().optional(),
});

const DIFF_SHAPE = {
  from: z.string(),
  to: z.string(),
  changes: z.array(ChangeSchema),
  addedOps: z.array(z.string()),
  removedOps: z.array(z.string()),
  widened: z.number().int(),
  narrowed: z.number().int(),
};

/** A note in `xenpriv sbat` output: code, message and where (`file:line:col` or `file@0x..`). */
const SbatNoteSchema = z.object({ code: z.string(), message: z.string(), at: z.string().optional() });

/** A `.sbat` record as `xenpriv sbat show` prints it; `generation` is the number shim compares. */
const SbatRecordSchema = z.object({
  line: z.number().int(),
  component: z.string(),
  generation: z.number().int(),
  generationText: z.string(),
  vendorName: z.string(),
  vendorPackageName: z.string(),
  vendorVersion: z.string(),
  vendorUrl: z.string(),
});

const LevelPayloadSchema = z.object({ datestamp: z.string().nullable(), text: z.string() });
const SbatEntryRefSchema = z.object({
  component: z.string(),
  generation: z.number().int(),
  line: z.number().int(),
});

/** One image record against an SbatLevel (sbat/check-sbat.ts). */
const SbatRecordCheckSchema = z.object({
  component: z.string(),
  generationText: z.string(),
  generation: z.number().int(),
  line: z.number().int(),
  entry: SbatEntryRefSchema.optional(),
  result: z.enum(["pass", "revoked", "not-listed", "not-reached"]),
});

export const OUTPUT_SCHEMAS = {
  decision: envelope("decision", { ...DecisionSchema.shape, summary: z.string() }),
  "who-can": envelope("who-can", {
    op: z.string(),
    policy: z.string(),
    target: z.string().optional(),
    cells: z.array(CellSchema).optional(),
    decisions: z.array(DecisionSchema).optional(),
  }),
  "what-can": envelope("what-can", { domain: z.string(), policy: z.string(), cells: z.array(CellSchema) }),
  matrix: envelope("matrix", {
    policy: z.string(),
    domains: z.array(z.string()),
    ops: z.array(z.string()),
    cells: z.array(z.array(CellSchema)),
  }),
  diff: envelope("diff", DIFF_SHAPE),
  "diff-xen": envelope("diff-xen", {
    from: z.string(),
    to: z.string(),
    effective: z.object(DIFF_SHAPE),
    checks: z.array(
      z.object({
        op: z.string(),
        kind: z.enum(["added", "removed"]),
        what: z.string(),
        ref: z.string(),
        /** the call contradicts its hook's own action (see contradictions): it decides nothing */
        effect: MismatchSchema.shape.effect.optional(),
      }),
    ),
    hooks: z.array(
      z.object({
        hook: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        fromRef: z.string().nullable(),
        toRef: z.string().nullable(),
      }),
    ),
    lookups: z.array(
      z.object({
        lookup: z.string(),
        from: z.string(),
        to: z.string(),
        fromRef: z.string(),
        toRef: z.string(),
      }),
    ),
    /**
     * call sites whose action contradicts their hook's XSM_ASSERT_ACTION: a build break with
     * CONFIG_XSM=n or no effect, never a permission change; `effective` counts the hook's own action
     */
    contradictions: z.array(
      z.object({
        ...MismatchSchema.shape,
        side: z.enum(["from", "to"]),
        ops: z.array(z.string()),
        /** what the call's own action would change, not counted */
        uncounted: z.array(ChangeSchema),
      }),
    ),
  }),
  ops: envelope("ops", { xen: z.string(), arch: z.string(), operations: z.array(OperationSchema) }),
  /** `flask lint`: findings over a policy's types (flask/lint-policy.ts) */
  "flask-lint": envelope("flask-lint", {
    file: z.string(),
    /** the booleans set other than the policy's defaults (`--flask-boolean`) */
    booleans: z.record(z.string(), z.boolean()),
    findings: z.array(
      z.object({
        code: z.string(),
        severity: z.enum(["warning", "error"]),
        message: z.string(),
        reach: z.object({
          source: z.string(),
          target: z.string(),
          class: z.string(),
          permissions: z.array(z.string()),
        }),
        /** the allow rules that grant it, as sesearch prints them, and where each is in the compiled policy */
        rules: z.array(z.object({ rule: z.string(), offset: z.number().int() })),
      }),
    ),
  }),
  /** `flask reach`: which domain types may reach which (flask/type-reach.ts) */
  "flask-reach": envelope("flask-reach", {
    file: z.string(),
    /** the booleans set other than the policy's defaults (`--flask-boolean`) */
    booleans: z.record(z.string(), z.boolean()),
    reach: z.array(
      z.object({
        source: z.string(),
        target: z.string(),
        class: z.string(),
        permissions: z.array(z.string()),
      }),
    ),
  }),
  /** `ops --flask`: what Flask checks for each operation (query/flask-op-checks.ts) */
  "ops-flask": envelope("ops-flask", {
    xen: z.string(),
    arch: z.string(),
    flaskSource: z.string(),
    operations: z.array(
      z.object({
        id: z.string(),
        checks: z.array(
          z.object({
            hook: z.string(),
            callRef: z.string(),
            function: z.string(),
            functionRef: z.string(),
            class: z.string(),
            permissions: z.array(z.string()),
            oneOf: z.boolean(),
            subject: z.string(),
            object: z.string(),
            ref: z.string(),
            permissionRef: z.string(),
            runtime: z.array(z.string()),
          }),
        ),
        refusals: z.array(
          z.object({ hook: z.string(), error: z.string(), ref: z.string(), runtime: z.array(z.string()) }),
        ),
      }),
    ),
  }),
  options: envelope("options", {
    xen: z.string(),
    commit: z.string().optional(),
    arch: z.string().optional(),
    options: z.array(OptionEntrySchema.extend({ doc: DocEntrySchema.optional() })),
    undocumented: z.array(z.string()),
    unregistered: z.array(z.string()),
  }),
  cmdline: envelope("cmdline", {
    xen: z.string(),
    arch: z.enum(["x86", "arm", "arm32"]),
    assembled: z.object({
      passes: z.array(
        z.object({
          kind: z.enum(["builtin", "bootloader"]),
          text: z.string(),
          pieces: z.array(
            z.object({
              source: z.string(),
              trusted: z.boolean(),
              origin: z.string(),
              start: z.number().int(),
              end: z.number().int(),
              at: z.object({ file: z.string(), line: z.number().int(), column: z.number().int() }).optional(),
            }),
          ),
        }),
      ),
      dom0: z.string().optional(),
      saved: z.string(),
      efi: z.object({ section: z.string().optional(), chosenSection: z.string().optional() }).optional(),
      notes: z.array(DiagnosticJsonSchema),
    }),
    lockdown: z.object({
      model: z.string(),
      safeList: z.string(),
      secureBoot: z.boolean(),
      enabled: z.boolean(),
    }),
    tokens: z.array(
      z.object({
        pass: z.enum(["builtin", "bootloader"]),
        text: z.string(),
        source: z.string(),
        trusted: z.boolean(),
        origin: z.string(),
        status: z.enum([
          "applied",
          "partly-applied",
          "invalid",
          "ignored",
          "dropped",
          "unknown",
          "no-effect",
        ]),
        locked: z.boolean(),
        options: z.array(
          z.object({ name: z.string(), type: z.string(), ref: z.string(), result: z.string() }),
        ),
        why: z.array(z.string()),
        log: z.array(z.string()),
      }),
    ),
    settings: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        ref: z.string(),
        value: z.string(),
        sources: z.array(z.object({ source: z.string(), trusted: z.boolean(), text: z.string() })),
      }),
    ),
    diagnostics: z.array(DiagnosticJsonSchema),
    uki: z
      .object({
        file: z.string(),
        signed: z.boolean(),
        config: z.boolean(),
        sbat: z.array(z.object({ component: z.string(), generation: z.number().int(), line: z.string() })),
        sbatMissing: z.string().optional(),
        sbatRefused: z.string().optional(),
        sbatInvalid: z.array(z.string()).optional(),
      })
      .optional(),
  }),
  "set-parameters": envelope("set-parameters", {
    xen: z.string(),
    arch: z.enum(["x86", "arm"]),
    hypfs: z.boolean(),
    lockdown: z.object({ model: z.string(), safeList: z.string(), enabled: z.boolean() }),
    argument: z.string(),
    ignoredWords: z.array(z.string()),
    writes: z.array(
      z.object({
        text: z.string(),
        start: z.number().int(),
        end: z.number().int(),
        path: z.string(),
        value: z.string(),
        negation: z.boolean(),
        entry: OptionEntrySchema.optional(),
        result: z.enum(["written", "handler-called", "failed", "crash"]),
        errno: z.string().optional(),
        why: z.string(),
        ref: z.string(),
        atBoot: z.string().optional(),
      }),
    ),
    notReached: z.array(z.string()),
    ok: z.boolean(),
    diagnostics: z.array(DiagnosticJsonSchema),
  }),
  "privcmd-classify": envelope("privcmd-classify", {
    xen: z.string(),
    operations: z.array(
      z.object({
        id: z.string(),
        hypercall: z.string(),
        subop: z.string().optional(),
        number: z.number().int(),
        value: z.number().int().optional(),
        ref: z.string(),
        /** not in upstream's headers: from XenServer's overlay, with what decides it in XenServer's Xen */
        overlay: OverlayMarkSchema.optional(),
        class: z.enum(["privileged", "control-plane", "informational"]),
        whenDom0: z.enum(["privileged", "control-plane", "informational"]).optional(),
        xenserver: z.string(),
        xsm: z.array(z.string()),
        xsa77: z.boolean(),
        pointerFree: z.boolean().optional(),
        handles: z.array(z.string()).optional(),
        evidence: z.array(z.object({ source: z.string(), says: z.string(), ref: z.string() })),
        /** conflicts between sources; classes that are xenpriv's own default; questions no source settles */
        disagreements: z.object({
          conflicts: z.array(z.string()),
          defaults: z.array(z.string()),
          open: z.array(z.string()),
        }),
      }),
    ),
    policyDocument: z.object({ source: z.string(), says: z.string(), ref: z.string() }),
  }),
  "privcmd-emu": envelope("privcmd-emu", {
    profile: z.string(),
    call: z.object({ ioctl: z.string() }).loose(),
    allowed: z.boolean(),
    errno: z.string().optional(),
    steps: z.array(PrivcmdStepSchema),
    restrictedTo: z.number().int().optional(),
    readArguments: z.boolean().optional(),
  }),
  "privcmd-trace": envelope("privcmd-trace", {
    profile: z.string(),
    calls: z.array(
      z.object({
        line: z.number().int(),
        fd: z.number().int(),
        call: z.object({ ioctl: z.string() }).loose(),
        allowed: z.boolean(),
        errno: z.string().optional(),
      }),
    ),
    summary: z.record(z.string(), z.number().int()),
  }),
  "privcmd-filter-program": envelope("privcmd-filter-program", FilterProgramShape),
  report: envelope("report", { output: z.string(), bytes: z.number().int() }),
  "privcmd-check": envelope("privcmd-check", {
    xen: z.string(),
    profile: z.string(),
    policy: z.string(),
    lockedDown: z.boolean(),
    domains: z.array(
      z.object({
        domain: z.string(),
        domid: z.number().int(),
        roles: z.array(z.string()),
        needsFrom: z.enum(["toolstack", "trace"]),
        privcmd: z.enum(["dom0", "domU"]),
        restrictedTo: z.number().int().optional(),
        needed: z.array(PrivcmdNeededSchema),
        blocked: z.array(PrivcmdNeededSchema),
        conditional: z.array(PrivcmdNeededSchema),
        kernelMediated: z.array(z.object({ op: z.string(), via: z.string(), from: z.string() })),
        unusable: z.array(
          z.object({
            op: z.string(),
            xsm: z.array(z.string()),
            verdict: z.enum(["allowed", "conditional"]),
            why: z.array(z.string()),
          }),
        ),
        counts: z.object({
          needed: z.number().int(),
          allowed: z.number().int(),
          conditional: z.number().int(),
          blocked: z.number().int(),
          kernelMediated: z.number().int(),
          neverUsable: z.number().int(),
          allowedNeverUsable: z.number().int(),
        }),
      }),
    ),
  }),
  "sbat-show": envelope("sbat-show", {
    file: z.string(),
    format: z.enum(["PE32", "PE32+"]),
    machine: z.string(),
    imageBase: z.string(),
    signed: z.boolean(),
    certificates: z
      .array(
        z.object({
          offset: z.number().int(),
          length: z.number().int(),
          revision: z.string(),
          type: z.number().int(),
        }),
      )
      .optional(),
    sections: z.array(
      z.object({
        index: z.number().int(),
        name: z.string(),
        rawName: z.string(),
        /** objdump's Size, VMA (hex) and File off */
        size: z.number().int(),
        vma: z.string(),
        fileOffset: z.number().int(),
        virtualSize: z.number().int(),
        sizeOfRawData: z.number().int(),
        characteristics: z.string(),
      }),
    ),
    sbat: z.object({
      state: z.enum(["present", "missing", "refused", "invalid"]),
      section: z.number().int().optional(),
      reason: z.string().optional(),
      records: z.array(SbatRecordSchema),
      /** `invalid`: the records that break parse_sbat_section's rules, each with its rule as `code` */
      invalid: z.array(SbatNoteSchema).optional(),
      warnings: z.array(SbatNoteSchema),
    }),
    payloads: z
      .object({
        section: z.string(),
        automatic: LevelPayloadSchema,
        latest: LevelPayloadSchema,
      })
      .optional(),
  }),
  "sbat-check": envelope("sbat-check", {
    file: z.string(),
    level: z.object({
      spec: z.string(),
      how: z.string(),
      source: z.string(),
      datestamp: z.string().nullable(),
      text: z.string(),
      entries: z.array(
        z.object({ component: z.string(), generation: z.number().int(), line: z.number().int() }),
      ),
      advisories: z.array(z.string()),
      notes: z.array(z.string()),
    }),
    viaProtocol: z.boolean(),
    verdict: z.enum(["pass", "revoked", "refused"]),
    reason: z.string(),
    records: z.array(SbatRecordCheckSchema),
    revokedBy: z
      .object({ record: SbatRecordCheckSchema, entry: SbatEntryRefSchema, needed: z.number().int() })
      .optional(),
    recommendation: z
      .object({
        moves: z.array(
          z.object({
            line: z.number().int(),
            component: z.string(),
            from: z.string(),
            to: z.number().int(),
            text: z.string(),
            newText: z.string(),
          }),
        ),
        unchanged: z.array(
          z.object({ line: z.number().int(), component: z.string(), generation: z.number().int() }),
        ),
        absent: z.array(z.string()),
        notes: z.array(z.string()),
      })
      .optional(),
    /** verdict `refused` for `.sbat` text shim cannot parse: the records that break a rule, the first decides */
    invalid: z.array(SbatNoteSchema).optional(),
    warnings: z.array(SbatNoteSchema),
  }),
  "sbat-generate": envelope("sbat-generate", {
    component: z.string(),
    generation: z.number().int(),
    text: z.string(),
    records: z.array(
      z.object({ line: z.number().int(), component: z.string(), generation: z.number().int() }),
    ),
    output: z.string().optional(),
  }),
  "flask-policy": envelope("flask-policy", FLASK_POLICY_SHAPE),
  "flask-build": envelope("flask-build", FLASK_POLICY_SHAPE),
  "sbat-levels": envelope("sbat-levels", {
    source: z.string(),
    commit: z.string(),
    file: z.string(),
    automatic: z.object({ datestamp: z.string(), ref: z.string() }),
    latest: z.object({ datestamp: z.string(), ref: z.string() }),
    levels: z.array(
      z.object({
        datestamp: z.string(),
        line: z.number().int(),
        added: z.string(),
        entries: z.array(z.string()),
        advisories: z.array(z.string()),
        automatic: z.boolean().optional(),
        latest: z.boolean().optional(),
      }),
    ),
  }),
  policies: envelope("policies", {
    policies: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        origin: z.object({
          kind: z.enum(["upstream", "proposal"]),
          date: z.string(),
          messageId: z.string().optional(),
          source: z.string(),
        }),
        description: z.string(),
        actions: z.array(z.string()),
      }),
    ),
  }),
} as const;

/** Compile-time guard: the published schemas and the types the code returns describe the same JSON. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
export type OutputSchemasMatchTypes = [
  Same<z.infer<typeof DecisionSchema>, Mutable<Decision>>,
  Same<z.infer<typeof CellSchema>, Mutable<Cell>>,
  Same<z.infer<typeof ChangeSchema>, Mutable<Change>>,
];
const _schemasMatchTypes: OutputSchemasMatchTypes = [true, true, true];
void _schemasMatchTypes;
