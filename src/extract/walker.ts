import { join } from "node:path";
import type { Cond } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { lineOf, type Node, norm, statementsOf } from "./c-parser.js";
import type { CalleeMemo, CalleeRecord } from "./callee-memo.js";
import { type CaseItem, casesOf, holdsCase, innerLabel } from "./case-items.js";
import { conditionOf, isRuntime, negate } from "./conditions.js";
import { buildable, type Kconfig, required } from "./kconfig.js";
import { oncePer } from "./once-per.js";
import {
  DOMAIN_ITERATORS,
  fieldOf,
  LOOKUPS,
  NEW_DOMAIN_ALLOCATORS,
  OUT_PARAM_LOOKUPS,
  type Role,
  roleOf,
  strip,
} from "./roles.js";
import type { Unresolved } from "./unresolved.js";
import { WalkReads } from "./walk-reads.js";
import {
  type Arch,
  branchGuards,
  type CFunction,
  definitionsOn,
  fileFlags,
  guardsAround,
  type XenTree,
} from "./xen-tree.js";

/** An XSM hook call, a role gate or a bypass found on the path of one sub-op. */
export type FoundCheck =
  | {
      readonly kind: "xsm";
      readonly hook: string;
      readonly action: string;
      readonly args: Readonly<Record<string, Role>>;
      readonly values: Readonly<Record<string, string>>;
      readonly when: readonly Cond[];
      readonly denial?: string;
      readonly ref: string;
      readonly via: readonly string[];
      readonly guards: readonly string[];
    }
  | {
      readonly kind: "gate";
      readonly require: Cond;
      readonly error: string;
      readonly when: readonly Cond[];
      readonly ref: string;
      readonly via: readonly string[];
      /** a hook that no default policy passes (dummy.h's xsm_do_xsm_op()) */
      readonly byHook?: true;
    }
  | {
      readonly kind: "skip";
      readonly when: readonly Cond[];
      readonly ref: string;
      readonly via: readonly string[];
    };

/** How a lookup's failure is reported, when the code says so right after it. */
export interface LookupFailure {
  readonly var: string;
  readonly error: string;
  /** `is_control_domain(current->domain) ? -ESRCH : -EPERM` */
  readonly nonControlError?: string;
  readonly ref: string;
}

/** What the walker needs to know about the hooks. */
export interface HookShape {
  /** parameter names after the action argument */
  readonly params: readonly string[];
  /** the ones declared `struct domain *`, and `domid_t` */
  readonly domains: readonly string[];
  readonly domids: readonly string[];
  /** a module entry point that dummy.h fails outright: a gate no default policy passes */
  readonly fails?: { readonly error: string; readonly ref: string };
}

/** Everything one walk of a hypercall for one sub-op (or for enumeration) collected. */
export interface WalkResult {
  readonly checks: FoundCheck[];
  /** case labels of switches on the sub-op, with where they are (enumeration mode) */
  readonly labels: Map<string, { ref: string; guards: string[] }>;
  readonly lookupFailures: LookupFailure[];
  readonly unresolved: Unresolved[];
  /** system domains a variable is set to when the guest names them: `if ( op->domain == DOMID_IO ) d = dom_io;` */
  readonly systemTargets: Map<string, Set<string>>;
  /** domains looked up on every path, the call failing when they are missing */
  readonly required: Role[];
  /**
   * Where the sub-op fails on every path with an "unsupported" error, by the arch's Kconfig
   * (`if ( !IS_ENABLED(CONFIG_HAS_SOFT_RESET) ) ret = -EOPNOTSUPP;`) or because no arch dispatcher
   * has its case (`default: return -ENOSYS;`): the arch does not have the operation.
   */
  unsupported?: { readonly ref: string; readonly error: string };
}

type Flow = "normal" | "break" | "continue" | "return";

interface Frame {
  readonly fn: CFunction;
  readonly env: Map<string, Role>;
  /** expressions that hold the sub-op number in this function (`cmd`, `op->cmd`) */
  readonly disc: Set<string>;
  /** what the path knows about the guest's arguments: `vec->op` is (or is not) `XEN_VM_EVENT_GET_VERSION` */
  readonly facts: Map<string, Fact>;
  /** what the caller passed for each domid parameter: `domid` is `source.domid` in gnttab_copy_lock_domain() */
  readonly passed?: ReadonlyMap<string, string>;
  /** variables holding an XSM hook's result (`ret = xsm_domctl(...)`): on the path that goes on, it passed */
  readonly hookResults: Map<string, FoundCheck>;
}

interface Fact {
  readonly value: string;
  readonly eq: boolean;
}

/** What a helper's walk did that its record (callee-memo.ts) keeps, noted as it goes. */
interface Capture {
  /** the stack's length at the helper's entry, before its frame */
  readonly base: number;
  readonly attempted: Set<CFunction>;
  depth: number;
  readonly struck: Set<string>;
  readonly targets: [string, string][];
}

/** `&op->u.vm_event_op` passed as `vec`: `op->u.vm_event_op.op` is `vec->op` in the callee. */
function rebase(expr: string, arg: string, param: string): string | null {
  if (expr === arg) return param;
  if (expr.startsWith(`${arg}->`) || expr.startsWith(`${arg}.`))
    return `${param}->${expr.slice(arg.length + (expr[arg.length] === "." ? 1 : 2))}`;
  return null;
}

const MAX_DEPTH = 14;
/** hook parameters that are domains in dummy.h */
const SUBARCH_64 = /^xen\/arch\/(arm\/arm64|x86\/x86_64)\//;
const ERROR_CODE = /^-E[A-Z]+$/;
/** a C constant: `XEN_DOMCTL_pausedomain`, `DIAL_MODE_peek`, `XSM_PRIV` */
const CONSTANT = /^[A-Z][A-Z0-9]*(_[A-Za-z0-9]+)*$/;

function mergeFlow(a: Flow, b: Flow): Flow {
  if (a === "normal" || b === "normal") return "normal";
  return a === b ? a : "return";
}

/** `op->cmd` as a whole operand of an expression's text, not `op->cmd_x` or `xop->cmd`. */
const mentionOf = oncePer(
  (disc: string) => new RegExp(`(^|[^\\w>.])${disc.replace(/[.>-]/g, "\\$&")}($|[^\\w])`),
);

/**
 * Walks the C of a hypercall along the path of one sub-op (or of all, to enumerate them),
 * following calls into helpers that reach a hook, and records every check on the way.
 */
export class PathWalker {
  private readonly out: WalkResult = {
    checks: [],
    labels: new Map(),
    lookupFailures: [],
    unresolved: [],
    systemTargets: new Map(),
    required: [],
  };
  private readonly stack: Frame[] = [];
  private readonly conds: Cond[] = [];
  private readonly guardStack: string[] = [];
  /** the guards a gate holds under: those whose code has no failing `#else` */
  private readonly gateGuards: string[] = [];
  /** the helpers' walks under way that callees will keep, outermost first */
  private readonly captures: Capture[] = [];
  /** told each thing the walk reads; a helper's walk kept in `callees` has its own, added after */
  private reads: WalkReads | undefined;

  constructor(
    private readonly tree: XenTree,
    private readonly hooks: ReadonlyMap<string, HookShape>,
    private readonly relevant: ReadonlySet<string>,
    private readonly arch: Arch,
    /** the sub-op constant to follow; null enumerates the labels */
    private readonly value: string | null,
    /** told each thing the walk reads of the tree, the hooks and the relevant set (walk-memo.ts) */
    reads?: WalkReads,
    /** helpers' walks made by the walks before, of the same tree, hooks and relevant set */
    private readonly callees?: CalleeMemo,
  ) {
    this.reads = reads;
    const k = tree.kconfig[arch];
    this.kconfig = reads ? { arch: k.arch, value: (symbol) => this.noteKconfig(symbol, k.value(symbol)) } : k;
  }

  run(entry: CFunction, disc: Iterable<string>): WalkResult {
    this.enter(entry, new Map(), new Set(disc));
    return this.out;
  }

  private get frame(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private ref(n: Node): string {
    return `${this.frame.fn.file}:${lineOf(n)}`;
  }

  private via(): string[] {
    return this.stack.map((f) => f.fn.name);
  }

  private enter(
    fn: CFunction,
    env: Map<string, Role>,
    disc: Set<string>,
    facts = new Map<string, Fact>(),
    passed?: ReadonlyMap<string, string>,
  ): void {
    // a helper not handed the sub-op walks the same whatever the sub-op: kept, or taken again
    if (!this.callees || this.stack.length === 0 || disc.size > 0) {
      this.walkBody(fn, env, disc, facts, passed);
      return;
    }
    const context = JSON.stringify([
      this.arch,
      this.value === null,
      [...env],
      [...facts],
      [...(passed ?? [])],
      // what the helper reads of its caller's state
      this.conds.length === 0,
      this.namedBy("dom_io"),
      this.namedBy("dom_xen"),
      this.guardStack,
      this.gateGuards,
      this.reads !== undefined,
    ]);
    const kept = this.callees.get(fn, context);
    if (kept && this.fits(kept)) {
      this.replay(kept, env);
      return;
    }
    const capture: Capture = {
      base: this.stack.length,
      attempted: new Set(),
      depth: 0,
      struck: new Set(),
      targets: [],
    };
    const outer = {
      conds: [...this.conds],
      checks: this.out.checks.length,
      lookupFailures: this.out.lookupFailures.length,
      unresolved: this.out.unresolved.length,
      required: this.out.required.length,
      unsupported: this.out.unsupported,
      reads: this.reads,
    };
    this.out.unsupported = undefined;
    this.reads = outer.reads && new WalkReads();
    this.captures.push(capture);
    let inner: WalkReads | undefined;
    try {
      this.walkBody(fn, env, disc, facts, passed);
    } finally {
      this.captures.pop();
      inner = this.reads;
      this.reads = outer.reads;
      if (inner) this.reads?.absorb(inner);
    }
    const unsupported = this.out.unsupported;
    this.out.unsupported = outer.unsupported ?? unsupported;
    const checks = this.out.checks.slice(outer.checks);
    const record: CalleeRecord = {
      attempted: [...capture.attempted],
      depth: capture.depth,
      struck: [...capture.struck],
      checks: checks.map((check) => ({
        check,
        when: check.when.slice(outer.conds.length),
        via: check.via.slice(capture.base),
      })),
      lookupFailures: this.out.lookupFailures.slice(outer.lookupFailures),
      unresolved: this.out.unresolved.slice(outer.unresolved),
      required: this.out.required.slice(outer.required),
      targets: capture.targets,
      unsupported,
      env: [...env],
      reads: inner,
    };
    // kept only where the caller's stack stopped none of its calls and every check holds under the caller's conditions
    const held = (when: readonly Cond[]) => outer.conds.every((c, i) => when[i] === c);
    if (this.fits(record) && checks.every((c) => held(c.when))) this.callees.put(fn, context, record);
  }

  /**
   * Whether a helper's walk holds from here: no call it made stops at this stack, none goes too deep,
   * no condition here is one it struck by its text.
   */
  private fits(kept: CalleeRecord): boolean {
    return (
      !kept.attempted.some((f) => this.stack.some((s) => s.fn === f)) &&
      this.stack.length + kept.depth < MAX_DEPTH &&
      !this.conds.some((c) => typeof c === "string" && kept.struck.includes(c))
    );
  }

  /** A kept helper's walk, done again from here. */
  private replay(kept: CalleeRecord, env: Map<string, Role>): void {
    const via = this.via();
    for (const { check, when, via: below } of kept.checks)
      this.out.checks.push({ ...check, when: [...this.conds, ...when], via: [...via, ...below] });
    this.out.lookupFailures.push(...kept.lookupFailures);
    this.out.unresolved.push(...kept.unresolved);
    this.out.required.push(...kept.required);
    for (const [name, system] of kept.targets) this.addTarget(name, system);
    if (kept.unsupported) this.out.unsupported ??= kept.unsupported;
    for (const [k, r] of kept.env) env.set(k, r);
    if (kept.reads) this.reads?.absorb(kept.reads);
    for (const f of kept.attempted) this.attempt(f, kept.depth);
    for (const c of kept.struck) this.strike(c);
  }

  /**
   * A call of `f` from here, `below` frames deeper (a kept helper's, replayed): the helpers' walks under
   * way depend on it, as a caller with `f` on its stack, or a stack too deep, would stop it.
   */
  private attempt(f: CFunction, below = 0): void {
    for (const c of this.captures) {
      c.attempted.add(f);
      c.depth = Math.max(c.depth, this.stack.length + below - c.base);
    }
  }

  /** A condition struck from checks by its text: a caller's of the same text would go too. */
  private strike(c: Cond): void {
    if (typeof c === "string") for (const capture of this.captures) capture.struck.add(c);
  }

  /** `systemTargets`, told to the helpers' walks under way. */
  private addTarget(name: string, system: string): void {
    const names = this.out.systemTargets.get(name) ?? new Set();
    this.out.systemTargets.set(name, names.add(system));
    for (const c of this.captures) c.targets.push([name, system]);
  }

  private walkBody(
    fn: CFunction,
    env: Map<string, Role>,
    disc: Set<string>,
    facts: Map<string, Fact>,
    passed?: ReadonlyMap<string, string>,
  ): void {
    this.stack.push({ fn, env, disc, facts, hookResults: new Map(), ...(passed && { passed }) });
    this.reads?.entered(fn);
    const depth = this.conds.length;
    try {
      // where every path leaves the body before its last statement (do_domctl's sub-ops that `goto` out
      // of its second switch on op->cmd, xen/common/domctl.c:377 at RELEASE-4.22.0), what follows is not
      // read, and a view leaves it out (arm-view.ts)
      this.stmts(fn.body.namedChildren, (next) => this.reads?.left(fn, next.startIndex - fn.body.startIndex));
    } catch (e) {
      // expressions nested thousands deep exhaust the stack: bad input, named where it is
      if (e instanceof RangeError)
        fail(
          error("extract/too-deep", `\`${fn.name}\` is nested too deep to follow`, {
            file: join(this.tree.root, fn.file),
            line: fn.line,
            column: 1,
          }),
        );
      throw e;
    } finally {
      this.stack.pop();
      this.conds.length = depth;
    }
  }

  /** `vec->op == XEN_VM_EVENT_GET_VERSION` as a fact the branch knows (or its negation, in the else). */
  private factOf(cond: Node): [string, Fact] | null {
    const x = strip(cond);
    if (x.type !== "binary_expression") return null;
    const op = x.child(1)?.type;
    const l = x.childForFieldName("left");
    const r = x.childForFieldName("right");
    if (!l || !r || (op !== "==" && op !== "!=")) return null;
    const [e, k] = CONSTANT.test(norm(r)) ? [l, r] : [r, l];
    if (!CONSTANT.test(norm(k)) || CONSTANT.test(norm(e))) return null;
    return [norm(strip(e)), { value: norm(k), eq: op === "==" }];
  }

  private withFact<T>(fact: [string, Fact] | null, holds: boolean, f: () => T): T {
    if (!fact) return f();
    const [key, { value, eq }] = fact;
    const facts = this.frame.facts;
    const before = facts.get(key);
    facts.set(key, { value, eq: eq === holds });
    try {
      return f();
    } finally {
      if (before) facts.set(key, before);
      else facts.delete(key);
    }
  }

  /** `f` under `c`; conditions that early returns add inside `f` end with it too. */
  private withCond<T>(c: Cond | null, f: () => T): T {
    const depth = this.conds.length;
    if (c) this.conds.push(c);
    try {
      return f();
    } finally {
      this.conds.length = depth;
    }
  }

  // ---- statements --------------------------------------------------------

  /** Statements in turn, up to one every path leaves by; `left` is told the statement after it, not walked. */
  private stmts(nodes: readonly (Node | null)[], left?: (next: Node) => void): Flow {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (!n) continue;
      const f = this.stmt(n);
      if (f === "normal") continue;
      const next = left && nodes.slice(i + 1).find((k) => k !== null);
      if (next) left(next);
      return f;
    }
    return "normal";
  }

  private stmt(n: Node): Flow {
    switch (n.type) {
      case "compound_statement":
      case "translation_unit":
        return this.stmts(n.namedChildren);
      case "expression_statement":
        for (const c of n.namedChildren) if (c) this.expr(c);
        return "normal";
      case "declaration":
        this.declaration(n);
        return "normal";
      case "if_statement":
        return this.ifStatement(n);
      case "switch_statement":
        return this.switchStatement(n);
      case "return_statement": {
        const e = n.namedChild(0);
        if (e) this.expr(e);
        return "return";
      }
      case "goto_statement":
        // Xen's gotos leave for the cleanup at the end of the function.
        return "return";
      case "break_statement":
        return "break";
      case "continue_statement":
        return "continue";
      case "for_statement":
      case "while_statement":
      case "do_statement": {
        for (const f of ["initializer", "condition", "update"]) {
          const c = n.childForFieldName(f);
          if (c) c.type === "declaration" ? this.declaration(c) : this.expr(c);
        }
        const body = n.childForFieldName("body");
        if (body) this.stmt(body);
        return "normal";
      }
      case "labeled_statement":
        return this.stmts(n.namedChildren.filter((c) => c?.type !== "statement_identifier"));
      case "function_definition": {
        // `for_each_domain ( d ) { ... }` reads as a nested definition: a loop over every domain
        const iterator = n.childForFieldName("type")?.text ?? "";
        const v = n.childForFieldName("declarator");
        const body = n.childForFieldName("body");
        if (DOMAIN_ITERATORS.has(iterator) && v && body) {
          const name = norm(strip(v)).replace(/^\(|\)$/g, "");
          this.frame.env.set(name, {
            kind: "lookup",
            lookup: "for_each_domain",
            field: "each domain",
            ref: this.ref(n),
            var: name,
          });
          this.stmt(body);
        }
        return "normal";
      }
      case "preproc_ifdef":
      case "preproc_if":
      case "preproc_elif":
      case "preproc_else":
        return this.preproc(n);
      case "comment":
      case "preproc_def":
      case "preproc_function_def":
      case "preproc_call":
      case "preproc_include":
        return "normal";
      default:
        for (const c of n.namedChildren) if (c) isStatement(c) ? this.stmt(c) : this.expr(c);
        return "normal";
    }
  }

  /** The guards the arch's Kconfig leaves to the user (`CONFIG_X86` on x86 is no guard). */
  private undecided(guards: readonly string[]): string[] {
    return guards.filter((g) => this.kconfig.value(g.replace(/^!?CONFIG_/, "")) === "m");
  }

  /** An `#if` block: its body under its `CONFIG_*` guards, its `#else` under their negation. */
  private preproc(n: Node, outer: readonly string[] = []): Flow {
    const skip = new Set(["name", "condition", "alternative"]);
    const body: Node[] = [];
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i);
      const field = n.fieldNameForChild(i);
      if (c?.isNamed && !(field && skip.has(field))) body.push(c);
    }
    const isElse = n.type === "preproc_else";
    const guards = [...outer, ...(isElse ? [] : branchGuards(n, false))];
    // a branch the arch's Kconfig rules out is not built
    const built = buildable(this.kconfig, guards);
    const kept = this.undecided(guards);
    const alt = n.childForFieldName("alternative");
    // `#ifdef CONFIG_VMTRACE ... #else return -EOPNOTSUPP; #endif`: without the option the call fails
    // anyway, so a gate inside holds whatever the user chose
    const conditional = alt && onlyFails(alt) ? [] : kept;
    this.guardStack.push(...kept);
    this.gateGuards.push(...conditional);
    const flow = built ? this.stmts(body) : "normal";
    this.guardStack.length -= kept.length;
    this.gateGuards.length -= conditional.length;
    if (!alt) return "normal";
    return mergeFlow(flow, this.preproc(alt, [...outer, ...(isElse ? [] : branchGuards(n, true))]));
  }

  private declaration(n: Node): void {
    for (const d of n.namedChildren) {
      if (d?.type !== "init_declarator") continue;
      const value = d.childForFieldName("value");
      let name: Node | null = d.childForFieldName("declarator");
      while (name && name.type !== "identifier") name = name.childForFieldName("declarator");
      if (!value || !name) continue;
      this.assign(name.text, value);
    }
  }

  private ifStatement(n: Node): Flow {
    const cond = n.childForFieldName("condition");
    const cons = n.childForFieldName("consequence");
    const alt = n.childForFieldName("alternative");
    if (!cond || !cons) return "normal";
    const gated = this.errorBeforeAnd(n, cond);
    if (gated) {
      // `rc = -EINVAL; if ( is_hvm_domain(d) && !(rc = hvm_get_param(...)) )`: without the left side
      // the error stands, a gate before the check
      this.expr(gated.left);
      const c = this.conditionOf(gated.left);
      if (c) this.recordGate(gated.left, negate(c), gated.error, true);
      this.expr(gated.right);
    } else this.expr(cond);
    const elseBody = alt?.type === "else_clause" ? alt.namedChild(0) : alt;
    // `if ( !lock || domctl_lock_acquire() ) ... else ret = -ERESTART;`: the call is retried until it holds
    // (-ERESTART becomes a continuation, xen/arch/x86/mm/paging.c:760-767 at RELEASE-4.22.0)
    const decided = this.decide(cond) ?? (restarts(elseBody) ? true : restarts(cons) ? false : null);
    // the branch the arch's build always takes only fails
    const taken = this.configured(cond) === null ? null : decided ? cons : elseBody;
    const fails = taken ? (errorOf(taken) ?? errorAssigned(taken)) : null;
    if (taken && fails && UNSUPPORTED.test(fails)) this.unsupported(taken, fails);
    // a condition the sub-op settles is no condition of its checks
    const c = decided === null ? this.conditionOf(cond) : null;
    // `if ( d == e ) ret = -EINVAL; else ret = xsm_...(...);`: the error branch fails the operation
    const failing = decided === null && elseBody && !this.reachesHook(cond) ? errorAssigned(cons) : null;
    if (failing) {
      // run-time failures (`if ( copy_from_guest(...) ) ret = -EFAULT; else ...`) stay out, as in every other form
      this.recordGate(cond, c, failing);
      return this.stmt(elseBody as Node);
    }
    // `else if ( ioports_access_permitted(d, ...) ) { ... } else ret = -EPERM;`: the work needs the condition
    const elseFails =
      decided === null && elseBody && !failing && !this.reachesHook(cond) ? errorAssigned(elseBody) : null;
    if (elseFails) {
      this.recordGate(cond, c ? negate(c) : null, elseFails, this.reachesHook(cons));
      return this.withCond(c, () => this.stmt(cons));
    }
    // `ret = -EPERM; if ( irq ) ret = xsm_...(...);`: without the condition the error stands
    const before = decided === null && !elseBody ? this.errorBeforeCheck(n, cons) : null;
    if (before) {
      this.recordGate(cond, c ? negate(c) : null, before, true);
      // `else if ( is_hvm_domain(d) && paging_mode_shadow(d) ) rc = xsm_...(...);`: the hook is made when it holds
      return n.parent?.type === "else_clause" ? this.withCond(c, () => this.stmt(cons)) : this.stmt(cons);
    }
    const error = errorOf(cons) ?? this.errorBeforeExit(n, cons);
    if (error) this.recordGate(cond, c, error);
    // a helper that returns early with success on a test of a domain (late_hwdom_init(): not the late
    // hardware domain): what follows in its block runs only when the condition is false
    if (
      c &&
      decided === null &&
      !elseBody &&
      this.stack.length > 1 &&
      this.testsDomain(cond) &&
      (/^\{?\s*return(\s+0)?\s*;\s*\}?$/.test(cons.text) || this.succeedsAt(n, cons))
    ) {
      this.conds.push(negate(c));
      return "normal";
    }
    const fact = decided === null ? this.factOf(cond) : null;
    const found = this.out.checks.length;
    const known = new Set(this.frame.env.keys());
    const thenFlow =
      decided === false ? "return" : this.withFact(fact, true, () => this.withCond(c, () => this.stmt(cons)));
    if (c) this.unlessNotLookedUp(cond, c, known, found);
    const negated: Cond | null = c ? negate(c) : null;
    const elseFlow =
      decided === true
        ? "return"
        : elseBody
          ? this.withFact(fact, false, () => this.withCond(negated, () => this.stmt(elseBody)))
          : "normal";
    // `if ( op.interface_version != V || op.cmd != XEN_DOMCTL_shadow_op ) return -EOPNOTSUPP;` at the
    // top of a function: what follows knows `op.cmd` (a test inside a nested block would not say)
    if (decided === null && thenFlow === "return" && !elseBody && n.parent?.equals(this.frame.fn.body))
      for (const part of disjuncts(cond)) {
        const f = this.factOf(part);
        if (f) this.frame.facts.set(f[0], { value: f[1].value, eq: !f[1].eq });
      }
    if (decided === null && thenFlow === "return" && elseFlow === "normal" && c && this.isBypass(cond, cons))
      this.out.checks.push({ kind: "skip", when: [...this.conds, c], ref: this.ref(n), via: this.via() });
    if (decided === true) return thenFlow;
    if (decided === false) return elseFlow;
    return mergeFlow(thenFlow, elseFlow);
  }

  /**
   * `if ( !src->domain || ... ) { ...; lock the domains and check them }` (gnttab_copy_one()): the
   * branch looks up the domain its condition finds missing, a cache of earlier lookups in a batch,
   * so the checks in it are made for each domain used, not only on some run-time condition.
   */
  private unlessNotLookedUp(cond: Node, c: Cond, known: ReadonlySet<string>, found: number): void {
    const text = norm(cond);
    const filled = [...this.frame.env].some(
      ([k, r]) => r.kind === "lookup" && !known.has(k) && text.includes(`!${k}`),
    );
    if (!filled) return;
    this.strike(c);
    for (let i = found; i < this.out.checks.length; i++) {
      const check = this.out.checks[i] as FoundCheck;
      this.out.checks[i] = { ...check, when: check.when.filter((w) => w !== c) };
    }
  }

  /**
   * `int ret = 0; ... if ( !dst_d || !dst_d->argo ) goto out; ... out: ... return ret;`: the jump
   * leaves with success while nothing before it set the result (fill_ring_data()).
   */
  private succeedsAt(n: Node, cons: Node): boolean {
    const label = /^\{?\s*goto\s+(\w+)\s*;\s*\}?$/.exec(cons.text)?.[1];
    if (!label) return false;
    const body = this.frame.fn.body;
    this.reads?.whole(this.frame.fn);
    const result = new RegExp(`\\b${label}:[\\s\\S]*?\\breturn\\s+(\\w+)\\s*;`).exec(body.text)?.[1];
    if (!result) return false;
    const before = body.text.slice(0, n.startIndex - body.startIndex);
    const init = new RegExp(`\\b${result}\\s*=\\s*0\\s*;`).exec(before);
    return !!init && !new RegExp(`\\b${result}\\s*=[^=]`).test(before.slice(init.index + init[0].length));
  }

  /**
   * A branch that does the operation's work and leaves without an error code, on a
   * condition over the guest's arguments or the domains' roles: later checks are bypassed.
   * Continuations and error exits are not bypasses.
   */
  private isBypass(cond: Node, cons: Node): boolean {
    this.readWhole(cons);
    const text = cons.text;
    if (/-E[A-Z]+|\bbreak\b|\bcontinue\b|hypercall_create_continuation/.test(text)) return false;
    if (!/\bgoto\b|\breturn\b/.test(text) || !/\b\w+\s*\(/.test(text)) return false;
    return /[=!]=\s*[A-Z][A-Z0-9_]+\b|\bis_\w+_domain\s*\(/.test(cond.text);
  }

  /** `if ( !is_hardware_domain(currd) ) return -ENOSYS;`: a role gate outside XSM. */
  private recordGate(cond: Node, c: Cond | null, error: string, keepRuntime = false): void {
    // `if ( copy_from_guest(...) ) return -EFAULT;` everywhere: run-time failures are kept only next to a
    // check, and `if ( (d == current->domain) || (vcpu >= d->max_vcpus) ) break;` by its static part; a
    // rangeset test (`ioports_access_permitted(currd, ...)`) is a permission outside XSM, kept whole
    const fails = c && !keepRuntime && !RANGESET.test(cond.text) ? staticPart(c) : c;
    if (!fails) return;
    this.out.checks.push({
      kind: "gate",
      require: negate(fails),
      error,
      // a gate in code the arch builds only with an option of the user's (Arm's CONFIG_HAS_PCI) holds only then
      when: [
        ...this.conds,
        ...this.gateGuards.map(
          (g) => `runtime:built ${g.startsWith("!") ? `without ${g.slice(1)}` : `with ${g}`}` as Cond,
        ),
      ],
      ref: this.ref(cond),
      via: this.via(),
    });
  }

  /** Whether a condition reads a domain the walk has named. */
  private testsDomain(cond: Node): boolean {
    return cond.descendantsOfType("identifier").some((i) => !!i && this.frame.env.has(i.text));
  }

  /** A hook, or a function that calls one. */
  private leadsToHook(name: string): boolean {
    return (name.startsWith("xsm_") && this.hook(name.slice(4)) !== undefined) || this.isRelevant(name);
  }

  /** Whether evaluating `n` may make an XSM check. */
  private reachesHook(n: Node): boolean {
    this.readWhole(n);
    const calls = n.type === "call_expression" ? [n] : [];
    return [...calls, ...n.descendantsOfType("call_expression")].some(
      (c) => !!c && this.leadsToHook(c.childForFieldName("function")?.text ?? ""),
    );
  }

  /**
   * What the walk reads of `n` beyond the statements it walks (its text, its calls): a switch in it
   * is read with every case, so the function is read whole, not through a view (arm-view.ts).
   */
  private readWhole(n: Node): void {
    if (this.reads && holdsSwitch(n)) this.reads.whole(this.frame.fn);
  }

  /** `ret = -EPERM; if ( !is_hardware_domain(current->domain) ) break;`: the error set before the exit. */
  private errorBeforeExit(n: Node, cons: Node): string | null {
    const body = statementsOf(cons).filter((x) => !isLog(x));
    if (body.length !== 1 || !/^(break|goto\w+);$/.test(norm(body[0] as Node))) return null;
    return errorStanding(n, (c) => this.readWhole(c))?.value ?? null;
  }

  /** `rc = -E...;` before `if ( left && !(rc = hook_reaching(...)) )`: the error and the two sides. */
  private errorBeforeAnd(n: Node, cond: Node): { left: Node; right: Node; error: string } | null {
    const x = strip(cond);
    const left = x.childForFieldName("left");
    const right = x.childForFieldName("right");
    if (x.type !== "binary_expression" || x.child(1)?.type !== "&&" || !left || !right) return null;
    if (!this.reachesHook(right) || this.reachesHook(left)) return null;
    const prev = n.previousNamedSibling;
    const before = prev ? assignmentOf(prev) : null;
    if (!before || !ERROR_CODE.test(norm(before.value))) return null;
    const sets = right
      .descendantsOfType("assignment_expression")
      .some((a) => !!a && norm(a.childForFieldName("left") ?? a) === before.name);
    return sets ? { left, right, error: norm(before.value) } : null;
  }

  /** The error code the statement before set, when the branch only assigns a hook's result over it. */
  private errorBeforeCheck(n: Node, cons: Node): string | null {
    const body = statementsOf(cons);
    const only = body.length === 1 ? assignmentOf(body[0] as Node) : null;
    if (!only) return null;
    const callee = /^(\w+)\(/.exec(norm(only.value))?.[1] ?? "";
    // `ret = -EINVAL; if ( d != current->domain ) ret = domain_pause_by_systemcontroller(d);`: a role or
    // relation test is a gate whatever the branch calls
    const cond = n.childForFieldName("condition");
    const pure = !!cond && !isRuntime(this.conditionOf(cond));
    if (!this.leadsToHook(callee) && !pure) return null;
    // `rc = -EINVAL; if ( d != current->domain ) rc = -EOPNOTSUPP; else if ( ... ) rc = xsm_...(...);`
    const before = errorStanding(n, (c) => this.readWhole(c));
    return before && before.name === only.name ? before.value : null;
  }

  /** Only a path with no run-time condition on it fails whatever the caller passes. */
  private unsupported(at: Node, error: string): void {
    if (this.conds.length === 0) this.out.unsupported ??= { ref: this.ref(at), error };
  }

  /**
   * `IS_ENABLED(CONFIG_HAS_SOFT_RESET)` where the arch's Kconfig settles it, and a header's flag
   * macro that every build of the arch has (`llc_coloring_enabled` is `false` without CONFIG_LLC_COLORING).
   */
  private configured(cond: Node): boolean | null {
    const text = norm(strip(cond));
    const m = /^(!?)\s*IS_ENABLED\((CONFIG_\w+)\)$/.exec(text);
    if (m) {
      const v = this.kconfig.value((m[2] as string).slice("CONFIG_".length));
      return v === "m" ? null : (v === "y") !== (m[1] === "!");
    }
    // the catalogue models 64-bit guests (hypercall-defs.c's pv64/hvm64 columns): `!curr->hcall_compat`
    // (xen/arch/x86/hvm/hypercall.c:99 at RELEASE-4.22.0) holds
    const compat = /^(!?)\w+->hcall_compat$/.exec(text);
    if (compat) return compat[1] === "!";
    const flag = /^(!?)\s*([a-z_][a-z0-9_]*)$/.exec(text);
    if (!flag || this.frame.env.has(flag[2] as string) || this.frame.fn.params.includes(flag[2] as string))
      return null;
    // a header's, or one of the function's own file (`#define opt_grant_transfer false` without CONFIG_PV)
    const name = flag[2] as string;
    const header = this.tree.flags.get(name);
    const own = fileFlags(this.tree, this.frame.fn.file).get(name);
    this.reads?.flag(name, this.frame.fn.file, header, own);
    const defs = [...(header ?? []), ...(own ?? [])];
    const def = defs.find(
      (f) => (f.arch === null || f.arch === this.arch) && required(this.kconfig, f.guards),
    );
    return def ? def.value !== (flag[1] === "!") : null;
  }

  private readonly kconfig: Kconfig;

  private noteKconfig<T extends string>(symbol: string, value: T): T {
    this.reads?.kconfig(this.arch, symbol, value);
    return value;
  }

  /** definitionsOn, told to `reads` */
  private definitions(name: string): CFunction[] {
    const defs = definitionsOn(this.tree, name, this.arch);
    this.reads?.definitions(this.arch, name, defs);
    return defs;
  }

  private hook(name: string): HookShape | undefined {
    const shape = this.hooks.get(name);
    this.reads?.hook(name, shape);
    return shape;
  }

  private isRelevant(name: string): boolean {
    const relevant = this.relevant.has(name);
    this.reads?.relevant(name, relevant);
    return relevant;
  }

  /**
   * `deny ? xen_deny() : saved_cmdline` after `bool deny = xsm_xen_version(...)`: a refused caller gets
   * the text "<denied>" (xen_deny(), xen/common/version.c:68 at RELEASE-4.22.0), not an error.
   */
  private deniedText(cond: Node, cons: Node | null): void {
    const check = this.frame.hookResults.get(norm(strip(cond)));
    const at = check ? this.out.checks.indexOf(check) : -1;
    if (at < 0 || check?.kind !== "xsm" || check.denial || !cons || norm(cons) !== "xen_deny()") return;
    this.out.checks[at] = { ...check, denial: '"<denied>"' };
  }

  /** A C condition as catalogue atoms, reading through one-expression predicates of this arch. */
  private conditionOf(n: Node): Cond {
    return conditionOf(n, this.frame.env, this.frame.disc, (name) => {
      const defs = this.definitions(name);
      const only = defs.length === 1 ? (defs[0] as CFunction) : undefined;
      // every statement of its body is read (one `return` makes it a predicate): none left out of a view
      if (only) this.reads?.whole(only);
      const body = only ? statementsOf(only.body) : [];
      const ret = body.length === 1 && body[0]?.type === "return_statement" ? body[0].namedChild(0) : null;
      return ret ? { params: (defs[0] as CFunction).params, expr: ret } : null;
    });
  }

  /** Whether the path is taken when the guest's domid is the system domain's own (`op->domain == DOMID_IO`). */
  private namedBy(system: "dom_io" | "dom_xen"): boolean {
    const id = system === "dom_io" ? "DOMID_IO" : "DOMID_XEN";
    return this.conds.some(
      (c) => typeof c === "string" && c.startsWith("runtime:") && c.endsWith(` == ${id}`),
    );
  }

  /** `!ret`, `ret == 0` (true) or `ret`, `ret < 0` (false) right after `ret = xsm_...(...)`. */
  private hookPassed(cond: Node): boolean | null {
    const text = norm(strip(cond));
    const m = /^(!?)(\w+)(==0|!=0|<0)?$/.exec(text);
    if (!m || !this.frame.hookResults.has(m[2] as string)) return null;
    // the condition holds when the hook passed only for `ret == 0`
    const holdsOnPass = m[3] === "==0";
    return m[1] === "!" ? !holdsOnPass : holdsOnPass;
  }

  /** Whether a condition is settled by the sub-op being followed. */
  private decide(cond: Node): boolean | null {
    const kconfig = this.configured(cond);
    if (kconfig !== null) return kconfig;
    const passed = this.hookPassed(cond);
    if (passed !== null) return passed;
    const known = this.factOf(cond);
    const fact = known ? this.frame.facts.get(known[0]) : undefined;
    if (known && fact) {
      const [, asked] = known;
      // known equal: any comparison is settled; known different: only with the same constant
      if (fact.eq) return (fact.value === asked.value) === asked.eq;
      if (fact.value === asked.value) return !asked.eq;
    }
    if (this.value === null) return null;
    const x = strip(cond);
    if (x.type === "binary_expression") {
      const op = x.child(1)?.type;
      const l = x.childForFieldName("left");
      const r = x.childForFieldName("right");
      if (!l || !r) return null;
      if (op === "==" || op === "!=") {
        const [d, k] = this.frame.disc.has(norm(strip(l))) ? [l, r] : [r, l];
        if (!this.frame.disc.has(norm(strip(d))) || !CONSTANT.test(norm(k))) return null;
        return (norm(k) === this.value) === (op === "==");
      }
      if (op === "||" || op === "&&") {
        const a = this.decide(l);
        const b = this.decide(r);
        if (op === "||") return a === true || b === true ? true : a === false && b === false ? false : null;
        return a === false || b === false ? false : a === true && b === true ? true : null;
      }
    }
    if (x.type === "unary_expression" && x.child(0)?.type === "!") {
      const inner = x.childForFieldName("argument");
      const v = inner ? this.decide(inner) : null;
      return v === null ? null : !v;
    }
    return null;
  }

  /** The sub-op, or the sub-op with its continuation bits masked off (`cmd & MEMOP_CMD_MASK`, hvm_memory_op()). */
  private isDisc(e: Node): boolean {
    const x = strip(e);
    if (this.frame.disc.has(norm(x))) return true;
    if (x.type !== "binary_expression" || x.child(1)?.type !== "&") return false;
    const l = x.childForFieldName("left");
    const r = x.childForFieldName("right");
    return !!l && !!r && this.frame.disc.has(norm(strip(l))) && CONSTANT.test(norm(r));
  }

  private switchStatement(n: Node): Flow {
    const cond = n.childForFieldName("condition");
    const body = n.childForFieldName("body");
    if (!cond || !body) return "normal";
    this.expr(cond);
    const items = casesOf(body);
    if (this.isDisc(cond)) {
      const fn = this.frame.fn;
      let start = this.value === null ? -1 : items.findIndex((c) => c.label === this.value);
      // the sub-op's own cases: the others' statements are not read (arm-view.ts)
      if (start >= 0) {
        const ran = { count: 0 };
        const flow = this.runCases(items, start, ran);
        const label = this.value as string;
        this.reads?.skipped(fn, { at: n.startIndex - fn.body.startIndex, label, count: ran.count });
        return flow;
      }
      if (this.value === null) {
        this.reads?.whole(fn);
        for (const c of items) {
          if (c.label === "default" || this.out.labels.has(c.label)) continue;
          const guards = guardsAround(c.node).filter((g) => !this.frame.fn.guards.includes(g));
          // `#ifdef CONFIG_PM_STATS` around a case: no such sub-op where the arch cannot have it
          if (!buildable(this.kconfig, guards)) continue;
          this.out.labels.set(c.label, { ref: this.ref(c.node), guards: this.undecided(guards) });
        }
        // nested dispatchers (arch_do_domctl, arch_memory_op) are reached through `default:`
        const def = items.findIndex((c) => c.label === "default");
        if (def >= 0) this.runCases(items, def);
        return "normal";
      }
      const inner = this.fromInnerLabel(items);
      if (inner) {
        this.reads?.whole(fn);
        return inner;
      }
      start = items.findIndex((c) => c.label === "default");
      const only = items[start]?.stmts.filter((n) => n.type !== "comment") ?? [];
      const fails = only.length >= 1 ? UNSUPPORTED.exec(norm(only[0] as Node)) : null;
      if (fails) this.unsupported(only[0] as Node, fails[2] as string);
      // no case names the sub-op, not even inside another's statements (do_domctl's switch of the sub-ops
      // that take no lock, xen/common/domctl.c:377 at RELEASE-4.22.0): those are not read either
      const view = { at: n.startIndex - fn.body.startIndex, label: this.value, absent: true as const };
      const ran = { count: 0 };
      const flow = start < 0 ? "normal" : this.runCases(items, start, ran);
      this.reads?.skipped(fn, { ...view, count: ran.count });
      return flow;
    }
    // a switch on something else: every case may run
    let flow: Flow | null = null;
    const made: { cond: string; from: number; to: number }[] = [];
    for (let i = 0; i < items.length; i++) {
      const label = (items[i] as CaseItem).label;
      const c: Cond =
        label === "default"
          ? `runtime:default of switch ( ${norm(strip(cond))} )`
          : `runtime:${norm(strip(cond))} == ${label}`;
      const from = this.out.checks.length;
      const f = this.withCond(c, () => this.runCases(items, i));
      made.push({ cond: c, from, to: this.out.checks.length });
      flow = flow === null ? f : mergeFlow(flow, f);
    }
    const def = items.find((c) => c.label === "default");
    const error = def ? failureOf(def.stmts) : null;
    if (def && error) this.madeByEveryCase(made, def, error);
    return def ? (flow ?? "normal") : "normal";
  }

  /**
   * `switch ( type ) { case GSI: ...; case MSI: ...; default: ret = -EINVAL; }` (physdev_map_pirq()): a
   * check every case makes is made whenever the operation goes on, whatever the value; the others fail.
   */
  private madeByEveryCase(
    made: { cond: string; from: number; to: number }[],
    def: CaseItem,
    error: string,
  ): void {
    const cases = made.filter((m) => !m.cond.startsWith("runtime:default of"));
    const key = (c: FoundCheck) => JSON.stringify({ ...c, when: undefined, via: undefined });
    const first = cases[0];
    if (!first || cases.length < 2) return;
    const inEvery = this.out.checks
      .slice(first.from, first.to)
      .map(key)
      .filter((k) => cases.every((m) => this.out.checks.slice(m.from, m.to).some((c) => key(c) === k)));
    if (inEvery.length === 0) return;
    const conds = new Set(cases.map((m) => m.cond));
    for (const c of conds) this.strike(c);
    const kept: FoundCheck[] = [];
    const seen = new Set<string>();
    for (const c of this.out.checks.slice(first.from)) {
      const k = key(c);
      if (!inEvery.includes(k)) kept.push(c);
      else if (!seen.has(k)) {
        seen.add(k);
        kept.push({ ...c, when: c.when.filter((w) => !(typeof w === "string" && conds.has(w))) });
      }
    }
    this.out.checks.splice(first.from, this.out.checks.length - first.from, ...kept);
    this.out.checks.push({
      kind: "gate",
      require: { any: [...conds] },
      error,
      when: [...this.conds],
      ref: this.ref(def.node),
      via: this.via(),
    });
  }

  /**
   * `if ( op->domain == DOMID_INVALID ) { case XEN_DOMCTL_createdomain: d = NULL; break; }` (do_domctl at
   * RELEASE-4.17.0, domctl.c:310): a label inside a block of a case. Execution starts there, runs to the
   * end of each block around it, then goes on with the statements after them and the cases that follow.
   */
  private fromInnerLabel(items: readonly CaseItem[]): Flow | null {
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as CaseItem;
      for (let k = 0; k < item.stmts.length; k++) {
        const label = innerLabel(item.stmts[k] as Node, this.value as string);
        if (!label) continue;
        const own = label.namedChildren.filter(
          (x): x is Node =>
            !!x && !x.equals(label.childForFieldName("value") ?? label) && x.type !== "comment",
        );
        let flow = this.stmts(own);
        // the rest of each block the label is in, innermost first
        for (let at: Node = label; flow === "normal" && !at.equals(item.stmts[k] as Node); ) {
          const block = at.parent as Node;
          const rest: Node[] = [];
          for (let next = at.nextNamedSibling; next; next = next.nextNamedSibling) rest.push(next);
          if (block.type === "compound_statement") flow = this.stmts(rest);
          at = block;
        }
        if (flow === "normal") flow = this.stmts(item.stmts.slice(k + 1));
        if (flow === "normal") flow = this.runCases(items, i + 1);
        return flow === "break" ? "normal" : flow;
      }
    }
    return null;
  }

  /** Runs from one case on, falling through, until something leaves the switch. */
  private runCases(items: readonly CaseItem[], start: number, ran?: { count: number }): Flow {
    for (let i = start; i < items.length; i++) {
      if (ran) ran.count = i - start + 1;
      const f = this.stmts((items[i] as CaseItem).stmts);
      if (f === "break") return "normal";
      if (f !== "normal") return f;
    }
    return "normal";
  }

  // ---- expressions -------------------------------------------------------

  private assign(name: string, value: Node): void {
    const env = this.frame.env;
    const v = strip(value);
    this.expr(value);
    if (v.type === "call_expression") {
      const fname = v.childForFieldName("function")?.text ?? "";
      if (LOOKUPS.has(fname) && !OUT_PARAM_LOOKUPS.has(fname)) {
        this.bindLookup(name, fname, v);
        return;
      }
      if (NEW_DOMAIN_ALLOCATORS.has(fname)) {
        env.set(name, { kind: "new" });
        return;
      }
    }
    // `bool_t deny = !!xsm_xen_version(...)` (RELEASE-4.17.7)
    const call = /^!!/.test(norm(v))
      ? strip(v.childForFieldName("argument")?.childForFieldName("argument") ?? v)
      : v;
    const callee = call.type === "call_expression" ? (call.childForFieldName("function")?.text ?? "") : "";
    // the hook's check is the last one found
    const made = this.out.checks.at(-1);
    if (callee.startsWith("xsm_") && this.hook(callee.slice(4)) !== undefined && made)
      this.frame.hookResults.set(name, made);
    else this.frame.hookResults.delete(name);
    const r = roleOf(value, env);
    if (r.kind === "system" && this.namedBy(r.name)) this.addTarget(name, r.name);
    if (r.kind !== "unknown") env.set(name, r);
    else if (this.mentionsDisc(v) && v.type !== "call_expression") this.frame.disc.add(name);
  }

  private bindLookup(name: string, fname: string, call: Node): void {
    const arg = call.childForFieldName("arguments")?.namedChild(0);
    const lookup = this.frame.fn.name === "do_domctl" ? "domctl" : fname;
    const field = arg ? fieldOf(arg) : "?";
    const role: Role = {
      kind: "lookup",
      lookup,
      field: this.frame.passed?.get(field) ?? field,
      ref: this.ref(call),
      var: name,
    };
    this.frame.env.set(name, role);
    const failures = this.out.lookupFailures.length;
    this.noteLookupFailure(name, call);
    // a lookup on every path that fails the call when the domain is missing (do_domctl's)
    if (this.out.lookupFailures.length > failures && this.conds.length === 0) this.out.required.push(role);
  }

  /** `if ( !d ) return <error>;` right after the lookup. */
  private noteLookupFailure(name: string, call: Node): void {
    let stmt: Node | null = call;
    while (stmt && stmt.type !== "expression_statement" && stmt.type !== "declaration") stmt = stmt.parent;
    const next = stmt?.nextNamedSibling;
    if (next?.type !== "if_statement") return;
    const test = next.childForFieldName("condition") ?? next;
    const missing = (t: string) => t === `!${name}` || t === `${name}==NULL`;
    // `if ( !d && op->cmd != XEN_DOMCTL_getdomaininfo ) return -ESRCH;` (do_domctl at RELEASE-4.17.0,
    // domctl.c:317): a failure for every sub-op the rest of the test lets through
    const x0 = strip(test);
    const right =
      x0.type === "binary_expression" && x0.child(1)?.type === "&&" ? x0.childForFieldName("right") : null;
    const left = right ? norm(strip(x0.childForFieldName("left") ?? x0)) : "";
    if (!missing(norm(x0)) && !(right && missing(left) && this.decide(right) === true)) return;
    const ret = next.childForFieldName("consequence");
    const r = ret?.type === "return_statement" ? ret.namedChild(0) : null;
    if (!r) return;
    const x = strip(r);
    if (
      x.type === "conditional_expression" &&
      /is_control_domain/.test(norm(x.childForFieldName("condition") ?? x))
    ) {
      this.out.lookupFailures.push({
        var: name,
        error: norm(x.childForFieldName("consequence") ?? x),
        nonControlError: norm(x.childForFieldName("alternative") ?? x),
        ref: this.ref(next),
      });
    } else if (ERROR_CODE.test(norm(x)))
      this.out.lookupFailures.push({ var: name, error: norm(x), ref: this.ref(next) });
  }

  /** The argument is the sub-op, or the structure holding it (`op` for `op->cmd`). */
  private passesDisc(a: Node): boolean {
    const text = norm(strip(a)).replace(/^&/, "");
    return (
      this.mentionsDisc(a) ||
      [...this.frame.disc].some((d) => d.startsWith(`${text}->`) || d.startsWith(`${text}.`))
    );
  }

  private mentionsDisc(n: Node): boolean {
    const t = norm(n);
    for (const d of this.frame.disc) if (mentionOf(d).test(t)) return true;
    return false;
  }

  private expr(n: Node): void {
    switch (n.type) {
      case "call_expression":
        this.call(n);
        return;
      case "assignment_expression": {
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        const named = left?.type === "identifier" || left?.type === "field_expression";
        if (right && left && named && n.child(1)?.type === "=") this.assign(norm(left), right);
        else if (right) this.expr(right);
        return;
      }
      case "conditional_expression": {
        const cond = n.childForFieldName("condition");
        if (!cond) return;
        this.expr(cond);
        const c = this.conditionOf(cond);
        const decided = this.decide(cond);
        const cons = n.childForFieldName("consequence");
        const alt = n.childForFieldName("alternative");
        this.deniedText(cond, n.childForFieldName("consequence"));
        // `paging_mode_translate(d) ? xsm_...(...) : -EACCES`: the other arm fails the operation
        const failArm = [cons, alt].findIndex((x) => !!x && ERROR_CODE.test(norm(x)));
        const bothFail = !!cons && !!alt && ERROR_CODE.test(norm(cons)) && ERROR_CODE.test(norm(alt));
        if (decided === null && failArm >= 0 && !bothFail) {
          const error = norm([cons, alt][failArm] as Node);
          const other = failArm === 0 ? alt : cons;
          this.recordGate(
            cond,
            failArm === 0 ? c : c ? negate(c) : null,
            error,
            !!other && this.reachesHook(other),
          );
          if (other) this.expr(other);
          return;
        }
        if (cons && decided !== false) this.withCond(c, () => this.expr(cons));
        if (alt && decided !== true) this.withCond(c ? negate(c) : null, () => this.expr(alt));
        return;
      }
      case "binary_expression": {
        const op = n.child(1)?.type;
        const l = n.childForFieldName("left");
        const r = n.childForFieldName("right");
        if (!l || !r) return;
        this.expr(l);
        if (op === "||" || op === "&&") {
          const c = this.conditionOf(l);
          const guard: Cond | null = c ? (op === "&&" ? c : negate(c)) : null;
          this.withCond(guard, () => this.expr(r));
        } else this.expr(r);
        return;
      }
      default:
        for (const c of n.namedChildren) if (c) isStatement(c) ? this.stmt(c) : this.expr(c);
    }
  }

  private call(n: Node): void {
    const fnNode = n.childForFieldName("function");
    const argsNode = n.childForFieldName("arguments");
    const args = (argsNode?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== "comment");
    for (const a of args) this.expr(a);
    if (fnNode?.type !== "identifier") {
      if (fnNode) this.expr(fnNode);
      return;
    }
    const name = fnNode.text;
    if (name.startsWith("xsm_") && this.hook(name.slice(4)) !== undefined) {
      this.hookCall(n, name.slice(4), args);
      return;
    }
    if (OUT_PARAM_LOOKUPS.has(name)) {
      const out = args[1] ? strip(args[1]) : null;
      if (out?.type === "pointer_expression") {
        const v = out.childForFieldName("argument")?.text;
        if (v) this.bindLookup(v, name, n);
      }
      return;
    }
    // follow helpers that reach a hook, and dispatchers handed the sub-op (arch_do_sysctl)
    if (!this.isRelevant(name) && !args.some((a) => this.passesDisc(a))) return;
    const callee = this.resolve(name, n);
    if (!callee) return;
    this.attempt(callee);
    if (this.stack.some((f) => f.fn === callee) || this.stack.length >= MAX_DEPTH) return;
    const env = new Map<string, Role>();
    const disc = new Set<string>();
    const facts = new Map<string, Fact>();
    const passed = new Map<string, string>();
    callee.params.forEach((p, i) => {
      const a = args[i];
      if (!a) return;
      const r = roleOf(a, this.frame.env);
      if (r.kind !== "unknown") env.set(p, r);
      const field = fieldOf(a);
      passed.set(p, this.frame.passed?.get(field) ?? field);
      const text = norm(strip(a)).replace(/^&/, "");
      for (const d of this.frame.disc) {
        const there = rebase(d, text, p);
        if (there) disc.add(there);
      }
      for (const [k, f] of this.frame.facts) {
        const there = rebase(k, text, p);
        if (there) facts.set(there, f);
      }
      // `get_page_type(page, PGT_writable_page)`: the callee's tests of `type` are settled
      if (CONSTANT.test(text) && !/^(NULL|XSM_\w+)$/.test(text) && !disc.has(p))
        facts.set(p, { value: text, eq: true });
    });
    this.enter(callee, env, disc, facts, passed);
    // `buf->domain = rcu_lock_domain_by_any_id(domid);` in the callee: the caller's `src->domain`
    callee.params.forEach((p, i) => {
      const a = args[i] ? norm(strip(args[i] as Node)) : "";
      const base = /^&?\w+$/.test(a) ? a : null;
      if (!base) return;
      for (const [k, r] of env)
        if (k.startsWith(`${p}->`) && r.kind === "lookup") {
          const field = k.slice(p.length + 2);
          const there = base.startsWith("&") ? `${base.slice(1)}.${field}` : `${base}->${field}`;
          this.frame.env.set(there, { ...r, var: there });
        }
    });
  }

  /** The definition a call reaches on this arch: same file first, then the arch's, then common code. */
  private resolve(name: string, at: Node): CFunction | null {
    const defs = this.definitions(name);
    if (defs.length <= 1) return defs[0] ?? null;
    const here = this.frame.fn.file;
    const sameFile = defs.filter((f) => f.file === here);
    if (sameFile.length >= 1) return sameFile[0] as CFunction;
    const archOnly = defs.filter((f) => f.arch === this.arch);
    if (archOnly.length === 1) return archOnly[0] as CFunction;
    // the catalogue models the 64-bit builds: ARM_64 is `def_bool y` unless ARM_32 (xen/arch/arm/Kconfig:6-8
    // at RELEASE-4.22.0), and x86 has no 32-bit hypervisor build
    const wide = archOnly.filter((f) => SUBARCH_64.test(f.file));
    if (wide.length === 1) return wide[0] as CFunction;
    this.out.unresolved.push({
      ref: this.ref(at),
      what: `call of ${name}`,
      reason: `${defs.length} definitions could be meant (${defs.map((d) => `${d.file}:${d.line}`).join(", ")}); none followed`,
    });
    return null;
  }

  private hookCall(n: Node, hook: string, args: Node[]): void {
    const shape = this.hook(hook) as HookShape;
    if (shape.fails) {
      this.out.checks.push({
        kind: "gate",
        require: `runtime:an XSM module with its own xsm_${hook} (dummy.h's returns ${shape.fails.error}, ${shape.fails.ref})`,
        error: shape.fails.error,
        when: [...this.conds],
        ref: this.ref(n),
        via: this.via(),
        byHook: true,
      });
      return;
    }
    const first = args[0] ? norm(args[0]) : "";
    const hasAction = /^XSM_[A-Z_]+$/.test(first);
    const action = hasAction ? first.slice(4) : "HOOK";
    const rest = hasAction ? args.slice(1) : args;
    const roles: Record<string, Role> = {};
    const values: Record<string, string> = {};
    shape.params.forEach((p, i) => {
      const a = rest[i];
      if (!a) return;
      const r = roleOf(a, this.frame.env);
      const domainParam = shape.domains.includes(p);
      // a domid the hook is given (`alloc->remote_dom`): a further operand of the request
      if (shape.domids.includes(p) && !CONSTANT.test(norm(a))) {
        const field = fieldOf(a);
        roles[p] = {
          kind: "lookup",
          lookup: "domid",
          field,
          ref: this.ref(n),
          var: field.split(".").at(-1) ?? field,
        };
        return;
      }
      // NULL for `const void *data` is no domain
      if ((r.kind !== "unknown" && (r.kind !== "null" || domainParam)) || domainParam) roles[p] = r;
      else {
        const value =
          this.value && this.passesDisc(a) ? this.value : (this.knownCmd(a) ?? CONSTANT.exec(norm(a))?.[0]);
        if (value) values[p] = value;
      }
    });
    const denial = this.denialOf(n);
    this.out.checks.push({
      kind: "xsm",
      hook,
      action,
      args: roles,
      values,
      when: [...this.conds],
      ref: this.ref(n),
      via: this.via(),
      guards: [...this.guardStack],
      ...(denial && { denial }),
    });
  }

  /** `&op` or `op.cmd` where the path knows `op.cmd`: the sub-op the hook is given (paging_domctl_cont). */
  private knownCmd(a: Node): string | undefined {
    const text = norm(strip(a)).replace(/^&/, "");
    const fact =
      this.frame.facts.get(text) ??
      this.frame.facts.get(`${text}.cmd`) ??
      this.frame.facts.get(`${text}->cmd`);
    return fact?.eq ? fact.value : undefined;
  }

  /**
   * How a refusal shows, from what the code does when the hook fails: `if ( xsm_x(...) ) continue;`
   * only filters; `... return 0;` only leaves something off; `op.status = GNTST_permission_denied;`
   * is the status of a grant-table entry; `return start_extent;` is the count of extents done.
   * The test is the one around the call, or `if ( rc )` right after `rc = xsm_x(...);`.
   */
  private denialOf(n: Node): string | undefined {
    let p = n.parent;
    while (p && /^(parenthesized|unary|binary)_expression$/.test(p.type)) p = p.parent;
    let test = p?.type === "if_statement" ? p : null;
    if (!test && p?.type === "assignment_expression" && p.parent?.type === "expression_statement") {
      const rc = norm(p.childForFieldName("left") ?? p);
      const next = p.parent.nextNamedSibling;
      const cond = next?.type === "if_statement" ? norm(next.childForFieldName("condition") ?? next) : "";
      if ([`(${rc})`, `(${rc}<0)`, `(${rc}!=0)`].includes(cond)) test = next;
    }
    const cons = test?.childForFieldName("consequence");
    if (!cons) return undefined;
    if (cons.type === "continue_statement") return "filtered";
    const body = statementsOf(cons);
    for (const stmt of body) {
      const status = assignmentOf(stmt);
      if (status && /^GNTST_[a-z_]+$/.test(norm(status.value))) return norm(status.value);
    }
    const last = body.at(-1);
    const returned = last?.type === "return_statement" ? norm(last.namedChild(0) ?? last) : "";
    // `if ( !opt_argo || xsm_argo_enable(d) ) { ...; return 0; }`: the feature is left off, no error
    if (returned === "0" || returned === "start_extent") return returned;
    return undefined;
  }
}

/** What Xen returns for an operation a build does not have. */
const UNSUPPORTED = /^(return|\w+=)?(-E(?:NOSYS|OPNOTSUPP))\b/;

/** The error a `default:` that only fails sets or returns (`dprintk(...); ret = -EINVAL; break;`). */
function failureOf(stmts: readonly Node[]): string | null {
  const rest = stmts.filter((s) => s.type !== "comment" && !isLog(s) && s.type !== "break_statement");
  if (rest.length !== 1) return null;
  const only = rest[0] as Node;
  const ret = /^return(-E[A-Z]+);$/.exec(norm(only))?.[1];
  const a = assignmentOf(only);
  return ret ?? (a && ERROR_CODE.test(norm(a.value)) ? norm(a.value) : null);
}

/**
 * Xen's permission rangesets: `iomem_access_permitted()`, `irq_access_permitted()` (xen/include/xen/iocap.h:51,
 * 62 at RELEASE-4.22.0), `ioports_access_permitted()` (xen/arch/x86/include/asm/iocap.h:15).
 */
const RANGESET = /\b\w+_access_permitted\s*\(/;

/** A failing condition's disjuncts that files can settle (`A || runtime` fails when `A` holds), or null. */
function staticPart(c: Cond): Cond | null {
  if (!isRuntime(c)) return c;
  const parts: Cond[] = [];
  const collect = (x: Cond): void => {
    if (typeof x === "object" && "any" in x) x.any.forEach(collect);
    // `!(a && b)` is `!a || !b`
    else if (typeof x === "object" && "not" in x && typeof x.not === "object" && "all" in x.not)
      for (const y of x.not.all) collect(negate(y));
    else if (!isRuntime(x)) parts.push(x);
  };
  collect(c);
  return parts.length === 0 ? null : parts.length === 1 ? (parts[0] as Cond) : { any: parts };
}

/**
 * The error code the result holds when statement `n` runs: the nearest `ret = -E...;` before it, in
 * its block or the blocks around it (`ret = -ESRCH; if ( ... ) break; if ( get ) { ... } else { if ( d ==
 * currd ) break; ... }`, set_ext_vcpucontext), as long as nothing in between assigns `ret` again. Within
 * its case only: no case before it is on its path, nor one in an `#ifdef` around it or before it (a
 * statement tree-sitter leaves after its case's `#ifdef` has those for neighbours). `read` is told of
 * each statement whose text is searched.
 */
function errorStanding(n: Node, read: (crossed: Node) => void): { name: string; value: string } | null {
  const crossed: Node[] = [];
  for (let at: Node | null = n; at && at.type !== "function_definition"; at = at.parent) {
    if (at.type === "case_statement" || at.type === "switch_statement" || holdsCase(at)) return null;
    // the other branch of an `if` is not on the path: only the statements before, in a block
    if (at.parent?.type !== "compound_statement" && at.parent?.type !== "case_statement") continue;
    for (let prev = at.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      if (prev.type === "case_statement" || holdsCase(prev)) return null;
      const a = assignmentOf(prev);
      if (a && ERROR_CODE.test(norm(a.value))) {
        const set = new RegExp(`\\b${a.name.replace(/\W/g, "\\$&")}\\s*(=[^=]|\\+=|-=|\\|=)`);
        for (const c of crossed) read(c);
        return crossed.some((c) => set.test(c.text)) ? null : { name: a.name, value: norm(a.value) };
      }
      crossed.push(prev);
    }
  }
  return null;
}

/** Whether `n` holds a switch statement. */
const holdsSwitch = oncePer((n: Node): boolean => n.descendantsOfType("switch_statement").length > 0);

/** `a || b || c` as its parts. */
function disjuncts(cond: Node): Node[] {
  const x = strip(cond);
  if (x.type !== "binary_expression" || x.child(1)?.type !== "||") return [x];
  const l = x.childForFieldName("left");
  const r = x.childForFieldName("right");
  return l && r ? [...disjuncts(l), ...disjuncts(r)] : [x];
}

const STATEMENT = /(_statement|^declaration|^preproc_)/;
function isStatement(n: Node): boolean {
  return STATEMENT.test(n.type);
}

/** The error a branch returns: `return -EPERM;`, `{ ret = -EPERM; break; }`, `{ rc = -ENOSYS; goto out; }`. */
/** `x = value;` as a statement, or null. */
function assignmentOf(n: Node): { name: string; value: Node } | null {
  const e = n.type === "expression_statement" ? n.namedChild(0) : null;
  if (e?.type !== "assignment_expression" || e.child(1)?.type !== "=") return null;
  const left = e.childForFieldName("left");
  const value = e.childForFieldName("right");
  return left && value ? { name: norm(left), value } : null;
}

/** The error code a branch that only sets the result to one assigns: `ret = -EINVAL;`. */
function errorAssigned(cons: Node): string | null {
  const body = statementsOf(cons);
  const a = body.length === 1 ? assignmentOf(body[0] as Node) : null;
  return a && ERROR_CODE.test(norm(a.value)) ? norm(a.value) : null;
}

function errorOf(cons: Node): string | null {
  const body = statementsOf(cons).filter((x) => !isLog(x));
  const ret = body.length === 1 ? /^return(-E[A-Z]+);$/.exec(norm(body[0] as Node)) : null;
  if (ret) return ret[1] as string;
  if (body.length !== 2 || !/^(break|goto\w+);$/.test(norm(body[1] as Node))) return null;
  const set = assignmentOf(body[0] as Node);
  return set && ERROR_CODE.test(norm(set.value)) ? norm(set.value) : null;
}

/** An `#else` whose only statement fails the call (`return -EOPNOTSUPP;`). */
function onlyFails(alt: Node): boolean {
  if (alt.type !== "preproc_else") return false;
  const body = alt.namedChildren.filter((c): c is Node => !!c && c.type !== "comment");
  return body.length === 1 && /^return-E[A-Z]+;$/.test(norm(body[0] as Node));
}

/** A branch that only has the hypercall retried: `ret = -ERESTART;`, `return hypercall_create_continuation(...);`. */
function restarts(n: Node | null): boolean {
  const body = n ? statementsOf(n).filter((x) => !isLog(x) && x.type !== "break_statement") : [];
  return (
    body.length === 1 &&
    /^(return|\w+=)(-ERESTART|hypercall_create_continuation\(.*\));$/s.test(norm(body[0] as Node))
  );
}

/** `gdprintk(XENLOG_INFO, "...");` before an exit: it changes nothing the guest sees. */
const isLog = (n: Node): boolean => n.type === "expression_statement" && /^\w*printk\(/.test(norm(n));
