import { ACTIONS, type Action } from "../model/action.js";
import type { Case, SwitchProgram } from "../policy/program.js";
import { lineOf, type Node, statementsOf } from "./c-parser.js";
import { createTranslator } from "./hook-body.js";
import type { Unresolved } from "./unresolved.js";
import type { ParsedFile } from "./xen-tree.js";

export interface DefaultActionExtraction {
  /** `xsm_default_action()` as a switch program; refs are `dummy.h:line` */
  readonly program: SwitchProgram;
  /** the `XSM_*` case labels of its switch, in text order */
  readonly actions: Action[];
  readonly unresolved: Unresolved[];
}

/** compileSwitch binds exactly these names (policy/program.ts), so the C parameters must be spelled so. */
const PARAMS = ["action", "src", "target"];

/**
 * Reads `xsm_default_action()` out of dummy.h: the C `switch ( action )` with its grouped labels,
 * fallthrough and conditions, as data the policy interpreter runs (xen/include/xsm/dummy.h:78-105 at
 * RELEASE-4.22.0; the same switch from 4.19.0 to master). A tree or posting that changes it is what
 * this is for.
 */
export function extractDefaultAction(dummyH: ParsedFile): DefaultActionExtraction {
  const { path } = dummyH;
  const what = "xsm_default_action";
  const unresolved: Unresolved[] = [];
  const miss = (n: Node, reason: string) => unresolved.push({ ref: `${path}:${lineOf(n)}`, what, reason });
  const fns = dummyH.functions.filter((f) => f.name === what);
  const fn = fns[0];
  if (!fn) {
    unresolved.push({ ref: `${path}:1`, what, reason: "dummy.h defines no xsm_default_action()" });
    return { program: { ref: `${path}:1`, cases: [] }, actions: [], unresolved };
  }
  for (const other of fns.slice(1))
    unresolved.push({
      ref: `${path}:${other.line}`,
      what,
      reason: "defined a second time; the first is read",
    });
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

  const t = createTranslator({ path, what, domains: ["src", "target"], values: [], calls: false });
  let labels: Case["labels"][number][] = [];
  let first: Node | null = null;
  let ending: string = "falls";
  const body = sw.childForFieldName("body");
  const children = body ? statementsOf(body) : [];
  const close = (nodes: Node[]) => {
    if (!first) return;
    const r = t.translate(nodes);
    if (r.ending === "breaks") miss(first, "`break` leaves the switch; the function has no return after it");
    ending = r.ending;
    program.cases.push({ labels, ref: `${path}:${lineOf(first)}`, body: r.stmts });
    labels = [];
    first = null;
  };
  for (const cs of children) {
    if (cs.type !== "case_statement") {
      miss(cs, "statement before the first case label");
      continue;
    }
    const value = cs.childForFieldName("value");
    first ??= cs;
    if (!value) labels.push("default");
    else {
      const m = /^XSM_(\w+)$/.exec(value.text);
      const a = m?.[1] as Action | undefined;
      if (a && ACTIONS.includes(a)) {
        labels.push(a);
        actions.push(a);
      } else
        miss(value, `case label \`${value.text}\` is not an action the model knows (${ACTIONS.join(", ")})`);
    }
    const nodes = cs.namedChildren.filter(
      (c): c is Node => c !== null && c.type !== "comment" && !(value && c.equals(value)),
    );
    if (nodes.length) close(nodes);
  }
  close([]);
  if (!program.cases.some((c) => c.labels.includes("default")))
    miss(sw, "the switch has no default label: an unknown action runs off the end");
  if (ending !== "returns") miss(sw, "the last case can end without a return");
  const line = (u: Unresolved) => Number(u.ref.slice(u.ref.lastIndexOf(":") + 1));
  const all = [...unresolved, ...t.unresolved].sort((a, b) => line(a) - line(b));
  return { program, actions, unresolved: all };
}
