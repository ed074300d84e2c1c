import { createHash } from "node:crypto";
import type { Node } from "./c-parser.js";
import { casesOf } from "./case-items.js";
import { type CFunction, shortDigest } from "./xen-tree.js";

/**
 * The part of a dispatcher a sub-op's walk reads (walker.ts): its whole body but the statements of
 * the cases of its switch on the sub-op that did not run, each case's from its first to its last. A change in another sub-op's case leaves it
 * as it was (walk-memo.ts takes the walk again).
 */
export interface ArmView {
  /** where the switch starts, from the body's start */
  readonly at: number;
  readonly label: string;
  /** the cases run from the label's, falling through */
  readonly count: number;
}

/** The view's text as a hash, and the lines of its parts: each part moves on its own. */
export interface ViewText {
  readonly digest: string;
  readonly parts: readonly (readonly [from: number, to: number])[];
}

/** The switch statement starting at `offset` in `n`. */
function switchAt(n: Node, offset: number): Node | null {
  for (const c of n.namedChildren) {
    if (!c || c.startIndex > offset || c.endIndex <= offset) continue;
    if (c.startIndex === offset && c.type === "switch_statement") return c;
    return switchAt(c, offset);
  }
  return null;
}

/**
 * The view of `f` (its definition line on), or null where `f` has no such switch or label, or where
 * a case has statements outside its node (after an `#ifdef`): the walker reads those as the
 * neighbours of other cases' statements.
 */
export function viewText(f: CFunction, view: ArmView): ViewText | null {
  const body = f.body;
  const sw = switchAt(body, body.startIndex + view.at);
  const cases = sw?.childForFieldName("body");
  if (!cases) return null;
  const items = casesOf(cases);
  const start = items.findIndex((c) => c.label === view.label);
  if (start < 0 || start + view.count > items.length) return null;
  if (items.some((c) => c.strays)) return null;
  // each other case's statements as one: a statement more or less in one is no change of the view
  const skipped = items.flatMap((c, i) => {
    const [first, last] = [c.stmts[0], c.stmts.at(-1)];
    return (i >= start && i < start + view.count) || !first || !last ? [] : [[first, last] as const];
  });
  const hash = createHash("sha256");
  const parts: [number, number][] = [];
  const text = body.text;
  let from = body.startIndex;
  let line = f.line;
  for (const [first, last] of skipped) {
    hash.update(text.slice(from - body.startIndex, first.startIndex - body.startIndex)).update("\0");
    parts.push([line, first.startPosition.row + 1]);
    from = last.endIndex;
    line = last.endPosition.row + 1;
  }
  hash.update(text.slice(from - body.startIndex));
  parts.push([line, body.endPosition.row + 1]);
  // as long as a body's hash: a view is compared with the one view kept
  return { digest: shortDigest(hash), parts };
}
