import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type {
  FlaskCheck,
  FlaskCondition,
  FlaskHook,
  FlaskPermissionRef,
  FlaskRefusal,
  SidSource,
} from "../flask/hook-checks.js";
import { blankMacros } from "./blank-macros.js";
import { lineOf, type Node, type ParseC } from "./c-parser.js";
import { readHooksH } from "./dummy-hooks.js";
import { type CFunction, functionsIn } from "./xen-tree.js";

/** A C file to read: its path relative to the tree and its text. */
export interface FlaskSourceFile {
  readonly path: string;
  readonly text: string;
}

/** The files the Flask hooks are in, relative to the tree root. */
export const FLASK_HOOK_FILES = [
  "xen/xsm/flask/hooks.c",
  "xen/xsm/flask/flask_op.c",
  // after 4.22, flask_ops takes its members from hooks.h's XSM_HOOK lines
  "xen/include/xsm/hooks.h",
] as const;

/** The Flask hook files of a tree, those it has. */
export function flaskHookFiles(root: string): FlaskSourceFile[] {
  return FLASK_HOOK_FILES.filter((p) => existsSync(join(root, p))).map((p) => ({
    path: p,
    text: readFileSync(join(root, p), "utf8"),
  }));
}

/**
 * Object-context lookups of the security server (xen/xsm/flask/ss/services.c at RELEASE-4.22.0): the SID
 * they write through their last argument, and the table it comes from. get_irq_sid (hooks.c:136) labels a
 * static IRQ by pirqcon, an MSI by its device's pcidevicecon, anything else unlabeled.
 */
const OCON_LOOKUPS: Readonly<Record<string, SidSource>> = {
  security_device_sid: { kind: "ocontext", context: "pcidevice", via: "security_device_sid" },
  security_devicetree_sid: { kind: "ocontext", context: "devicetree", via: "security_devicetree_sid" },
  security_irq_sid: { kind: "ocontext", context: "pirq", via: "security_irq_sid" },
  flask_map_domain_msi: { kind: "ocontext", context: "pcidevice", via: "security_device_sid" },
  flask_unmap_domain_msi: { kind: "ocontext", context: "pcidevice", via: "security_device_sid" },
  get_irq_sid: {
    kind: "one-of",
    sources: [
      { kind: "ocontext", context: "pirq", via: "security_irq_sid" },
      { kind: "ocontext", context: "pcidevice", via: "security_device_sid" },
      { kind: "initial-sid", name: "unlabeled" },
    ],
  },
};
/** iterators that call back with each range's SID (services.c security_iterate_*_sids) */
const ITERATORS: Readonly<Record<string, SidSource>> = {
  security_iterate_iomem_sids: { kind: "ocontext", context: "iomem", via: "security_iterate_iomem_sids" },
  security_iterate_ioport_sids: { kind: "ocontext", context: "ioport", via: "security_iterate_ioport_sids" },
};
const PERM = /^([A-Z0-9]+)__[A-Z0-9_]+$/;

interface PermFound {
  macro: string;
  ref: string;
  when: readonly FlaskCondition[];
}

interface Scope {
  readonly fn: CFunction;
  /** the caller's argument for each parameter */
  readonly bind: ReadonlyMap<string, { node: Node; scope: Scope } | { sid: SidSource }>;
}

/**
 * Reads what each Flask hook checks: the members of `flask_ops` in hooks.c, and for each the
 * `avc_has_perm` calls its function reaches through the helpers of hooks.c and flask_op.c (parameters
 * bound to the caller's arguments, callbacks of the ocontext iterators included), with the subject and
 * object SIDs, class, permissions and the conditions around each. A missing `flask_ops` is an InputError.
 */
export function readFlaskHooks(files: readonly FlaskSourceFile[], parse: ParseC): FlaskHook[] {
  const functions = new Map<string, CFunction>();
  for (const f of files)
    for (const fn of functionsIn(parse(blankMacros(f.text), f.path).rootNode, f.path, null))
      if (!functions.has(fn.name)) functions.set(fn.name, fn);
  // a name a define ties to a defined function is that function: flask_op.c compiles itself again for
  // 32-bit guests under `#define do_flask_op compat_flask_op` (flask_op.c:777 at RELEASE-4.22.0), and
  // master's hooks.c names one hook's function `#define flask_iomem_mapping_vpci flask_iomem_mapping`
  const aliases = new Map<string, string>();
  for (const f of files)
    f.text.split("\n").forEach((l, i) => {
      const m = /^\s*#\s*define\s+(\w+)\s+(\w+)\s*$/.exec(l);
      if (!m) return;
      const [a, b] = [m[1] as string, m[2] as string];
      const [name, fn] =
        functions.has(a) && !functions.has(b)
          ? [b, functions.get(a)]
          : [a, !functions.has(a) ? functions.get(b) : undefined];
      if (fn) {
        functions.set(name, fn);
        aliases.set(name, `${f.path}:${i + 1}`);
      }
    });
  const hooksFile = files.find((f) => f.path.endsWith("hooks.c"));
  if (!hooksFile) return fail(error("flask/no-hooks", "no hooks.c among the Flask files"));
  const members = opsMembers(
    hooksFile,
    files.find((f) => f.path.endsWith("xsm/hooks.h")),
  );
  return members.map((m) => {
    const fn = functions.get(m.fn);
    const walker = new Walker(functions);
    const checks = fn ? walker.checks(fn, { fn, bind: new Map() }, [], []) : [];
    return {
      name: m.name,
      function: m.fn,
      params: fn?.params ?? [],
      ref: fn ? (aliases.get(m.fn) ?? `${fn.file}:${fn.line}`) : "",
      opsRef: m.ref,
      guards: m.guards,
      checks,
      // a helper reached twice (do_xsm_op's sub-ops share their checks) refuses once
      refusals: walker.refusals.filter(
        (r, i, all) =>
          all.findIndex((q) => q.ref === r.ref && q.conditions.join() === r.conditions.join()) === i,
      ),
    };
  });
}

/**
 * `.member = function,` lines of `flask_ops`, with the `#if` blocks around each; where the block includes
 * <xsm/hooks.h> under `#define XSM_HOOK0(rtype, name) .name = flask_ ## name,` (hooks.c:1953-1960 on
 * master after 4.22.0), each XSM_HOOK line of hooks.h is a member, as readHooksH reads them.
 */
function opsMembers(
  file: FlaskSourceFile,
  hooksH: FlaskSourceFile | undefined,
): { name: string; fn: string; line: number; ref: string; guards: string[] }[] {
  const lines = file.text.split("\n");
  const start = lines.findIndex((l) => /\bstruct xsm_ops\b.*\bflask_ops\s*=\s*\{/.test(l));
  if (start < 0)
    return fail(
      error("flask/no-ops", `\`${file.path}\` defines no \`flask_ops\` (struct xsm_ops flask_ops = {...})`),
    );
  const out: { name: string; fn: string; line: number; ref: string; guards: string[] }[] = [];
  const stack: string[] = [];
  let prefix: string | undefined;
  for (let i = start + 1; i < lines.length && !/^\s*\};/.test(lines[i] as string); i++) {
    const l = (lines[i] as string).trim();
    const ifdef = /^#\s*if(n?def)?\s+(.*)$/.exec(l);
    if (ifdef) stack.push(ifdef[1] === "ndef" ? `!${ifdef[2]}` : (ifdef[2] as string).trim());
    else if (/^#\s*endif/.test(l)) stack.pop();
    else if (/^#\s*else/.test(l)) stack.push(`!(${stack.pop()})`);
    const hook0 =
      /^#\s*define\s+XSM_HOOK0\(\s*\w+\s*,\s*name\s*\)\s+\.name\s*=\s*(\w+)\s*##\s*name\s*,?$/.exec(l);
    if (hook0) prefix = hook0[1];
    if (/^#\s*include\s*<xsm\/hooks\.h>/.test(l)) {
      if (!prefix || !hooksH)
        return fail(
          error(
            "flask/hooks-h",
            `\`${file.path}:${i + 1}\`: flask_ops includes <xsm/hooks.h>, which was not given or not read`,
          ),
        );
      for (const d of readHooksH(hooksH).hooks)
        out.push({
          name: d.name,
          fn: `${prefix}${d.name}`,
          line: i + 1,
          ref: d.ref,
          guards: [...stack, ...d.guards],
        });
    }
    const m = /^\.(\w+)\s*=\s*(\w+)\s*,?$/.exec(l);
    if (m)
      out.push({
        name: m[1] as string,
        fn: m[2] as string,
        line: i + 1,
        ref: `${file.path}:${i + 1}`,
        guards: [...stack],
      });
  }
  return out;
}

const strip = (n: Node): Node => {
  let x = n;
  while (x.type === "parenthesized_expression" && x.namedChildren[0]) x = x.namedChildren[0] as Node;
  return x;
};
const callName = (call: Node) => call.childForFieldName("function")?.text ?? "";
const args = (call: Node) =>
  (call.childForFieldName("arguments")?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== "comment",
  );

/** A condition as text and as data. */
interface Cond {
  readonly text: string;
  readonly cond: FlaskCondition;
}
const ERRNO = /^-\s*(E[A-Z]+)$/;
/** tree-sitter-c's conditional blocks: `#if`, `#ifdef`/`#ifndef`, and the `#elif`s that are blocks of their own */
const PREPROC_IF = new Set(["preproc_if", "preproc_ifdef", "preproc_elif", "preproc_elifdef"]);

class Walker {
  /** the refusals met while reading checks */
  readonly refusals: FlaskRefusal[] = [];
  constructor(private readonly functions: ReadonlyMap<string, CFunction>) {}

  private ref(scope: Scope, n: Node) {
    return `${scope.fn.file}:${lineOf(n)}`;
  }

  checks(fn: CFunction, scope: Scope, via: string[], conditions: Cond[], depth = 0): FlaskCheck[] {
    const out: FlaskCheck[] = [];
    this.refusalsIn(fn, scope, via, conditions);
    for (const call of fn.body.descendantsOfType("call_expression")) {
      if (!call) continue;
      const name = callName(call);
      const a = args(call);
      const conds = [...conditions, ...this.conditions(call, fn, scope)];
      if (name === "avc_has_perm" && a.length >= 4) {
        out.push(this.check(call, a, scope, via, conds));
        continue;
      }
      const callee = this.functions.get(name);
      if (callee && callee !== fn && depth < 8) {
        const bind = new Map<string, { node: Node; scope: Scope }>();
        callee.params.forEach((p, i) => {
          const arg = a[i];
          if (arg) bind.set(p, { node: arg, scope });
        });
        out.push(
          ...this.checks(
            callee,
            { fn: callee, bind },
            [...via, `${name}@${this.ref(scope, call)}`],
            conds,
            depth + 1,
          ),
        );
      }
      // a callback of an ocontext iterator: (void *data, u32 sid, start, end)
      const each = ITERATORS[name];
      if (each && depth < 8)
        for (const arg of a) {
          const cb = this.functions.get(arg.text);
          if (!cb) continue;
          const data = a[a.length - 1] as Node;
          const bind = new Map<string, { node: Node; scope: Scope } | { sid: SidSource }>([
            [cb.params[0] ?? "", { node: data, scope }],
            [cb.params[1] ?? "", { sid: each }],
          ]);
          out.push(
            ...this.checks(
              cb,
              { fn: cb, bind },
              [...via, `${name}(${cb.name})@${this.ref(scope, call)}`],
              conds,
              depth + 1,
            ),
          );
        }
    }
    return out;
  }

  /** `return -E...;` and `return avc_unknown_permission(...)` under a case of a switch */
  private refusalsIn(fn: CFunction, scope: Scope, via: string[], conditions: Cond[]) {
    for (const r of fn.body.descendantsOfType("return_statement")) {
      if (!r) continue;
      const e = r.namedChildren.find((c) => c !== null && c.type !== "comment");
      if (!e) continue;
      const errno = ERRNO.exec(e.text.replace(/\s+/g, ""));
      const unknown = e.type === "call_expression" && callName(e) === "avc_unknown_permission";
      if (!errno && !unknown) continue;
      const conds = [...conditions, ...this.conditions(r, fn, scope)];
      if (!conds.some((c) => c.cond.kind === "case")) continue;
      this.refusals.push({
        ref: this.ref(scope, r),
        via,
        error: unknown ? "unknown" : `-${errno?.[1]}`,
        conditions: conds.map((c) => c.text),
        when: conds.map((c) => c.cond),
      });
    }
  }

  private check(call: Node, a: Node[], scope: Scope, via: string[], conditions: Cond[]): FlaskCheck {
    const klass = this.classOf(a[2] as Node, scope);
    const perms = this.perms(a[3] as Node, scope, new Set());
    const permissions: FlaskPermissionRef[] = perms.list.map(({ macro, ref, when }) => {
      const [prefix = "", name = ""] = macro.split("__");
      return { macro, class: prefix.toLowerCase(), name: name.toLowerCase(), ref, when };
    });
    return {
      ref: this.ref(scope, call),
      via,
      subject: this.sid(a[0] as Node, scope, new Set()),
      object: this.sid(a[1] as Node, scope, new Set()),
      class: klass.name,
      classRef: klass.ref,
      permissions,
      choice: perms.choice,
      conditions: conditions.map((c) => c.text),
      when: conditions.map((c) => c.cond),
      classMismatch: permissions.filter((p) => p.class !== klass.name).map((p) => p.macro),
    };
  }

  /**
   * The cases that leave a switch to the statement after it: those whose statements can end other
   * than by `return` (a `break` of this switch, or no `return` last), and `default` when the switch
   * has none (a value of no label leaves it at once).
   */
  private leaving(sw: Node, scope: Scope): Cond {
    const own = (q: Node) => {
      let o = q.parent;
      while (o && o.type !== "switch_statement") o = o.parent;
      return o?.equals(sw) === true;
    };
    const groups = sw.descendantsOfType("case_statement").filter((q): q is Node => q !== null && own(q));
    const switchLabels = groups.flatMap((q) => {
      const v = q.childForFieldName("value");
      return v ? [v.text] : [];
    });
    const ends = (x: Node | undefined): boolean =>
      !!x &&
      (x.type === "return_statement" ||
        (x.type === "compound_statement" && ends(x.namedChildren.at(-1) ?? undefined)));
    const breaksOut = (g: Node) =>
      g.descendantsOfType("break_statement").some((b) => {
        let o = b?.parent;
        while (
          o &&
          !["switch_statement", "for_statement", "while_statement", "do_statement"].includes(o.type)
        )
          o = o.parent;
        return o?.equals(sw) === true;
      });
    // from the last group up: a group leaves when it breaks, or ends other than by `return` and
    // falls into one that leaves (the last falls off the switch's end)
    const leaves = new Array<boolean>(groups.length);
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i] as Node;
      const value = g.childForFieldName("value");
      const body = g.namedChildren.filter((c): c is Node => c !== null && !c.equals(value ?? g));
      leaves[i] = breaksOut(g) || (!ends(body.at(-1)) && (i === groups.length - 1 || leaves[i + 1] === true));
    }
    const labels = groups.flatMap((g, i) => {
      const v = g.childForFieldName("value");
      return leaves[i] && v ? [v.text] : [];
    });
    // a value of no label leaves at once when there is no `default`
    const leavesOnDefault =
      groups.every((g) => g.childForFieldName("value")) ||
      groups.some((g, i) => leaves[i] && !g.childForFieldName("value"));
    const on = (sw.childForFieldName("condition")?.text ?? "").replace(/\s+/g, " ");
    const ref = this.ref(scope, sw);
    return {
      text: `after switch ${on} (${ref}): ${[...labels.map((l) => `case ${l}`), ...(leavesOnDefault ? ["default"] : [])].join(" | ") || "no case"}`,
      cond: { kind: "case", labels, default: leavesOnDefault, switchLabels, ref },
    };
  }

  /** `case X:` labels and `if` conditions between a call and its function's body */
  private conditions(n: Node, fn: CFunction, scope: Scope): Cond[] {
    const out: Cond[] = [];
    let child = n;
    for (let p = n.parent; p; child = p, p = p.parent) {
      // a statement after a switch is reached only through the cases that leave it (hooks.c:805 at
      // RELEASE-4.22.0: `avc_unknown_permission` after the device-type switch, for other types only)
      for (let q = child.previousNamedSibling; q; q = q.previousNamedSibling)
        if (q.type === "switch_statement") out.push(this.leaving(q, scope));
      if (p.equals(fn.body)) break;
      if (p.type === "case_statement") {
        // `case A: case B: stmt`: A is an empty case before B that falls into it
        const labels: Node[] = [p];
        for (
          let q = p.previousNamedSibling;
          q?.type === "case_statement" && q.namedChildCount <= 1;
          q = q.previousNamedSibling
        )
          labels.unshift(q);
        // every label of the switch, those inside `#ifdef` blocks of its body included
        let sw = p.parent;
        while (sw && sw.type !== "switch_statement") sw = sw.parent;
        const switchLabels = (sw?.descendantsOfType("case_statement") ?? []).flatMap((q) => {
          let owner = q?.parent;
          while (owner && owner.type !== "switch_statement") owner = owner.parent;
          const v = q && owner?.equals(sw as Node) ? q.childForFieldName("value") : null;
          return v ? [v.text] : [];
        });
        out.push({
          text: labels
            .map((l) => {
              const v = l.childForFieldName("value");
              return `${v ? `case ${v.text}` : "default"} (${this.ref(scope, l)})`;
            })
            .join(" | "),
          cond: {
            kind: "case",
            labels: labels.flatMap((l) => {
              const v = l.childForFieldName("value");
              return v ? [v.text] : [];
            }),
            default: labels.some((l) => !l.childForFieldName("value")),
            switchLabels,
            ref: this.ref(scope, labels[0] as Node),
          },
        });
      } else if (PREPROC_IF.has(p.type)) {
        // `#ifdef CONFIG_X86` around a case or a call (hooks.c:761 at RELEASE-4.22.0); in its `#else` or
        // `#elif`, the alternative, it is negated
        const name = p.childForFieldName("name")?.text;
        const expr = name
          ? `${/^#\s*ifndef|^#\s*elifndef/.test(p.text) ? "!" : ""}defined(${name})`
          : (p.childForFieldName("condition")?.text ?? "").replace(/\s+/g, " ");
        const alt = p.childForFieldName("alternative");
        const negated = !!alt && child.startIndex >= alt.startIndex;
        const ref = this.ref(scope, p);
        out.push({
          text: `#if ${negated ? `!(${expr})` : expr} (${ref})`,
          cond: { kind: "cpp", expr, negated, ref },
        });
      } else if (p.type === "if_statement") {
        const c = p.childForFieldName("condition");
        const alt = p.childForFieldName("alternative");
        const inElse = alt && child.startIndex >= alt.startIndex;
        const text = (c?.text ?? "").replace(/\s+/g, " ").replace(/^\(\s*(.*?)\s*\)$/, "$1");
        out.push({
          text: `${inElse ? `!(${text})` : text} (${this.ref(scope, p)})`,
          cond: { kind: "if", expr: text, negated: !!inElse, ref: this.ref(scope, p) },
        });
      }
    }
    return out.reverse();
  }

  private classOf(n: Node, scope: Scope): { name: string; ref: string } {
    const x = strip(n);
    if (x.type === "identifier") {
      const m = /^SECCLASS_(\w+)$/.exec(x.text);
      if (m) return { name: (m[1] as string).toLowerCase(), ref: this.ref(scope, x) };
      const b = scope.bind.get(x.text);
      if (b && "node" in b) return this.classOf(b.node, b.scope);
    }
    return { name: `<${x.text}>`, ref: this.ref(scope, x) };
  }

  /** assignments to a local (`v = E`, `v |= E`, `T v = E`) in a function, and its out-parameter uses */
  private sourcesOf(name: string, fn: CFunction): { rhs: Node[]; plain: number; out: Node[] } {
    const rhs: Node[] = [];
    const out: Node[] = [];
    let plain = 0;
    for (const a of fn.body.descendantsOfType("assignment_expression")) {
      const left = a?.childForFieldName("left");
      const right = a?.childForFieldName("right");
      if (left?.text === name && right) {
        rhs.push(right);
        if (a?.children[1]?.text === "=") plain++;
      }
    }
    for (const d of fn.body.descendantsOfType("init_declarator")) {
      const decl = d?.childForFieldName("declarator");
      const value = d?.childForFieldName("value");
      if (decl && value && decl.text.replace(/^\*+\s*/, "") === name) {
        rhs.push(value);
        plain++;
      }
    }
    for (const u of fn.body.descendantsOfType("pointer_expression"))
      if (u?.text.replace(/\s+/g, "") === `&${name}` && u.parent?.parent?.type === "call_expression")
        out.push(u.parent.parent);
    return { rhs, plain, out };
  }

  private domain(n: Node, scope: Scope): string {
    const x = strip(n);
    const t = x.text.replace(/\s+/g, "");
    if (t === "current->domain") return "current";
    if (x.type === "identifier") {
      const b = scope.bind.get(t);
      if (b && "node" in b) return this.domain(b.node, b.scope);
      if (!scope.fn.params.includes(t)) {
        const s = this.sourcesOf(t, scope.fn);
        if (s.rhs.length === 1) return this.domain(s.rhs[0] as Node, scope);
      }
    }
    return t;
  }

  private sid(n: Node, scope: Scope, seen: Set<string>): SidSource {
    const x = strip(n);
    const t = x.text.replace(/\s+/g, "");
    const key = `${scope.fn.name}:${t}`;
    if (seen.has(key)) return { kind: "unresolved", expr: t };
    seen.add(key);
    if (x.type === "call_expression") {
      const name = callName(x);
      const a = args(x);
      if (name === "domain_sid" && a[0]) return { kind: "domain", domain: this.domain(a[0], scope) };
      if (name === "domain_target_sid" && a[0] && a[1])
        return { kind: "domain-target", source: this.domain(a[0], scope), target: this.domain(a[1], scope) };
      if (name === "evtchn_sid" && a[0]) return { kind: "evtchn", channel: a[0].text };
      return { kind: "unresolved", expr: t };
    }
    if (x.type === "identifier") {
      const init = /^SECINITSID_(\w+)$/.exec(t);
      if (init) return { kind: "initial-sid", name: (init[1] as string).toLowerCase() };
      const b = scope.bind.get(t);
      if (b) return "sid" in b ? b.sid : this.sid(b.node, b.scope, seen);
      if (scope.fn.params.includes(t)) return { kind: "argument", expr: t };
      const s = this.sourcesOf(t, scope.fn);
      const found: SidSource[] = s.rhs.map((r) => this.sid(r, scope, seen));
      for (const call of s.out) {
        const name = callName(call);
        const lookup = OCON_LOOKUPS[name];
        if (lookup) found.push(lookup);
        else if (name === "security_transition_sid")
          found.push({
            kind: "argument",
            expr: `type_transition(${args(call)
              .slice(0, 3)
              .map((a) => a.text)
              .join(", ")})`,
          });
      }
      if (found.length === 1) return found[0] as SidSource;
      if (found.length > 1) return { kind: "one-of", sources: found };
      return { kind: "unresolved", expr: t };
    }
    if (x.type === "field_expression") {
      const base = x.childForFieldName("argument");
      const field = x.childForFieldName("field")?.text ?? "";
      if (base) {
        // `dsec->sid` where `dsec = d->ssid`: the domain's label
        const b = strip(base);
        if (b.type === "identifier" && field === "sid") {
          const s = this.sourcesOf(b.text, scope.fn);
          const from = s.rhs[0] && strip(s.rhs[0]);
          if (
            s.rhs.length === 1 &&
            from?.type === "field_expression" &&
            from.childForFieldName("field")?.text === "ssid"
          ) {
            const owner = from.childForFieldName("argument");
            if (owner) return { kind: "domain", domain: this.domain(owner, scope) };
          }
        }
        const st = this.struct(base, scope);
        if (st) {
          const vals = this.fieldValues(st.name, field, st.scope);
          const found = vals.map((v) => this.sid(v, st.scope, seen));
          if (found.length === 1) return found[0] as SidSource;
          if (found.length > 1) return { kind: "one-of", sources: found };
        }
      }
      return { kind: "argument", expr: t };
    }
    return { kind: "unresolved", expr: t };
  }

  /** `data` in a callback: the `&s` its caller passed, as (struct variable, caller's scope) */
  private struct(base: Node, scope: Scope): { name: string; scope: Scope } | undefined {
    const b = strip(base);
    if (b.type === "pointer_expression" && b.text.startsWith("&")) {
      const v = b.childForFieldName("argument");
      return v ? { name: v.text, scope } : undefined;
    }
    if (b.type !== "identifier") return undefined;
    const bound = scope.bind.get(b.text);
    if (bound && "node" in bound) return this.struct(bound.node, bound.scope);
    const s = this.sourcesOf(b.text, scope.fn);
    return s.rhs.length === 1 ? this.struct(s.rhs[0] as Node, scope) : undefined;
  }

  /** the values assigned to `s.field` in a function */
  private fieldValues(s: string, field: string, scope: Scope): Node[] {
    const out: Node[] = [];
    for (const a of scope.fn.body.descendantsOfType("assignment_expression")) {
      const left = a?.childForFieldName("left");
      const right = a?.childForFieldName("right");
      if (right && left?.text.replace(/\s+/g, "") === `${s}.${field}`) out.push(right);
    }
    return out;
  }

  /** the permission macros an expression may carry */
  private perms(
    n: Node,
    scope: Scope,
    seen: Set<string>,
    when: readonly FlaskCondition[] = [],
  ): { list: PermFound[]; choice: boolean } {
    const list: PermFound[] = [];
    let choice = false;
    const add = (r: { list: PermFound[]; choice: boolean }) => {
      for (const p of r.list) if (!list.some((q) => q.macro === p.macro && q.ref === p.ref)) list.push(p);
      choice ||= r.choice;
    };
    const within = (node: Node, fn: CFunction, s: Scope) => [
      ...when,
      ...this.conditions(node, fn, s).map((c) => c.cond),
    ];
    const visit = (x: Node) => {
      if (x.type === "identifier") {
        const t = x.text;
        if (PERM.test(t)) {
          list.push({ macro: t, ref: this.ref(scope, x), when });
          return;
        }
        const key = `${scope.fn.name}:${t}`;
        if (seen.has(key)) return;
        seen.add(key);
        const b = scope.bind.get(t);
        if (b) {
          if ("node" in b) add(this.perms(b.node, b.scope, seen, when));
          return;
        }
        if (scope.fn.params.includes(t)) return;
        const s = this.sourcesOf(t, scope.fn);
        if (s.plain > 1) choice = true;
        for (const r of s.rhs) add(this.perms(r, scope, seen, within(r, scope.fn, scope)));
        return;
      }
      if (x.type === "call_expression") {
        const callee = this.functions.get(callName(x));
        if (callee) {
          const rets = callee.body.descendantsOfType("return_statement").filter((r): r is Node => r !== null);
          const bind = new Map<string, { node: Node; scope: Scope }>();
          callee.params.forEach((p, i) => {
            const arg = args(x)[i];
            if (arg) bind.set(p, { node: arg, scope });
          });
          let with_ = 0;
          for (const r of rets) {
            const before = list.length;
            const e = r.namedChildren.find((c) => c !== null && c.type !== "comment");
            const inner = { fn: callee, bind };
            if (e) add(this.perms(e, inner, seen, within(r, callee, inner)));
            if (list.length > before) with_++;
          }
          if (with_ > 1) choice = true;
          return;
        }
      }
      if (x.type === "field_expression") {
        const base = x.childForFieldName("argument");
        const field = x.childForFieldName("field")?.text ?? "";
        const st = base && this.struct(base, scope);
        if (st) {
          const vals = this.fieldValues(st.name, field, st.scope);
          if (vals.length > 1) choice = true;
          for (const v of vals) add(this.perms(v, st.scope, seen, within(v, st.scope.fn, st.scope)));
        }
        return;
      }
      for (const c of x.namedChildren) if (c) visit(c);
    };
    visit(n);
    return { list, choice };
  }
}
