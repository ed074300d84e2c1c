import type { Node } from "./c-parser.js";
import { norm } from "./c-parser.js";
import { oncePer } from "./once-per.js";

/** One `case` of a switch: where it is, its label and its statements. */
export interface CaseItem {
  readonly node: Node;
  readonly label: string;
  /**
   * the case's statements, including those tree-sitter leaves outside it after an `#ifdef` in its body
   * (`case XEN_DOMCTL_test_assign_device:`, xen/common/domctl.c:349-354 at RELEASE-4.22.0)
   */
  readonly stmts: readonly Node[];
}

/** Whether `n` (a switch's body, an `#ifdef` in it) holds a case, in an `#ifdef` of its own too. */
const hasCase = (n: Node): boolean =>
  n.namedChildren.some((c) => !!c && (c.type === "case_statement" || holdsCase(c)));

/** An `#ifdef` in a switch's body that holds cases. */
export const holdsCase = (n: Node): boolean => n.type.startsWith("preproc_") && hasCase(n);

/** caseItems, made once per switch: every sub-op's walk reads the dispatcher's switch again. */
export const casesOf: (body: Node) => readonly CaseItem[] = oncePer((body: Node) => caseItems(body));

/** The cases of a switch body in order, looking through `#ifdef` blocks around them. */
function caseItems(body: Node, out: { node: Node; label: string; stmts: Node[] }[] = []) {
  for (const c of body.namedChildren) {
    if (!c || c.type === "comment") continue;
    if (c.type === "case_statement") {
      const value = c.childForFieldName("value");
      const stmts = c.namedChildren.filter(
        (x): x is Node => !!x && !x.equals(value ?? c) && x.type !== "comment",
      );
      out.push({ node: c, label: value ? norm(value) : "default", stmts });
    } else if (holdsCase(c)) caseItems(c, out);
    else {
      const last = out.at(-1);
      if (last) last.stmts.push(c);
    }
  }
  return out;
}

/** The `case <value>:` inside a statement of a case, not in a switch of its own. */
export function innerLabel(n: Node, value: string): Node | null {
  return innerLabels(n).get(value) ?? null;
}

/** Each label's first case inside `n` (outside nested switches), found once per node. */
const innerLabels = oncePer((n: Node): ReadonlyMap<string, Node> => {
  const found = new Map<string, Node>();
  const visit = (x: Node): void => {
    for (const c of x.namedChildren) {
      if (!c || c.type === "switch_statement") continue;
      if (c.type === "case_statement") {
        const label = norm(c.childForFieldName("value") ?? c);
        if (!found.has(label)) found.set(label, c);
      }
      visit(c);
    }
  };
  visit(n);
  return found;
});
