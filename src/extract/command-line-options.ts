import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { OptionEntry, OptionType } from "../cmdline/option-catalogue.js";
import { conditional, currentScope, type Frame, logicalLines } from "./directives.js";
import { buildable, readKconfig } from "./kconfig.js";
import { fileGuards, makefileGuards } from "./makefile-guards.js";
import { kconfigOf, readSource, walk } from "./xen-tree.js";

/** The macros of xen/include/xen/param.h that register options, and what each makes. */
const MACRO =
  /^\s*(custom|boolean|integer|size|string|ignore)_(runtime_only_|runtime_)?param\s*\(\s*"([^"]*)"\s*(?:,\s*([A-Za-z_][\w.]*))?/;

const TYPE: Record<string, OptionType> = {
  custom: "custom",
  boolean: "bool",
  integer: "integer",
  size: "size",
  string: "string",
  ignore: "ignore",
};

/** Byte widths of C integer types on x86_64 and arm64 (LP64), and whether they are signed. */
const WIDTH: [RegExp, number, boolean][] = [
  [/^(bool|_Bool)$/, 1, false],
  [/^(u8|uint8_t|unsigned char)$/, 1, false],
  [/^(s8|int8_t|signed char|char)$/, 1, true],
  [/^(u16|uint16_t|unsigned short( int)?|domid_t)$/, 2, false],
  [/^(s16|int16_t|short( int)?)$/, 2, true],
  [/^(u32|uint32_t|unsigned( int)?)$/, 4, false],
  [/^(s32|int32_t|int|signed( int)?)$/, 4, true],
  [/^(u64|uint64_t|unsigned long( long)?( int)?|size_t|paddr_t|unsigned long int)$/, 8, false],
  [/^(s64|int64_t|long( long)?( int)?|ssize_t|signed long)$/, 8, true],
];

const QUALIFIERS = /\b(static|const|volatile|extern|__\w+|__initdata|__read_mostly|__ro_after_init)\b/g;

/** The declaration of `variable` in the file: its C type and, for an array, its length expression. */
function declaration(text: string, variable: string): { type: string; length?: string } | undefined {
  const re = new RegExp(
    `^[ \\t]*((?:[A-Za-z_]\\w*[ \\t]+)+?)\\**[ \\t]*${variable}[ \\t]*(?:\\[([^\\]]*)\\])?[ \\t]*(?:=|;|__)`,
    "m",
  );
  const m = re.exec(text);
  if (!m) return undefined;
  const type = (m[1] as string).replace(QUALIFIERS, " ").replace(/\s+/g, " ").trim();
  return { type, ...(m[2] !== undefined && { length: m[2].trim() }) };
}

/** `sizeof` of a string buffer: a number, a macro of the file, or `sizeof("literal")`. */
function arrayLength(text: string, expr: string): number | undefined {
  if (/^\d+$/.test(expr)) return Number(expr);
  const literal = /^sizeof\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)$/.exec(expr);
  if (literal) return (literal[1] as string).length + 1;
  const macro = new RegExp(`^\\s*#\\s*define\\s+${expr}\\s+\\(?(\\d+)\\)?\\s*$`, "m").exec(text);
  return macro ? Number(macro[1]) : undefined;
}

/**
 * Every option a Xen tree registers with the param.h macros: name, type, runtime or not, where,
 * under which `#if` and Makefile guards, and whether each modelled arch can build it.
 */
export function extractOptions(root: string): OptionEntry[] {
  const found = { c: [] as string[], h: [] as string[] };
  walk(join(root, "xen"), found);
  const read = (path: string) => (existsSync(join(root, path)) ? readSource(root, path) : null);
  const objects = new Map<string, string[]>();
  for (const dir of ["common", "drivers", "lib", "xsm", "crypto", "arch/x86", "arch/arm"])
    makefileGuards(read, `xen/${dir}`, dir === "crypto" ? ["CONFIG_CRYPTO"] : [], objects);
  // arm32 is a build of the option catalogue only (the operation catalogue models 64-bit builds)
  const kconfig = {
    ...kconfigOf(root),
    arm32: readKconfig(
      (path) => (existsSync(join(root, "xen", path)) ? readSource(root, `xen/${path}`) : null),
      "arm32",
    ),
  };
  const out: OptionEntry[] = [];
  for (const p of [...found.c, ...found.h].sort()) {
    const file = relative(root, p);
    if (file === "xen/include/xen/param.h" || file.startsWith("xen/tools/")) continue;
    const text = readSource(root, file);
    if (!/_param\s*\(/.test(text)) continue;
    const arch = /^xen\/arch\/(\w+)\//.exec(file)?.[1] ?? null;
    const frames: Frame[] = [];
    let scope = currentScope(frames);
    const lines = logicalLines(text);
    lines.forEach(({ line, text: l }, i) => {
      const directive = /^\s*#\s*(\w+)\s*(.*)$/.exec(l);
      if (directive) {
        if (!conditional(frames, directive[1] as string, directive[2] as string, line))
          scope = currentScope(frames);
        return;
      }
      // an invocation may go on over the next lines
      const m = MACRO.exec(l) && MACRO.exec([l, lines[i + 1]?.text, lines[i + 2]?.text].join(" "));
      if (!m || scope.dead) return;
      const [, macro = "", runtime, name = "", variable] = m;
      const type = TYPE[macro] as OptionType;
      const guards = [...new Set([...fileGuards(objects, file), ...scope.guards])];
      const builds = {
        x86: (arch === null || arch === "x86") && buildable(kconfig.x86, guards),
        arm: (arch === null || arch === "arm") && buildable(kconfig.arm, guards),
        arm32: (arch === null || arch === "arm") && buildable(kconfig.arm32, guards),
      };
      const entry: OptionEntry = {
        name,
        type,
        runtime: runtime === "runtime_only_" ? "runtime-only" : runtime ? "boot-and-runtime" : "boot",
        arch,
        guards,
        builds,
        ref: `${file}:${line}`,
        ...(variable && (type === "custom" ? { handler: variable } : { variable })),
      };
      if (variable && (type === "integer" || type === "size" || type === "string")) {
        const decl = declaration(text, variable);
        if (decl && type === "string" && decl.length !== undefined) {
          const length = arrayLength(text, decl.length);
          if (length !== undefined) Object.assign(entry, { length });
        } else if (decl && type !== "string") {
          const w = WIDTH.find(([re]) => re.test(decl.type));
          if (w) Object.assign(entry, { width: w[1], signed: w[2], ctype: decl.type });
        }
      }
      out.push(entry);
    });
  }
  return out;
}
