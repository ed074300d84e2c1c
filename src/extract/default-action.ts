import { ACTIONS, type Action } from "../model/action.js";
import type { Expr } from "../policy/expr.js";
import type { Case, Stmt, SwitchProgram } from "../policy/program.js";
import { lineOf, type Node, statementsOf } from "./c-parser.js";
import { createTranslator, type Gap, jumpTargets } from "./hook-body.js";
import type { ParsedFile } from "./xen-tree.js";

export interface DefaultActionExtraction {
  /** `xsm_default_action()` as a switch program; refs are `dummy.h:line` */
  readonly program: SwitchProgram;
  /** the `XSM_*` case labels of its switch, in text order */
  readonly actions: Action[];
  /** what it could not read: any one makes the program a guess (read-policy.ts refuses it) */
  readonly unresolved: Gap[];
}

/** compileSwitch binds exactly these names (policy/program.ts), so the C parameters must be spelled so. */
const PARAMS = ["action", "src", "target"];

/** Statements that may stand between a block holding an inner label and the top-level `case`. */
const ON_PATH = new Set(["compound_statement", "if_statement", "else_clause"]);

const isComment = (n: Node): boolean => n.type === "comment";
const statementsOfCase = (cs: Node): Node[] => {
  const value = cs.childForFieldName("value");
  return cs.namedChildren.filter(
    (c): c is Node => c !== null && !isComment(c) && !(value && c.equals(value)),
  );
};

/**
 * A run of `case` labels inside a block of a top-level case, as in 4.17 and 4.18
 * (xen/include/xsm/dummy.h:84-92 at RELEASE-4.17.5):
 *
 *     case XSM_TARGET:
 *         if ( evaluate_nospec(src == target) )
 *         {
 *             return 0;
 *     case XSM_XS_PRIV:
 *             if ( evaluate_nospec(is_xenstore_domain(src)) )
 *                 return 0;
 *         }
 *         fallthrough;
 *
 * C jumps to the label: entered there, it runs the statements after the label, then the rest of
 * each enclosing block, then the rest of the top-level case. 4.19 wrote the same rule out
 * (`action == XSM_XS_PRIV && ...`, commit 2145512e21, MISRA C Rule 16.2).
 */
interface InnerEntry {
  /** the `case` nodes of the run, in text order; only the last has statements */
  readonly labels: readonly Node[];
  /** the statement of the top-level case that holds the run */
  readonly holder: Node;
  /** what runs after the label inside the holder, in order, across the enclosing blocks */
  readonly inside: readonly Node[];
}

/**
 * The inner entry of a top-level case, if its inner labels form the one shape read: one run of
 * labels ending a block, reached from the case through blocks and `if`/`else` only. Null when
 * there is none or another shape (the translator then reports each label as a jump it cannot follow).
 */
function innerEntry(nodes: readonly Node[]): InnerEntry | null {
  const labels = jumpTargets(nodes);
  const first = labels[0];
  const block = first?.parent;
  if (!first || !block || block.type !== "compound_statement") return null;
  const run = statementsOf(block).slice(statementsOf(block).findIndex((s) => s.equals(first)));
  // the run is the tail of its block (a `case` holds the statements after it), labels only
  if (
    run.length !== labels.length ||
    !run.every((s, i) => s.type === "case_statement" && s.equals(labels[i] as Node)) ||
    run.slice(0, -1).some((s) => statementsOfCase(s).length > 0) ||
    run.some((s) => !s.childForFieldName("value"))
  )
    return null;
  const inside = [...statementsOfCase(run[run.length - 1] as Node)];
  let child: Node = block;
  for (let p = block.parent; p; child = p, p = p.parent) {
    const holder = nodes.find((n) => n.equals(child));
    if (holder) return { labels: run, holder, inside };
    if (!ON_PATH.has(p.type)) return null;
    // after the inner block ends, C goes on after the statement that holds it
    if (p.type === "compound_statement") {
      const rest = statementsOf(p);
      inside.push(...rest.slice(rest.findIndex((s) => s.equals(child)) + 1));
    }
  }
  return null;
}

const actionOf = (label: Node): Action | undefined => {
  const m = /^XSM_(\w+)$/.exec(label.childForFieldName("value")?.text ?? "");
  const a = m?.[1] as Action | undefined;
  return a && ACTIONS.includes(a) ? a : undefined;
};

/**
 * Reads `xsm_default_action()` out of dummy.h: the C `switch ( action )` with its grouped labels,
 * fallthrough and conditions, as data the policy interpreter runs (xen/include/xsm/dummy.h:78-105 at
 * RELEASE-4.22.0; the same switch from 4.19.0 to master, and with the label inside a block read by
 * `innerEntry` in 4.17 and 4.18). A tree or posting that changes it is what this is for.
 */
export function extractDefaultAction(dummyH: ParsedFile): DefaultActionExtraction {
  const { path } = dummyH;
  const what = "xsm_default_action";
  const unresolved: Gap[] = [];
  const miss = (n: Node, reason: string) =>
    unresolved.push({ ref: `${path}:${lineOf(n)}`, what, reason, column: n.startPosition.column + 1 });
  const fns = dummyH.functions.filter((f) => f.name === what);
  const fn = fns[0];
  if (!fn) {
    unresolved.push({ ref: `${path}:1`, what, reason: "dummy.h defines no xsm_default_action()", column: 1 });
    return { program: { ref: `${path}:1`, cases: [] }, actions: [], unresolved };
  }
  for (const other of fns.slice(1)) miss(other.body, "defined a second time; which one is built is not read");
  const program: { ref: string; cases: Case[] } = { ref: `${path}:${fn.line}`, cases: [] };
  const actions: Action[] = [];
  if (fn.params.join() !== PARAMS.join())
    miss(fn.body, `parameters are (${fn.params.join(", ")}), the model's atoms need (${PARAMS.join(", ")})`);

  const stmts = statementsOf(fn.body);
  const sw = stmts[0];
  const subject = sw?.childForFieldName("condition")?.namedChild(0);
  if (sw?.type !== "switch_statement" || subject?.text !== "action") {
    miss(sw ?? fn.body, "the body is not `switch ( action )`");
    return { program, actions, unresolved };
  }
  for (const extra of stmts.slice(1)) miss(extra, "statement after the switch is not modelled");

  const body = sw.childForFieldName("body");
  const children = body ? statementsOf(body) : [];
  // the inner entries of each top-level case, found before translating: the translator needs them
  const inner = new Map<number, InnerEntry>();
  for (const cs of children)
    if (cs.type === "case_statement") {
      const entry = innerEntry(statementsOfCase(cs));
      if (entry) inner.set(cs.id, entry);
    }
  const entered = new Set([...inner.values()].flatMap((e) => e.labels.map((l) => l.id)));
  const t = createTranslator({ path, what, domains: ["src", "target"], values: [], calls: false, entered });

  const label = (value: Node | null): void => {
    if (!value) {
      labels.push("default");
      return;
    }
    const m = /^XSM_(\w+)$/.exec(value.text);
    const a = m?.[1] as Action | undefined;
    if (a && ACTIONS.includes(a)) {
      labels.push(a);
      actions.push(a);
    } else
      miss(value, `case label \`${value.text}\` is not an action the model knows (${ACTIONS.join(", ")})`);
  };
  let labels: Case["labels"][number][] = [];
  let first: Node | null = null;
  let ending: string = "falls";
  const push = (at: Node, body: Stmt[], end: string) => {
    if (end === "breaks") miss(at, "`break` leaves the switch; the function has no return after it");
    ending = end;
    program.cases.push({ labels, ref: `${path}:${lineOf(at)}`, body });
    labels = [];
    first = null;
  };
  const close = (nodes: Node[]) => {
    if (!first) return;
    const r = t.translate(nodes);
    push(first, r.stmts, r.ending);
  };
  for (const cs of children) {
    if (cs.type !== "case_statement") {
      miss(cs, "statement before the first case label");
      continue;
    }
    first ??= cs;
    label(cs.childForFieldName("value"));
    const nodes = statementsOfCase(cs);
    const entry = inner.get(cs.id);
    if (!entry) {
      if (nodes.length) close(nodes);
      continue;
    }
    // from above: the case down to the statement holding the labels, which are only labels there
    const to = nodes.findIndex((n) => n.equals(entry.holder));
    close(nodes.slice(0, to + 1));
    // entered at the labels: what follows them under `action == XSM_X`, so that the flow from above,
    // which already ran it, skips it; then the rest of the case, for both
    first = entry.labels[0] as Node;
    const entries = entry.labels.map(actionOf);
    for (const l of entry.labels) label(l.childForFieldName("value"));
    if (entries.some((a) => !a)) {
      labels = [];
      first = null;
      continue;
    }
    const via = `${path}:${lineOf(first)}`;
    const enteredAt: Expr =
      entries.length === 1
        ? { atom: `action == XSM_${entries[0]}` }
        : { or: entries.map((a) => ({ atom: `action == XSM_${a}` })) };
    const note = `entered at \`case ${entries.map((a) => `XSM_${a}`).join(":, case ")}:\` (${via}), inside the block of \`case ${cs.childForFieldName("value")?.text ?? "default"}:\``;
    const inside = t.translate(entry.inside, [enteredAt]);
    if (inside.ending === "breaks")
      miss(first, "`break` leaves the switch; the function has no return after it");
    const after = t.translate(nodes.slice(to + 1));
    const withNote = inside.stmts.map((s) => ({
      ...s,
      note: "note" in s && s.note ? `${s.note}; ${note}` : note,
    }));
    push(first, [...withNote, ...after.stmts], nodes.length > to + 1 ? after.ending : "falls");
  }
  close([]);
  if (!program.cases.some((c) => c.labels.includes("default")))
    miss(sw, "the switch has no default label: an unknown action runs off the end");
  if (ending !== "returns") miss(sw, "the last case can end without a return");
  const line = (u: Gap) => Number(u.ref.slice(u.ref.lastIndexOf(":") + 1));
  const all = [...unresolved, ...t.unresolved].sort((a, b) => line(a) - line(b) || a.column - b.column);
  return { program, actions, unresolved: all };
}
