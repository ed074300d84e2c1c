import { DOMAIN_ITERATORS } from "./roles.js";

/**
 * Xen's annotation macros that tree-sitter would misread as types or declarators.
 * They carry no meaning for access control, so they are blanked with spaces of the
 * same length: every byte keeps its offset and every line its number (function names pasted by
 * a macro keep only their line).
 */
const ANNOTATIONS =
  /\b(?:cf_check|XSM_INLINE|always_inline|noinline|__init|__initdata|__read_mostly|__ro_after_init|__must_check|__maybe_unused|__cold|XSM_DEFAULT_ARG)\b/g;

/** Attribute macros with an argument: `__section(".bss")`, `__aligned(PAGE_SIZE)`. */
const ATTRIBUTES =
  /\b(?:__section|__aligned|__page_aligned_bss|__cacheline_aligned|__attribute_const__)\b(?:\s*\([^()\n]*\))?/g;

/** `#define` bodies, continuation lines included: tree-sitter misparses many of them and none is code on a path. */
const DEFINE = /^[ \t]*#[ \t]*define\b(?:[^\n]*\\\n)*[^\n]*/gm;

/** `# define DO(fn) long do_##fn`: a macro that names a function by pasting a prefix to its argument. */
const NAMING = /^[ \t]*#[ \t]*define[ \t]+(\w+)\((\w+)\)[ \t]+([\w \t*]*?)\b(\w+)##\2[ \t]*$/gm;

/**
 * `DO(xen_version)(int cmd, ...)` (xen/common/kernel.c:479 at RELEASE-4.17.7) as `long do_xen_version(...)`
 * when the file defines DO that way. The line keeps its number, not its length.
 */
function expandNaming(text: string): string {
  // a pasting macro needs `##`: most files have none, and the search costs a pass over the text
  if (!text.includes("##")) return text;
  let out = text;
  for (const [, name, , type = "", prefix] of text.matchAll(NAMING))
    out = out.replace(
      new RegExp(`\\b${name}\\((\\w+)\\)(?=\\s*\\()`, "g"),
      (_, fn: string) => `${type}${prefix}${fn}`,
    );
  return out;
}

/** Each kind above in one pass (a `#define` line is taken whole first, as it starts its line). */
const BLANKED = new RegExp(
  [DEFINE.source, ANNOTATIONS.source, ATTRIBUTES.source, "\\bXSM_DEFAULT_VOID\\b"].join("|"),
  "gm",
);

export function blankMacros(text: string): string {
  return loopsOfIterators(
    expandNaming(text).replace(BLANKED, (m) =>
      m === "XSM_DEFAULT_VOID" ? "void            " : m.replace(/[^\n]/g, " "),
    ),
  );
}

/**
 * `for_each_vcpu`, `list_for_each_entry`, `for_each_set_bit`: Xen's iterator macros, which expand to
 * a `for` head (xen/include/xen/sched.h:997-1000 and xen/include/xen/list.h:495-498 at RELEASE-4.22.0).
 */
const ITERATOR = /\b\w*for_each\w*/g;
/**
 * An iterator's arguments longer than this are not looked at: the longest in 12 Xen trees (4.17.0 to
 * master) is 247 characters (xen/common/device_tree.c:1201 at RELEASE-4.18.6).
 */
const MAX_ARGS = 500;

/**
 * `if ( sync ) for_each_vcpu ( d, v ) vcpu_sleep_sync(v); else ...` (xen/common/domain.c:1629-1634 at
 * RELEASE-4.22.0): an iterator whose body is one statement without braces reads to tree-sitter as a
 * declaration, and before an `else` its error recovery drops the definitions after it. Such a head is
 * read as `while ( d, v )`, a loop over what its arguments say: the name's letters become `while` and
 * spaces, every byte keeps its offset. A head before a block (`for_each_vcpu ( d, v ) { ... }`) reads
 * well as it is, and the domain iterators are left to walker.ts. Comments and literals are not told
 * apart: of the 2,379 heads so read in 12 trees (4.17.0 to master), none is in one.
 */
function loopsOfIterators(text: string): string {
  if (!text.includes("for_each")) return text;
  let out = "";
  let kept = 0;
  for (const m of text.matchAll(ITERATOR)) {
    const name = m[0];
    const at = m.index ?? 0;
    if (DOMAIN_ITERATORS.has(name) || !startsStatement(text, at)) continue;
    const open = skipBlank(text, at + name.length);
    if (open < 0 || text[open] !== "(") continue;
    const close = closingParen(text, open);
    if (close < 0) continue;
    const after = skipBlank(text, close + 1);
    const next = after < 0 ? undefined : text[after];
    if (next === undefined || next === "{" || next === ";" || next === ")" || next === ",") continue;
    out += `${text.slice(kept, at)}while${" ".repeat(name.length - 5)}`;
    kept = at + name.length;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/**
 * How far the tests below look for the end or start of a blank run or comment: in 12 Xen trees
 * (4.17.0 to master) no head needs more than 600 characters, and a bound keeps each test, and so
 * the whole, linear in the text.
 */
const MAX_GAP = 1000;

/** The index of the first character at or after `i` that is no blank and in no comment, or -1 past MAX_GAP. */
function skipBlank(text: string, i: number): number {
  const limit = Math.min(text.length, i + MAX_GAP);
  while (i < limit) {
    if (isBlank(text.charCodeAt(i))) i++;
    else if (text.startsWith("/*", i)) {
      const end = text.substring(i + 2, limit).indexOf("*/");
      if (end < 0) return -1;
      i += 2 + end + 2;
    } else if (text.startsWith("//", i)) {
      const end = text.substring(i, limit).indexOf("\n");
      if (end < 0) return -1;
      i += end + 1;
    } else return i;
  }
  return i === text.length ? i : -1;
}

/**
 * Whether what comes before `at` (blanks and comments aside, within MAX_GAP) ends a statement, opens
 * one, or is a preprocessor directive's line.
 */
function startsStatement(text: string, at: number): boolean {
  const floor = Math.max(0, at - MAX_GAP);
  let i = at - 1;
  for (;;) {
    while (i >= floor && isBlank(text.charCodeAt(i))) i--;
    if (i >= floor + 1 && text[i] === "/" && text[i - 1] === "*") {
      const start = text.substring(floor, i - 1).lastIndexOf("/*");
      if (start < 0) return false;
      i = floor + start - 1;
    } else break;
  }
  if (i < floor) return floor === 0;
  const c = text[i] as string;
  if (c === ";" || c === "{" || c === "}" || c === ")" || c === ":") return true;
  if (/\belse$/.test(text.slice(Math.max(0, i - 4), i + 1))) return true;
  // the end of a directive's line (`#endif`, `#else`, `#ifdef CONFIG_X`): the head starts its statement
  const line = text.substring(floor, i + 1);
  const start = line.lastIndexOf("\n");
  return (start >= 0 || floor === 0) && /^[ \t]*#/.test(line.slice(start + 1));
}

/** Space, tab, line feed, carriage return, form feed, vertical tab: C's blanks. */
const isBlank = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** The index of the `)` that closes the `(` at `open`, or -1 past MAX_ARGS characters. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  const end = Math.min(text.length, open + MAX_ARGS);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}
