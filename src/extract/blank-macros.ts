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
  return expandNaming(text).replace(BLANKED, (m) =>
    m === "XSM_DEFAULT_VOID" ? "void            " : m.replace(/[^\n]/g, " "),
  );
}
