import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import {
  type AvDecision,
  computeAv,
  computeTe,
  indexPolicy,
  type PolicyIndex,
  permissionMask,
  permissionNames,
} from "../flask/access-vector.js";
import { booleanStates, evaluateConditional } from "../flask/conditional.js";
import { formatContext, initialSidContext, parseLabel, transitionContext } from "../flask/contexts.js";
import { formatAvRule, formatConditionalExpr } from "../flask/describe-policy.js";
import type { FlaskCondition, FlaskHook, FlaskPermissionRef, SidSource } from "../flask/hook-checks.js";
import type { AvRule, FlaskConditional, FlaskContext, FlaskPolicy } from "../flask/policydb.js";
import type { RuleOrigins } from "../flask/rule-origins.js";
import { conditionValue, formatCondition, type SelectedCheck, selectChecks } from "../flask/select-checks.js";
import { UPSTREAM_ACTIONS } from "../model/action.js";
import type { BuildFacts } from "../model/build.js";
import type { Step, Verdict } from "../model/decision.js";
import type { Domain } from "../model/domain.js";
import { type BuildFact, flaskBuildCondition } from "./flask-build-condition.js";
import { flaskLabelRefs } from "./flask-label-refs.js";
import type { HookCall, PolicyModule } from "./types.js";

const LIBXL = { domU: "tools/libs/light/libxl_create.c:56-57", dm: "tools/libs/light/libxl_create.c:97-99" };

/** What builds a Flask policy module: a compiled policy, what each hook checks, and the hooks' domain parameters. */
export interface FlaskPolicyInput {
  /** `flask:<file>` */
  readonly name: string;
  readonly policy: FlaskPolicy;
  /** the compiled policy's bytes, kept for a report's page to rebuild the module */
  readonly bytes?: Uint8Array;
  readonly hooks: readonly FlaskHook[];
  /** where the hooks were read (`RELEASE-4.22.0`) */
  readonly hooksSource: string;
  /** the hooks as the catalogue holds them, kept for a report's page */
  readonly flaskHooks?: unknown;
  /** the parameters of each hook as the catalogue names them (dummy.h's), matched to Flask's by position */
  readonly hookParams: Readonly<Record<string, readonly string[]>>;
  /** booleans set other than the policy's defaults */
  readonly booleans?: Readonly<Record<string, boolean>>;
  /** where each rule comes from in the policy's sources, when it was built from a tree */
  readonly origins?: RuleOrigins;
}

/**
 * A label as Xen gives it: the domain's own, else the initial SID flask_domain_alloc_security picks (the
 * lines of the hooks given, RELEASE-4.22.0's without).
 */
export function defaultLabel(
  d: Domain,
  build: BuildFacts,
  refs: ReturnType<typeof flaskLabelRefs> = flaskLabelRefs([]),
): { sid: string; why: string; ref: string } {
  if (d.system === "idle")
    return { sid: "xen", why: "the idle domain after flask_set_system_active", ref: refs.idle };
  if (d.system === "dom_xen") return { sid: "domxen", why: "DOMID_XEN", ref: refs.system };
  if (d.system === "dom_io") return { sid: "domio", why: "DOMID_IO", ref: refs.system };
  const atBoot = d.builtBy === "dom0" || d.builtBy === "dom0less";
  if (atBoot && d.caps.control)
    return { sid: "dom0", why: "built at boot with is_privileged", ref: refs.dom0 };
  if (atBoot && build.pvShimExclusive)
    return { sid: "domU", why: "built at boot by a PV shim", ref: refs.pvShim };
  if (atBoot) return { sid: "unlabeled", why: "built at boot without is_privileged", ref: refs.unlabeled };
  // the toolstack's domains: libxl passes SECINITSID_DOMU when the domain has no seclabel, and
  // SECINITSID_DOMDM for a device-model stub domain without device_model_stubdomain_seclabel
  // (tools/libs/light/libxl_create.c:56-57, 97-99 at RELEASE-4.22.0)
  return d.target !== null
    ? { sid: "domDM", why: "a device-model stub domain libxl created without a seclabel", ref: LIBXL.dm }
    : { sid: "domU", why: "created by libxl without a seclabel", ref: LIBXL.domU };
}

interface Resolved {
  readonly ctx: FlaskContext;
  /** how this context was found, for the explanation */
  readonly how: string;
  readonly ref?: string;
}
type Side = { kind: "known"; list: Resolved[] } | { kind: "unknown"; why: string };

/**
 * The Flask module for a compiled policy: each hook call is decided by the `avc_has_perm` checks the
 * Flask hook makes for it (xen/xsm/flask/hooks.c), on the labels of the domains involved, with the
 * access vectors of the policy (src/flask/access-vector.ts).
 */
export function createFlaskPolicy(input: FlaskPolicyInput): PolicyModule {
  const ix = indexPolicy(input.policy);
  const states = booleanStates(input.policy, input.booleans);
  const hooks = new Map(input.hooks.map((h) => [h.name, h]));
  const refs = flaskLabelRefs(input.hooks);
  // each conditional rule with its expression and branch, to print it as sesearch does, and the booleans
  // of its expression that were set rather than left at the policy's defaults
  const conditionOf = new Map<AvRule, { expr: string; when: boolean; set: string }>();
  const setText = new Map<FlaskConditional, string>();
  for (const c of input.policy.conditionals) {
    const expr = formatConditionalExpr(input.policy, c);
    const set = booleansSet(input.policy, c, input.booleans);
    setText.set(c, set);
    for (const r of c.whenTrue) conditionOf.set(r, { expr, when: true, set });
    for (const r of c.whenFalse) conditionOf.set(r, { expr, when: false, set });
  }
  const labelCache = new Map<string, FlaskContext | string>();
  const avCache = new Map<string, AvDecision>();
  const ctxKeys = new WeakMap<FlaskContext, string>();
  const ctxKey = (c: FlaskContext) => {
    let k = ctxKeys.get(c);
    if (k === undefined) {
      k = `${c.user}:${c.role}:${c.type}:${c.range.low.sensitivity}.${c.range.low.categories}-${c.range.high.sensitivity}.${c.range.high.categories}`;
      ctxKeys.set(c, k);
    }
    return k;
  };
  const ctxTexts = new WeakMap<FlaskContext, string>();
  const ctxText = (c: FlaskContext) => {
    let t = ctxTexts.get(c);
    if (t === undefined) {
      t = formatContext(ix, c);
      ctxTexts.set(c, t);
    }
    return t;
  };
  // what a hook checks for a call's known values, once per hook and values
  const selections = new Map<string, ReturnType<typeof selectChecks>>();
  const labels = new WeakMap<Domain, Resolved>();
  const grants = new Map<string, Step[]>();
  /** a granting rule, and below it the lines of the sources it comes from */
  const grantSteps = (r: AvRule, asked: readonly string[]): Step[] => {
    const cond = conditionOf.get(r);
    const rule = formatAvRule(ix, r, cond);
    return [
      { kind: "note", what: `granted by ${rule}${cond?.set ?? ""}`, depth: 2 },
      // the statements that give the permissions asked for
      ...(input.origins?.[rule] ?? [])
        .filter((o) => o.perms.some((p) => asked.includes(p)))
        .flatMap((o): Step[] => [
          { kind: "note", what: `from ${o.text}`, ref: o.ref, depth: 3 },
          ...(o.macro
            ? [
                {
                  kind: "note" as const,
                  what: `${o.macro.name}: ${o.macro.text.replace(/(:\S+).*/, "$1")}`,
                  ref: o.macro.ref,
                  depth: 4,
                },
              ]
            : []),
        ]),
    ];
  };

  function labelOf(d: Domain, build: BuildFacts): Resolved {
    let r = labels.get(d);
    if (!r) {
      r = labelOf1(d, build);
      labels.set(d, r);
    }
    return r;
  }

  function labelOf1(d: Domain, build: BuildFacts): Resolved {
    if (d.label !== undefined) {
      let c = labelCache.get(d.label);
      if (c === undefined) {
        c = parseLabel(ix, d.label);
        labelCache.set(d.label, c);
      }
      if (typeof c === "string")
        return fail(
          error(
            "system/bad-label",
            `\`${d.name}\`: label \`${d.label}\` is not a context of the policy: ${c}`,
            undefined,
            `types of the policy: ${input.policy.types
              .filter((t) => t.primary && !t.attribute)
              .map((t) => t.name)
              .slice(0, 12)
              .join(", ")}${input.policy.types.length > 12 ? ", ..." : ""}`,
          ),
        );
      return { ctx: c, how: `${d.name} is labelled ${ctxText(c)} (its \`label\`)` };
    }
    const dl = defaultLabel(d, build, refs);
    const c = initialSidContext(ix, dl.sid);
    if (!c)
      return fail(
        error("policy/flask-initial-sid", `the policy gives no context to the initial SID \`${dl.sid}\``),
      );
    return {
      ctx: c,
      how: `${d.name} is labelled ${ctxText(c)}: SECINITSID_${dl.sid.toUpperCase()}, ${dl.why}`,
      ref: dl.ref,
    };
  }

  const domainClass = ix.classByName.get("domain")?.value ?? 0;
  let typesCache: number[] | undefined;
  /** every type of the policy (not attributes, not aliases) */
  const anyTypes = () => {
    typesCache ??= input.policy.types.filter((t) => t.primary && !t.attribute).map((t) => t.value);
    return typesCache;
  };

  /** a domain the Flask hook names (`current`, or a parameter matched by position to the catalogue's) */
  function domainOf(call: HookCall, hook: FlaskHook, name: string): Domain | null | undefined {
    if (name === "current") return call.current;
    const i = hook.params.indexOf(name);
    const dummy = i >= 0 ? input.hookParams[call.hook]?.[i] : undefined;
    if (dummy === undefined || !(dummy in call.domains)) return undefined;
    return call.domains[dummy] ?? null;
  }

  // each hook's `if` and `#if` conditions, which the build may settle, and what a build says of the
  // `#if`s (they depend on nothing else)
  const openConditions = new Map<string, FlaskCondition[]>();
  const openOf = (h: FlaskHook): FlaskCondition[] => {
    let l = openConditions.get(h.name);
    if (!l) {
      const all = [
        ...h.checks.flatMap((c) => [...c.when, ...c.permissions.flatMap((p) => p.when)]),
        ...h.refusals.flatMap((r) => r.when),
      ];
      l = [...new Set(all.filter((c) => c.kind !== "case"))];
      openConditions.set(h.name, l);
    }
    return l;
  };
  const cppFacts = new WeakMap<BuildFacts, Map<FlaskCondition, BuildFact | undefined>>();

  function sideOf(src: SidSource, call: HookCall, hook: FlaskHook, build: BuildFacts): Side {
    const domain = (name: string) => domainOf(call, hook, name);
    switch (src.kind) {
      case "domain": {
        const d = domain(src.domain);
        if (!d) return { kind: "unknown", why: `the label of \`${src.domain}\`` };
        return { kind: "known", list: [labelOf(d, build)] };
      }
      case "domain-target": {
        const s = domain(src.source);
        const t = domain(src.target);
        if (!s || !t) return { kind: "unknown", why: `domain_target_sid(${src.source}, ${src.target})` };
        const sl = labelOf(s, build);
        if (s === t) {
          const tr = transitionContext(ix, sl.ctx, sl.ctx, domainClass);
          return {
            kind: "known",
            list: [
              {
                ctx: tr.context,
                how: `the target is the caller: its self_sid ${ctxText(tr.context)}${tr.rule !== undefined ? ` (${formatAvRule(ix, input.policy.avtab[tr.rule] as never)})` : " (no type_transition: its label)"}`,
                ref: refs.self,
              },
            ],
          };
        }
        const tl = labelOf(t, build);
        if (s.target !== null && s.target === t.domid) {
          const tr = transitionContext(ix, tl.ctx, sl.ctx, domainClass);
          return {
            kind: "known",
            list: [
              {
                ctx: tr.context,
                how: `${t.name} is ${s.name}'s device-model target: its target_sid ${ctxText(tr.context)}${tr.rule !== undefined ? ` (${formatAvRule(ix, input.policy.avtab[tr.rule] as never)})` : ` (no type_transition: ${t.name}'s label)`}`,
                ref: refs.target,
              },
            ],
          };
        }
        return { kind: "known", list: [tl] };
      }
      case "initial-sid": {
        const c = initialSidContext(ix, src.name);
        if (!c)
          return { kind: "unknown", why: `the initial SID \`${src.name}\`, which the policy does not give` };
        return {
          kind: "known",
          list: [{ ctx: c, how: `SECINITSID_${src.name.toUpperCase()} is ${ctxText(c)}` }],
        };
      }
      case "ocontext": {
        // every label the policy gives such an object, and the initial SID of one it does not name
        const o = input.policy.ocontexts;
        const table =
          src.context === "pirq"
            ? o.pirqs
            : src.context === "ioport"
              ? o.ioports
              : src.context === "iomem"
                ? o.iomems
                : src.context === "pcidevice"
                  ? o.pcidevices
                  : o.devicetrees;
        const fallback = {
          pirq: "irq",
          ioport: "ioport",
          iomem: "iomem",
          pcidevice: "device",
          devicetree: "device",
        }[src.context];
        const list: Resolved[] = [];
        const seen = new Set<string>();
        for (const e of table)
          if (!seen.has(ctxKey(e.context))) {
            seen.add(ctxKey(e.context));
            list.push({
              ctx: e.context,
              how: `a ${src.context} the policy labels ${ctxText(e.context)}`,
            });
          }
        const c = initialSidContext(ix, fallback);
        if (c && !seen.has(ctxKey(c)))
          list.push({
            ctx: c,
            how: `a ${src.context} the policy does not name: SECINITSID_${fallback.toUpperCase()} ${ctxText(c)}`,
          });
        return list.length ? { kind: "known", list } : { kind: "unknown", why: `the ${src.context}'s label` };
      }
      case "one-of": {
        const list: Resolved[] = [];
        for (const x of src.sources) {
          const r = sideOf(x, call, hook, build);
          if (r.kind === "unknown") return r;
          list.push(...r.list);
        }
        return { kind: "known", list };
      }
      case "evtchn":
        return { kind: "unknown", why: `the label of event channel \`${src.channel}\`` };
      case "argument":
        return { kind: "unknown", why: `the SID the caller passes (\`${src.expr}\`)` };
      case "unresolved":
        return { kind: "unknown", why: `\`${src.expr}\`` };
    }
  }

  function av(s: FlaskContext, t: FlaskContext, tclass: number): AvDecision {
    const k = `${ctxKey(s)}|${ctxKey(t)}|${tclass}`;
    let d = avCache.get(k);
    if (!d) {
      d = computeAv(ix, s, t, tclass, states);
      avCache.set(k, d);
    }
    return d;
  }

  /** Why the permissions of `mask` are missing from a decision: a boolean, a constraint, or no rule. */
  function whyDenied(
    d: AvDecision,
    s: FlaskContext,
    t: FlaskContext,
    tclass: number,
    mask: number,
  ): string[] {
    const klass = ix.classByValue.get(tclass);
    const out: string[] = [];
    const missingTe = mask & ~d.te;
    if (missingTe) {
      // a conditional rule that would grant it under the other branch
      const p = input.policy;
      const other = states.map((x) => x);
      const sattr = p.typeAttributes[s.type - 1] ?? [];
      const tattr = p.typeAttributes[t.type - 1] ?? [];
      const found: string[] = [];
      p.conditionals.forEach((c) => {
        const now = evaluateConditional(c.expr, other);
        for (const r of now ? c.whenFalse : c.whenTrue)
          if (
            r.kind === "allow" &&
            r.class === tclass &&
            sattr.includes(r.source) &&
            tattr.includes(r.target) &&
            r.data & missingTe
          )
            found.push(
              `${formatAvRule(ix, r)} is under [ ${formatConditionalExpr(p, c)} ]:${now ? "False" : "True"}, and the booleans make it ${now ? "True" : "False"}${setText.get(c) ?? ""}`,
            );
      });
      out.push(
        ...(found.length
          ? found
          : [
              `no allow rule gives ${klass ? permissionNames(klass, missingTe).join(" ") : "it"} to ${ix.typeName.get(s.type)} on ${ix.typeName.get(t.type)}`,
            ]),
      );
    }
    for (const c of d.constrained)
      if (c.removed & mask)
        out.push(
          `constraint ${c.constraint + 1} of class ${klass?.name} removes ${klass ? permissionNames(klass, c.removed & mask).join(" ") : ""}`,
        );
    if (d.roleRemoved & mask) out.push("no role allow rule for the role change");
    return out;
  }

  /** One `avc_has_perm` for the contexts: allowed or not, with its steps. */
  function avc(
    s: Resolved,
    t: Resolved,
    klassName: string,
    perms: readonly FlaskPermissionRef[],
    ref: string,
    steps: Step[],
  ): boolean {
    const klass = ix.classByName.get(klassName);
    // a permission macro of another class (DOMAIN2__SETCLAIM on SECCLASS_DOMAIN) is its bit: Xen asks the
    // check's class for the permission at that bit
    const moved: string[] = [];
    const names = perms.map((p) => {
      if (p.class === klassName || !klass) return p.name;
      const bit = ix.classByName.get(p.class)?.bits.indexOf(p.name) ?? -1;
      const there = bit >= 0 ? klass.bits[bit] : undefined;
      moved.push(
        `${p.macro} is bit ${bit} of class ${p.class}; on class ${klassName} that bit is ${there ? `\`${there}\`` : "no permission"}`,
      );
      return there ?? p.name;
    });
    for (const m of moved) steps.push({ kind: "note", what: m, depth: 2 });
    const what = `avc_has_perm(${ctxText(s.ctx)}, ${ctxText(t.ctx)}, ${klassName}, ${names.join(" ")})`;
    const mask = klass ? permissionMask(klass, names) : 0;
    const undeclared = klass ? names.filter((n) => !klass.bits.includes(n)) : names;
    if (!klass || undeclared.length) {
      const allowed = input.policy.handleUnknown === "allow";
      steps.push({ kind: "predicate", what, value: allowed, ref, depth: 1 });
      steps.push({
        kind: "note",
        what: `the policy does not declare ${klass ? `permission ${undeclared.join(" ")} of class ${klassName}` : `class ${klassName}`}: handle_unknown is ${input.policy.handleUnknown}`,
        depth: 2,
      });
      return allowed;
    }
    const d = av(s.ctx, t.ctx, klass.value);
    const ok = (d.allowed & mask) === mask;
    steps.push({ kind: "predicate", what, value: ok, ref, depth: 1 });
    if (ok) {
      const gk = `${s.ctx.type},${t.ctx.type},${klass.value},${mask}`;
      let notes = grants.get(gk);
      if (!notes) {
        const te = computeTe(ix, s.ctx.type, t.ctx.type, klass.value, states);
        const asked = permissionNames(klass, mask);
        notes = te.granting.filter((r) => r.data & mask).flatMap((r) => grantSteps(r, asked));
        grants.set(gk, notes);
      }
      steps.push(...notes);
    } else
      for (const why of whyDenied(d, s.ctx, t.ctx, klass.value, mask))
        steps.push({ kind: "note", what: why, depth: 2 });
    return ok;
  }

  function refOf(check: SelectedCheck): string {
    const first = check.check.via[0];
    return first?.includes("@") ? (first.split("@")[1] as string) : check.check.ref;
  }

  function hook(call: HookCall, build: BuildFacts): Verdict {
    const h = hooks.get(call.hook);
    const steps: Step[] = [];
    const conditions: string[] = [];
    if (!h) {
      steps.push({
        kind: "note",
        what: `no Flask hook \`${call.hook}\` in ${input.hooksSource}: denied`,
        depth: 1,
      });
      return { allowed: false, steps };
    }
    steps.push({ kind: "note", what: `Flask: ${h.function}`, ref: h.ref || h.opsRef, depth: 1 });
    const known = [...Object.values(call.values), ...(call.constant ? [call.constant] : [])];
    // what the build settles of the hook's `if` and `#if` conditions for this call
    let byBuild = cppFacts.get(build);
    if (!byBuild) {
      byBuild = new Map();
      cppFacts.set(build, byBuild);
    }
    const facts = new Map<FlaskCondition, BuildFact>();
    for (const c of openOf(h)) {
      let f = c.kind === "cpp" ? byBuild.get(c) : undefined;
      if (f === undefined && !(c.kind === "cpp" && byBuild.has(c))) {
        f = flaskBuildCondition(c, build, (n) => domainOf(call, h, n));
        if (c.kind === "cpp") byBuild.set(c, f);
      }
      if (f) facts.set(c, f);
    }
    const decide = (c: FlaskCondition) => {
      const f = facts.get(c);
      return f && c.kind !== "case" ? f.value !== c.negated : undefined;
    };
    const factKey = [...facts].map(([c, f]) => `${openOf(h).indexOf(c)}=${f.value}`).join(",");
    const selKey = `${h.name}\0${known.join("\0")}\0${factKey}`;
    let sel = selections.get(selKey);
    if (!sel) {
      sel = selectChecks(h, known, decide);
      selections.set(selKey, sel);
    }
    // the same `#if` sits around several checks: said once
    const said = new Set<string>();
    for (const c of sel.decided) {
      const f = facts.get(c);
      if (!f || c.kind === "case") continue;
      const what = `${c.kind === "cpp" ? "#if " : ""}${c.negated ? `!(${c.expr})` : c.expr} is ${f.value !== c.negated} in this build: ${f.why}`;
      if (said.has(what + c.ref)) continue;
      said.add(what + c.ref);
      steps.push({ kind: "note", what, ref: c.ref, depth: 1 });
    }
    // checks on a switch the call's values do not settle are branches: when every one is denied, so is
    // the call, whichever value run time gives
    let branchDenied = 0;
    const branches = sel.checks.filter((c) => c.runtime.some((w) => w.kind === "case")).length;
    for (const r of sel.refusals) {
      const conds = r.refusal.when
        .filter((c) => c.kind === "case" && conditionValue(c, known) === true)
        .map(formatCondition);
      const error = r.refusal.error === "unknown" ? "avc_unknown_permission" : r.refusal.error;
      const refuses = r.refusal.error !== "unknown" || input.policy.handleUnknown !== "allow";
      if (r.runtime.length) {
        if (refuses)
          conditions.push(
            `${error} from flask ${h.name} when ${r.runtime.map(formatCondition).join(" and ")}`,
          );
        continue;
      }
      steps.push({
        kind: "predicate",
        what: `${h.function} refuses: ${error}${conds.length ? ` under ${conds.join(", ")}` : ""}${r.refusal.error === "unknown" ? ` (handle_unknown ${input.policy.handleUnknown})` : ""}`,
        value: !refuses,
        ref: r.refusal.ref,
        depth: 1,
      });
      if (refuses) return { allowed: false, steps, conditions };
    }
    for (const c of sel.checks) {
      const ref = refOf(c);
      const settled = c.check.when.filter((w) => w.kind === "case" && conditionValue(w, known) === true);
      if (settled.length)
        steps.push({
          kind: "case",
          what: settled.map(formatCondition).join(", "),
          ref: settled[0]?.ref,
          depth: 1,
        });
      const subject = sideOf(c.check.subject, call, h, build);
      const object = sideOf(c.check.object, call, h, build);
      const permText = c.permissions.map((p) => p.name).join(c.oneOf ? " or " : " ");
      if (subject.kind === "unknown" && object.kind === "unknown") {
        const why = `${subject.why} and ${object.why}`;
        steps.push({
          kind: "note",
          what: `${c.check.class} ${permText}: depends on ${why}, known only at run time`,
          ref,
          depth: 1,
        });
        conditions.push(`flask ${c.check.class}:{${permText}} on ${why} (${ref})`);
        continue;
      }
      if (subject.kind === "unknown" || object.kind === "unknown") {
        // one side is a label run time gives (a new domain's ssidref, a channel's label): the check is
        // tried with every type of the policy there, and passes for the types that are granted
        const known_ = (subject.kind === "known" ? subject : object) as { list: Resolved[] };
        const why = subject.kind === "unknown" ? subject.why : (object as { why: string }).why;
        const klass = ix.classByName.get(c.check.class);
        const mask = klass
          ? permissionMask(
              klass,
              c.permissions.map((p) => p.name),
            )
          : 0;
        const passing: string[] = [];
        for (const t of anyTypes()) {
          const ok = known_.list.every((k) => {
            if (!klass) return input.policy.handleUnknown === "allow";
            const pair =
              subject.kind === "unknown" ? [{ ...k.ctx, type: t }, k.ctx] : [k.ctx, { ...k.ctx, type: t }];
            const d = av(pair[0] as FlaskContext, pair[1] as FlaskContext, klass.value);
            return c.oneOf
              ? c.permissions.some((p) => d.allowed & permissionMask(klass, [p.name]))
              : (d.allowed & mask) === mask;
          });
          if (ok) passing.push(ix.typeName.get(t) as string);
        }
        for (const k of known_.list)
          steps.push({ kind: "note", what: k.how, ...(k.ref && { ref: k.ref }), depth: 2 });
        const side = subject.kind === "unknown" ? "subject" : "object";
        steps.push({
          kind: "predicate",
          what: `avc_has_perm(..., ${c.check.class}, ${permText}) with ${why} as the ${side}: granted for ${passing.length} of ${anyTypes().length} types`,
          value: passing.length > 0,
          ref,
          depth: 1,
        });
        if (passing.length > 0) {
          steps.push({
            kind: "note",
            what: `granted when ${why} has type ${passing.slice(0, 8).join(", ")}${passing.length > 8 ? ", ..." : ""}`,
            depth: 2,
          });
          if (passing.length < anyTypes().length)
            conditions.push(
              `flask ${c.check.class}:{${permText}} only when ${why} has type ${passing.slice(0, 8).join(", ")}${passing.length > 8 ? ", ..." : ""} (${ref})`,
            );
          continue;
        }
        if (c.runtime.length) {
          conditions.push(
            `flask ${c.check.class}:{${permText}} denied (${ref}) when ${c.runtime.map(formatCondition).join(" and ")}`,
          );
          branchDenied++;
          continue;
        }
        return { allowed: false, steps, conditions };
      }
      for (const s of subject.list)
        steps.push({ kind: "note", what: s.how, ...(s.ref && { ref: s.ref }), depth: 2 });
      for (const t of object.list)
        steps.push({ kind: "note", what: t.how, ...(t.ref && { ref: t.ref }), depth: 2 });
      // the permissions every path asks for; those under an `if` or in a choice run time settles are each
      // checked alone, and a refusal of one is a condition of the answer
      const required = c.oneOf
        ? []
        : c.permissions.filter((p) => p.when.every((w) => conditionValue(w, known, decide) === true));
      const optional = c.permissions.filter((p) => !required.includes(p));
      let pairs = 0;
      let passing = 0;
      for (const s of subject.list)
        for (const t of object.list) {
          pairs++;
          let ok = required.length ? avc(s, t, c.check.class, required, ref, steps) : true;
          let some = false;
          for (const p of optional) {
            const pOk = avc(s, t, c.check.class, [p], ref, steps);
            some ||= pOk;
            const when = p.when.filter((w) => conditionValue(w, known, decide) !== true).map(formatCondition);
            if (!pOk)
              conditions.push(
                `flask ${c.check.class}:${p.name} denied to ${ctxText(s.ctx)} on ${ctxText(t.ctx)}${when.length ? ` when ${when.join(" and ")}` : ""} (${ref})`,
              );
          }
          if (c.oneOf) ok = some;
          if (ok) passing++;
        }
      if (passing === 0 && c.runtime.length) {
        branchDenied++;
        conditions.push(
          `flask ${c.check.class}:{${permText}} denied (${ref}) when ${c.runtime.map(formatCondition).join(" and ")}`,
        );
        continue;
      }
      if (passing === 0) return { allowed: false, steps, conditions };
      if (passing < pairs)
        conditions.push(
          `flask ${c.check.class}:{${permText}} granted only for some labels of the object (${ref})`,
        );
      for (const w of c.runtime)
        conditions.push(`flask check at ${ref} made only when ${formatCondition(w)}`);
    }
    if (branches > 0 && branchDenied >= branches) {
      steps.push({
        kind: "note",
        what: `every branch ${h.function} may take for this call is denied`,
        ref: h.ref || h.opsRef,
        depth: 1,
      });
      return { allowed: false, steps, conditions };
    }
    return { allowed: true, steps, conditions };
  }

  return {
    name: input.name,
    title: `Flask with ${input.name.replace(/^flask:/, "")}`,
    origin: {
      kind: "upstream",
      date: "2007",
      source: `xen/xsm/flask/hooks.c at ${input.hooksSource}, policy ${input.name.replace(/^flask:/, "")}`,
    },
    description:
      "Xen's Flask module: each hook asks the security server for permissions between the labels of the domains (and objects) involved; the compiled policy's allow rules, booleans and constraints decide.",
    actions: UPSTREAM_ACTIONS,
    defaultAction(): Verdict {
      return {
        allowed: false,
        steps: [
          { kind: "note", what: "Flask has no xsm_default_action: each hook checks permissions", depth: 1 },
        ],
      };
    },
    hookAction(_hook, action) {
      return { action };
    },
    hook,
    ...(input.bytes && { flaskBytes: input.bytes }),
    flask: { policy: input.policy, index: ix, states, booleans: input.booleans ?? {} },
    ...(input.flaskHooks !== undefined && { flaskHooks: input.flaskHooks }),
    ...(input.origins && { flaskOrigins: input.origins }),
    checkDomain(d, build) {
      labelOf(d, build);
    },
  };
}

/**
 * `; guest_writeconsole=false is set (--flask-boolean; the policy's default: true)` for the booleans of a
 * conditional's expression that the caller set, "" when it set none of them.
 */
function booleansSet(
  policy: FlaskPolicy,
  c: FlaskConditional,
  set: Readonly<Record<string, boolean>> = {},
): string {
  const named = policy.booleans.filter(
    (b) => Object.hasOwn(set, b.name) && c.expr.some((e) => e.op === "bool" && e.bool === b.value),
  );
  if (!named.length) return "";
  return `; ${named.map((b) => `${b.name}=${set[b.name]}`).join(", ")} ${named.length > 1 ? "are" : "is"} set (--flask-boolean; the policy's default: ${named.map((b) => `${b.name}=${b.state}`).join(", ")})`;
}

export type { PolicyIndex };
