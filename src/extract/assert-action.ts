import { conditional, currentScope, type Frame, logicalLines } from "./directives.js";
import type { CFunction } from "./xen-tree.js";

/**
 * What dummy.h makes of a call site whose `XSM_*` differs from its hook's `XSM_ASSERT_ACTION`, read
 * from the macro's two definitions (xen/include/xsm/dummy.h:61 and :74 at RELEASE-4.22.0):
 * with CONFIG_XSM=n the hooks are inlined with the caller's action and the macro is
 * `LINKER_BUG_ON((def) != action)`, a call to a function nobody defines (:31, :46), so such a call
 * does not link; with CONFIG_XSM=y the macro is `xsm_default_t action = (def)`, so the hook uses
 * its own action whatever the caller passed.
 */
export interface ActionAssertion {
  /** CONFIG_XSM=n's `XSM_ASSERT_ACTION`, when it is that link-time check */
  readonly linkCheck: LinkCheck | null;
  /** CONFIG_XSM=n's definition, whatever it is; null when dummy.h has none */
  readonly disabled: string | null;
  /** CONFIG_XSM=y's, when it declares `action` from the asserted value: the hook's own action */
  readonly ownAction: string | null;
}

export interface LinkCheck {
  /** the `#define XSM_ASSERT_ACTION(def)` line */
  readonly ref: string;
  /** a build in which the function `LINKER_BUG_ON` calls is defined, so the check links (`CONFIG_COVERAGE && __clang__`) */
  readonly except?: { readonly when: string; readonly ref: string };
}

const DEFINE = /^\s*#\s*define\s+(\w+)\s*\(\s*(\w+)\s*\)\s*(.*?)\s*$/;
const DIRECTIVE = /^\s*#\s*(\w+)\s*(.*)$/;
/** `#ifndef __XEN_XSM_DUMMY_H__`, as recorded: around the whole header, no condition of the build */
const INCLUDE_GUARD = /^!defined\(_*[A-Z0-9_]*_H_*\)$/;

/** `(def) != action`, `def != action` or `action != (def)`, spaces aside. */
const compares = (body: string, param: string) => {
  const def = `\\(?\\s*${param}\\s*\\)?`;
  return new RegExp(`^\\(?\\s*(${def}\\s*!=\\s*action|action\\s*!=\\s*${def})\\s*\\)?$`).test(body);
};

/** Reads `XSM_ASSERT_ACTION` (and the `LINKER_BUG_ON` it uses) out of dummy.h's text. */
export function readActionAssertion(path: string, text: string): ActionAssertion {
  const frames: Frame[] = [];
  const defines: { name: string; param: string; body: string; ref: string; xsm: boolean | null }[] = [];
  const definitions: { at: number; when: string }[] = [];
  const lines = logicalLines(text);
  for (const { line, text: l } of lines) {
    const d = DIRECTIVE.exec(l);
    if (d && d[1] !== "define") {
      conditional(frames, d[1] ?? "", d[2] ?? "", line);
      continue;
    }
    const m = DEFINE.exec(l);
    if (!m) continue;
    const scope = currentScope(frames);
    const xsm = scope.guards.includes("CONFIG_XSM")
      ? true
      : scope.guards.includes("!CONFIG_XSM")
        ? false
        : null;
    defines.push({ name: m[1] ?? "", param: m[2] ?? "", body: m[3] ?? "", ref: `${path}:${line}`, xsm });
  }
  const bugOn = defines.find((d) => d.name === "LINKER_BUG_ON");
  // `do { if (x) __xsm_action_mismatch_detected(); } while (0)`: the function whose reference must not survive
  const linkFn = /(\w+)\s*\(\s*\)\s*;/.exec(bugOn?.body ?? "")?.[1] ?? "";
  const conditionAt = new Map<number, string>();
  if (linkFn) {
    frames.length = 0;
    for (const { line, text: l } of lines) {
      const d = DIRECTIVE.exec(l);
      if (d) {
        if (d[1] !== "define") conditional(frames, d[1] ?? "", d[2] ?? "", line);
        const arg = d[2]?.trim() ?? "";
        if (d[1] === "if" || d[1] === "ifdef" || d[1] === "ifndef")
          conditionAt.set(line, d[1] === "if" ? arg : `${d[1] === "ifndef" ? "!" : ""}defined(${arg})`);
        continue;
      }
      // a definition (not a declaration) of the function: its line does not end the statement
      if (new RegExp(`\\b${linkFn}\\s*\\(\\s*(void)?\\s*\\)\\s*(\\{.*)?$`).test(l.trim())) {
        const at = frames.at(-1)?.line ?? 0;
        const when = conditionAt.get(at) ?? "";
        // outside any #if but the header's include guard: defined in every build
        definitions.push(INCLUDE_GUARD.test(when) || at === 0 ? { at: line, when: "" } : { at, when });
      }
    }
  }
  const assert = (xsm: boolean) => defines.find((d) => d.name === "XSM_ASSERT_ACTION" && d.xsm === xsm);
  const off = assert(false);
  const on = assert(true);
  const [exception] = definitions;
  const isLinkCheck =
    off !== undefined &&
    exception?.when !== "" &&
    /^LINKER_BUG_ON\s*\((.*)\)$/.test(off.body) &&
    compares(/^LINKER_BUG_ON\s*\((.*)\)$/.exec(off.body)?.[1] ?? "", off.param) &&
    // Xen's own dummy.h defines LINKER_BUG_ON; a tree that does not is read as Xen's
    (bugOn === undefined || linkFn !== "");
  // the `#if` around it: the build in which the check links (and the hook uses the caller's action)
  const except = exception && { when: exception.when, ref: `${path}:${exception.at}` };
  return {
    linkCheck: isLinkCheck && off ? { ref: off.ref, ...(except && { except }) } : null,
    disabled: off?.ref ?? null,
    ownAction:
      on && new RegExp(`\\baction\\s*=\\s*\\(?\\s*${on.param}\\s*\\)?`).test(on.body) ? on.ref : null,
  };
}

/**
 * Whether a hook of dummy.h hands the caller's action on (`xsm_default_action(action, ...)`): with
 * CONFIG_XSM=n, `action` is then what the call site passed; a hook that names only its own actions
 * (`xsm_default_action(XSM_PRIV, ...)`) ignores it.
 */
export function passesCallersAction(fn: CFunction): boolean {
  return fn.body.descendantsOfType("identifier").some((n) => n?.text === "action");
}
