import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Action } from "../model/action.js";
import type { Stmt } from "../policy/program.js";
import { blankMacros } from "./blank-macros.js";
import { lineOf, type Node, type ParseC } from "./c-parser.js";
import { type DefaultActionExtraction, extractDefaultAction } from "./default-action.js";
import { extractHooks, type HookExtraction } from "./dummy-hooks.js";
import type { Gap } from "./hook-body.js";
import { DUMMY_H, functionsIn, type ParsedFile, readSource } from "./xen-tree.js";

/** master's X-macro list of hooks (commit 813a62811f); older trees have none. */
export const HOOKS_H = "xen/include/xsm/hooks.h";

/** The tree's own default policy: dummy.h's `xsm_default_action()` and hooks, read whole. */
export interface PolicyReading {
  readonly dummyH: ParsedFile;
  readonly hooks: HookExtraction;
  readonly defaultAction: DefaultActionExtraction;
}

const HELP = {
  syntax: "the C parser could not read this part of dummy.h; xenpriv reads the policy whole or not at all",
  defaultAction:
    "xenpriv reads `xsm_default_action()` whole or not at all: a switch it half-read would decide some actions wrongly (Xen 4.17.0 to master are read)",
  hook: "xenpriv reads every hook of dummy.h (and hooks.h) whole or not at all: a hook it half-read would be a guessed check (Xen 4.17.0 to master are read)",
  action:
    "xsm_default_action() decides every action a hook uses; an action without a case means the switch was misread, not that Xen refuses it",
} as const;

/** ERROR and MISSING nodes: text the grammar could not place, after macro blanking. */
function syntaxGaps(root: Node, path: string): Gap[] {
  const out: Gap[] = [];
  // in text order, with a stack of its own: broken text can nest tens of thousands deep
  const stack: Node[] = root.hasError ? [root] : [];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === "ERROR" || n.isMissing) {
      const text = n.text.split("\n")[0]?.trim().slice(0, 60) ?? "";
      out.push({
        ref: `${path}:${lineOf(n)}`,
        what: "dummy.h",
        reason: n.isMissing ? `\`${n.type}\` missing here` : `\`${text}\` is not C the parser can read`,
        column: n.startPosition.column + 1,
      });
      continue;
    }
    const children = n.children;
    for (let k = children.length - 1; k >= 0; k--) {
      const c = children[k];
      if (c && (c.hasError || c.isMissing)) stack.push(c);
    }
  }
  return out;
}

/** `XSM_ASSERT_ACTION(...)` calls outside any `xsm_*` function: a hook whose definition has a shape not read. */
function strayAssertions(root: Node, dummyH: ParsedFile): Gap[] {
  const inFunction = (n: Node) =>
    dummyH.functions.some(
      (f) => f.name.startsWith("xsm_") && f.body.startIndex <= n.startIndex && n.endIndex <= f.body.endIndex,
    );
  return root
    .descendantsOfType("call_expression")
    .filter((c): c is Node => c !== null && c.childForFieldName("function")?.text === "XSM_ASSERT_ACTION")
    .filter((c) => !inFunction(c))
    .map((c) => ({
      ref: `${dummyH.path}:${lineOf(c)}`,
      what: "dummy.h",
      reason:
        "`XSM_ASSERT_ACTION` outside any `xsm_*` function definition the reader found: the hook's shape is not read",
      column: c.startPosition.column + 1,
    }));
}

/** The actions a hook makes xsm_default_action() decide: its asserted one and those its body passes. */
function actionsUsed(hooks: HookExtraction): { hook: string; action: Action; ref: string }[] {
  const out: { hook: string; action: Action; ref: string }[] = [];
  for (const h of hooks.hooks)
    if (h.action !== "OTHER") out.push({ hook: h.name, action: h.action, ref: h.ref });
  for (const [name, program] of Object.entries(hooks.bodies))
    for (const s of program.body as Stmt[]) {
      const o = "check" in s ? s.check : "then" in s ? s.then : s.do;
      if (typeof o !== "string") out.push({ hook: name, action: o.call, ref: s.ref });
    }
  return out;
}

/**
 * Hooks that use an action the switch has no case for. Xen would not link such a tree
 * (`LINKER_BUG_ON(1)` in the `default:` case, xen/include/xsm/dummy.h:101-103 at RELEASE-4.22.0), so
 * the switch was misread: 4.17.5's `case XSM_XS_PRIV:` inside an `if` was once lost this way.
 */
function actionsWithoutCase(hooks: HookExtraction, da: DefaultActionExtraction, text: string): Gap[] {
  const lines = text.split("\n");
  const cased = new Set<string>(da.actions);
  const out: Gap[] = [];
  const seen = new Set<string>();
  for (const u of actionsUsed(hooks)) {
    if (cased.has(u.action) || seen.has(`${u.hook}:${u.action}`)) continue;
    seen.add(`${u.hook}:${u.action}`);
    // the line that names the action: XSM_ASSERT_ACTION(XSM_X) under the hook's line, or the call's own
    const from = Number(u.ref.slice(u.ref.lastIndexOf(":") + 1)) - 1;
    let line = from;
    while (line < lines.length && line < from + 8 && !lines[line]?.includes(`XSM_${u.action}`)) line++;
    const found = lines[line]?.indexOf(`XSM_${u.action}`) ?? -1;
    out.push({
      ref: `${DUMMY_H}:${found >= 0 ? line + 1 : from + 1}`,
      what: `hook xsm_${u.hook}`,
      reason: `uses \`XSM_${u.action}\`, for which the reader found no case in xsm_default_action() (${da.program.ref}; cases read: ${[...cased].join(", ")})`,
      column: found >= 0 ? found + 1 : 1,
    });
  }
  return out;
}

/** A gap as a diagnostic on the tree's file. */
const located =
  (root: string, code: string, help: string) =>
  (g: Gap): Diagnostic => {
    const at = g.ref.lastIndexOf(":");
    const span = {
      file: join(root, g.ref.slice(0, at)),
      line: Number(g.ref.slice(at + 1)),
      column: g.column,
    };
    return error(code, `${g.what}: ${g.reason}`, span, help);
  };

/**
 * Reads the tree's default policy out of dummy.h (and master's hooks.h): `xsm_default_action()` and
 * every hook, whole, or throws an InputError (exit 2) with a located diagnostic for each construct
 * it does not understand. What decides every answer is never guessed; what the path walker cannot
 * settle (a call on a domain it cannot name) stays a note of the catalogue.
 */
export function readPolicy(root: string, parse: ParseC): PolicyReading {
  const text = readSource(root, DUMMY_H);
  // parseFile's reading, keeping the tree to find what the parser could not read
  const tree = parse(blankMacros(text), join(root, DUMMY_H));
  const dummyH: ParsedFile = { path: DUMMY_H, functions: functionsIn(tree.rootNode, DUMMY_H, null) };
  const hooksH = existsSync(join(root, HOOKS_H))
    ? { path: HOOKS_H, text: readSource(root, HOOKS_H) }
    : undefined;
  const hooks = extractHooks(dummyH, hooksH);
  const defaultAction = extractDefaultAction(dummyH);

  const file = { file: join(root, DUMMY_H), line: 1, column: 1 };
  if (!dummyH.functions.some((f) => f.name === "xsm_default_action"))
    throw new InputError([
      error(
        "extract/no-default-action",
        `no usable \`xsm_default_action()\` in \`${DUMMY_H}\`: dummy.h defines no xsm_default_action()`,
        file,
        "expected `static always_inline int xsm_default_action(xsm_default_t action, struct domain *src, struct domain *target)` with a switch on the action",
      ),
    ]);
  const diagnostics = [
    ...syntaxGaps(tree.rootNode, DUMMY_H).map(located(root, "extract/dummy-h-syntax", HELP.syntax)),
    ...defaultAction.unresolved.map(located(root, "extract/default-action-unread", HELP.defaultAction)),
    ...[...hooks.unresolved, ...strayAssertions(tree.rootNode, dummyH)].map(
      located(root, "extract/hook-unread", HELP.hook),
    ),
    ...actionsWithoutCase(hooks, defaultAction, text).map(
      located(root, "extract/action-without-case", HELP.action),
    ),
  ];
  const key = (d: Diagnostic) => [d.span?.file ?? "", d.span?.line ?? 0, d.span?.column ?? 0] as const;
  diagnostics.sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    return fa.localeCompare(fb) || la - lb || ca - cb;
  });
  if (diagnostics.length) throw new InputError(diagnostics);
  if (hooks.hooks.length === 0)
    throw new InputError([
      error(
        "extract/no-hooks",
        `no XSM hook found in \`${DUMMY_H}\``,
        file,
        "expected functions starting with XSM_ASSERT_ACTION(XSM_*)",
      ),
    ]);
  return { dummyH, hooks, defaultAction };
}
