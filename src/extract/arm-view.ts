import { createHash } from "node:crypto";
import type { Node } from "./c-parser.js";
import { casesOf, innerLabel } from "./case-items.js";
import { type CFunction, shortDigest } from "./xen-tree.js";

/**
 * What a sub-op's walk (walker.ts) read of one switch on the sub-op in a dispatcher: the cases run,
 * from the sub-op's label (or, where no case names it, from `default:`) on, falling through. The
 * other cases' statements are not read: a change in another sub-op's case leaves the walk as it was
 * (walk-memo.ts takes it again). A `tail` is no switch: the statements after where the walk left the
 * body, none of which it read.
 */
export interface ArmView {
  /** where the switch starts (a tail: its first statement left out), from the body's start */
  readonly at: number;
  /** the sub-op (a tail: empty) */
  readonly label: string;
  /** the cases run from the label's (or from `default:`), falling through (a tail: 0) */
  readonly count: number;
  /** no case names the sub-op, not even inside another case's statements: the run starts at `default:` */
  readonly absent?: true;
  /**
   * not a switch: the walk left the body before its statement at `at` (walker.ts's walkBody), and read
   * none from there to the end (`label` empty, `count` 0)
   */
  readonly tail?: true;
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

/** The statements of the cases `view` left out of its switch in `body`, or null where it cannot be seen. */
function skippedBy(body: Node, view: ArmView): Skipped[] | null {
  if (view.tail) {
    const kids = body.namedChildren;
    const from = kids.findIndex((k) => k?.startIndex === body.startIndex + view.at);
    const last = kids.at(-1);
    return from < 0 || !last ? null : [[kids[from] as Node, last]];
  }
  const cases = switchAt(body, body.startIndex + view.at)?.childForFieldName("body");
  if (!cases) return null;
  const items = casesOf(cases);
  const named = items.findIndex((c) => c.label === view.label);
  // a switch no case of which names the sub-op runs from `default:`; a new label anywhere is a change
  if (view.absent && named >= 0) return null;
  const start = view.absent ? items.findIndex((c) => c.label === "default") : named;
  if (start < 0 ? !view.absent || view.count > 0 : start + view.count > items.length) return null;
  const ran = (i: number) => i >= start && i < start + view.count;
  if (view.absent && items.some((c, i) => !ran(i) && c.stmts.some((x) => innerLabel(x, view.label))))
    return null;
  // each other case's statements as one: a statement more or less in one is no change of the view
  return items.flatMap((c, i) => {
    const [first, last] = [c.stmts[0], c.stmts.at(-1)];
    return ran(i) || !first || !last ? [] : [[first, last] as const];
  });
}

type Skipped = readonly [first: Node, last: Node];

const skippedLength = ([first, last]: Skipped): number => last.endIndex - first.startIndex;

/**
 * The statements the views leave out of `f`'s body, each view's switch (or a tail's first statement) found where it `at`: an offset
 * in the body (`inBody`, as the walker saw it) or in the text the views read (other cases of the switches
 * before it left out, so that a change in one of them moves no later switch). Null where a view cannot be
 * seen, or two are of one switch; the views as kept: their offsets in the text they read.
 */
function skippedAll(
  body: Node,
  views: readonly ArmView[],
  inBody: boolean,
): { readonly skipped: Skipped[]; readonly kept: ArmView[] } | null {
  const sorted = [...views].sort((a, b) => a.at - b.at);
  const skipped: Skipped[] = [];
  const kept: ArmView[] = [];
  for (const view of sorted) {
    // what the switches before it leave out, before it (none of it is inside a switch that ran)
    skipped.sort((a, b) => a[0].startIndex - b[0].startIndex);
    let at = view.at;
    let left = 0;
    for (const part of skipped) {
      if (part[0].startIndex - body.startIndex > at) break;
      if (!inBody) at += skippedLength(part);
      left += skippedLength(part);
    }
    const keptAt = inBody ? view.at - left : view.at;
    if (kept.some((k) => k.at === keptAt)) return null;
    const of = skippedBy(body, { ...view, at });
    if (!of) return null;
    skipped.push(...of);
    kept.push({ ...view, at: keptAt });
  }
  skipped.sort((a, b) => a[0].startIndex - b[0].startIndex);
  return { skipped, kept };
}

/**
 * The text the views of `f` read (its definition line on), one view per switch on the sub-op its walk
 * ran and one for the tail it did not reach, as a hash and the lines of its parts; null where `f` has no
 * such switch, label or statement. A case's
 * statements include those tree-sitter leaves outside its node, after an `#ifdef` (case-items.ts): the
 * walker reads no case before them from there (walker.ts's errorStanding stops at one). The views are
 * as viewsOfWalk keeps them.
 */
export function viewText(f: CFunction, views: readonly ArmView[]): ViewText | null {
  const all = skippedAll(f.body, views, false);
  return all && textOf(f, all.skipped);
}

/** The views a walk made of `f` (walk-reads.ts's), as they are kept, and their text; null as viewText. */
export function viewsOfWalk(
  f: CFunction,
  walked: readonly ArmView[],
): { readonly views: ArmView[]; readonly text: ViewText } | null {
  const all = skippedAll(f.body, walked, true);
  return all && { views: all.kept, text: textOf(f, all.skipped) };
}

function textOf(f: CFunction, skipped: readonly Skipped[]): ViewText {
  const body = f.body;
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
