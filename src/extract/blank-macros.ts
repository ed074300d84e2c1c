/**
 * Xen's annotation macros that tree-sitter would misread as types or declarators.
 * They carry no meaning for access control, so they are blanked with spaces of the
 * same length: every byte keeps its offset and every line its number.
 */
const ANNOTATIONS =
  /\b(?:cf_check|XSM_INLINE|always_inline|noinline|__init|__initdata|__read_mostly|__ro_after_init|__must_check|__maybe_unused|__cold|XSM_DEFAULT_ARG)\b/g;

/** Attribute macros with an argument: `__section(".bss")`, `__aligned(PAGE_SIZE)`. */
const ATTRIBUTES =
  /\b(?:__section|__aligned|__page_aligned_bss|__cacheline_aligned|__attribute_const__)\b(?:\s*\([^()\n]*\))?/g;

/** `#define` bodies, continuation lines included: tree-sitter misparses many of them and none is code on a path. */
const DEFINE = /^[ \t]*#[ \t]*define\b(?:[^\n]*\\\n)*[^\n]*/gm;

export function blankMacros(text: string): string {
  return text
    .replace(DEFINE, (m) => m.replace(/[^\n]/g, " "))
    .replace(ANNOTATIONS, (m) => " ".repeat(m.length))
    .replace(ATTRIBUTES, (m) => " ".repeat(m.length))
    .replace(/\bXSM_DEFAULT_VOID\b/g, "void            ");
}
