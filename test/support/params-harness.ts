/**
 * A harness around Xen's own `parse_params`, compiled at test time from the user's tree: the functions
 * it runs (`parse_params`, `assign_integer_param`, `parse_bool`, `simple_strtoull`, `simple_strtoll`,
 * `parse_size_and_unit`, `strlcpy`) and the registration macros and `struct kernel_param` of
 * xen/include/xen/param.h are read out of the tree; the glue (types, annotations, `printk`, the
 * registrations' variables and stub handlers, main()) is written here. The registrations are the
 * tree's: each option's macro, name and declared type, in catalogue order, in one section that
 * parse_params walks as it walks `__setup_start..__setup_end`.
 *
 * For each input line main() runs parse_params twice, over variables filled first with one
 * pattern and then with another: a variable that ends equal in both runs was written, one that
 * follows the pattern was not. It prints what Xen printed, each written variable and each
 * handler call (hex-encoded), then `E`.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OptionEntry } from "../../src/cmdline/option-catalogue.js";
import { readSource } from "../../src/extract/xen-tree.js";
import { type CText, functionText, macroText, structText } from "./xen-c-text.js";

/** Where each function is defined, newest layout first (xen/lib/ from 4.18, vsprintf.c in 4.17). */
const FUNCTIONS: readonly (readonly [string, readonly string[]])[] = [
  ["strlcpy", ["xen/lib/strlcpy.c", "xen/common/string.c"]],
  ["simple_strtoull", ["xen/lib/strtoull.c", "xen/common/vsprintf.c", "xen/common/lib.c"]],
  ["simple_strtoll", ["xen/lib/strtoll.c", "xen/common/vsprintf.c", "xen/common/lib.c"]],
  ["parse_size_and_unit", ["xen/lib/parse-size.c", "xen/common/lib.c"]],
  ["parse_bool", ["xen/common/kernel.c"]],
  ["assign_integer_param", ["xen/common/kernel.c"]],
  ["parse_params", ["xen/common/kernel.c"]],
];

const PARAM_H = "xen/include/xen/param.h";
const ERRNO_H = "xen/include/public/errno.h";
const STRING_H = "xen/include/xen/string.h";
const REQUIRED_MACROS = [
  "MAX_PARAM_SIZE",
  "__param",
  "__setup_str",
  "__kparam",
  "custom_param",
  "boolean_param",
];
const MORE_MACROS = [
  "integer_param",
  "size_param",
  "string_param",
  "__TEMP_NAME",
  "_TEMP_NAME",
  "TEMP_NAME",
  "ignore_param",
  "custom_runtime_param",
  "boolean_runtime_param",
  "integer_runtime_param",
  "size_runtime_param",
  "string_runtime_param",
];

/** The glue: what the pieces of the tree need from the rest of Xen, reduced to a user-space program. */
const PRELUDE = `#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
typedef uint8_t u8; typedef int8_t s8; typedef uint16_t u16; typedef int16_t s16;
typedef uint32_t u32; typedef int32_t s32; typedef uint64_t u64; typedef int64_t s64;
typedef uint16_t domid_t; typedef uint64_t paddr_t; /* LP64: x86_64 and arm64 */
#define __init
#define __initconst
#define __initdata
#define __read_mostly
#define __ro_after_init
#define __initsetup __attribute__((__used__, __section__("xenpriv_param")))
#define BUG() abort()
#define ASSERT(p) ((void)0)
#define BUILD_BUG_ON(c) ((void)sizeof(char[1 - 2 * !!(c)]))
#define BUILD_BUG_ON_ZERO(c) 0
#define strlcpy xp_strlcpy
#define printk xp_printk
/* CONFIG_HYPFS=n, as param.h's own #else: the boot table is the same */
#define custom_runtime_only_param(...)
#define boolean_runtime_only_param(...)
#define integer_runtime_only_param(...)
#define size_runtime_only_param(...)
#define string_runtime_only_param(...)
static int xp_quiet, xp_calls;
static void xp_hex(const char *s) { for (; *s; s++) printf("%02x", (unsigned char)*s); putchar('\\n'); }
static void xp_printk(const char *fmt, ...) {
  char buf[4096]; va_list ap;
  if (xp_quiet) return;
  va_start(ap, fmt); vsnprintf(buf, sizeof(buf), fmt, ap); va_end(ap);
  buf[strcspn(buf, "\\n")] = 0;
  printf("L "); xp_hex(buf);
}
static int xp_call(int i, const char *s) { if (xp_calls) { printf("C %d ", i); xp_hex(s); } return 0; }
`;

/** The registration macro of the tree's line at `ref` (`string_runtime_param`, `custom_param`...). */
function macroAt(root: string, ref: string): string | undefined {
  const [file, line] = ref.split(":") as [string, string];
  const text = readSource(root, file).split("\n")[Number(line) - 1] ?? "";
  return /\b(\w+_param)\s*\(/.exec(text)?.[1];
}

/** The length expression of a string option's array, with the file's `#define`s it names. */
function stringLength(root: string, e: OptionEntry): { expr: string; defines: string[] } | undefined {
  const file = e.ref.split(":")[0] as string;
  const text = readSource(root, file);
  const expr = new RegExp(`\\b${e.variable}\\s*\\[([^\\]]+)\\]`).exec(text)?.[1]?.trim();
  if (!expr) return undefined;
  const defines: string[] = [];
  for (const id of expr.match(/\b[A-Za-z_]\w*\b/g) ?? []) {
    if (id === "sizeof") continue;
    const d = macroText(text, id);
    if (!d) return undefined;
    defines.push(d);
  }
  return { expr, defines };
}

export interface ParamsHarness {
  readonly exe: string;
  /** the registrations compiled in, in table order: the model is given the same table */
  readonly entries: readonly OptionEntry[];
  /** registrations left out, and why (a type or length the harness cannot declare) */
  readonly skipped: readonly { readonly entry: OptionEntry; readonly why: string }[];
  /** the tree's functions and where they are */
  readonly sources: readonly CText[];
}

/**
 * Writes and compiles the harness for `table` (boot registrations of one build, in table order) in
 * `dir`. Throws, naming what is missing, when the tree lacks a function or macro the harness needs.
 */
export async function buildParamsHarness(
  root: string,
  table: readonly OptionEntry[],
  dir: string,
): Promise<ParamsHarness> {
  const sources: CText[] = [];
  for (const [name, files] of FUNCTIONS) {
    const f = await functionText(root, name, files);
    if (!f) throw new Error(`${root}: no definition of ${name} in ${files.join(", ")}`);
    sources.push(f);
  }
  const paramH = readSource(root, PARAM_H);
  const struct = structText(paramH, "kernel_param");
  if (!struct) throw new Error(`${root}: no struct kernel_param in ${PARAM_H}`);
  const macros: string[] = [];
  for (const name of [...REQUIRED_MACROS, ...MORE_MACROS]) {
    const m = macroText(paramH, name);
    if (!m && REQUIRED_MACROS.includes(name)) throw new Error(`${root}: no #define ${name} in ${PARAM_H}`);
    if (m) macros.push(m);
  }
  const stringH = readSource(root, STRING_H);
  for (const name of ["is_char_array", "safe_strcpy"]) {
    const m = macroText(stringH, name);
    if (!m) throw new Error(`${root}: no #define ${name} in ${STRING_H}`);
    macros.push(m);
  }

  // Xen's own errno values, `XEN_ERRNO(EINVAL, 22)` (the header's list), not the host's
  const errno = [...readSource(root, ERRNO_H).matchAll(/^XEN_ERRNO\((\w+),\s*(\d+)\)/gm)].map(
    ([, name, value]) => `#undef ${name}\n#define ${name} ${value}`,
  );
  if (!errno.some((d) => d.includes("define EINVAL ")) || !errno.some((d) => d.includes("define EOVERFLOW ")))
    throw new Error(`${root}: no EINVAL or EOVERFLOW in ${ERRNO_H}`);

  const entries: OptionEntry[] = [];
  const skipped: { entry: OptionEntry; why: string }[] = [];
  const registrations: string[] = [];
  const vars: string[] = [];
  for (const e of table) {
    if (e.runtime === "runtime-only") continue;
    const macro = macroAt(root, e.ref);
    if (!macro) {
      skipped.push({ entry: e, why: "no registration macro on its line" });
      continue;
    }
    const i = entries.length;
    const name = JSON.stringify(e.name);
    const at = `/* ${e.ref} */`;
    if (e.type === "custom") {
      registrations.push(
        `static int xp_h${i}(const char *s) { return xp_call(${i}, s); } ${at}`,
        macro.includes("runtime") ? `${macro}(${name}, xp_h${i}, xp_init);` : `${macro}(${name}, xp_h${i});`,
      );
      vars.push("{ 0, 0, 0 }");
    } else if (e.type === "ignore") {
      registrations.push(`${macro}(${name}); ${at}`);
      vars.push("{ 0, 0, 0 }");
    } else if (e.type === "string") {
      const len = stringLength(root, e);
      if (!len) {
        skipped.push({ entry: e, why: "array length not read" });
        continue;
      }
      registrations.push(
        ...len.defines,
        `static char xp_v${i}[${len.expr}]; ${at}`,
        ...len.defines.map((d) => `#undef ${/define\s+(\w+)/.exec(d)?.[1]}`),
        `${macro}(${name}, xp_v${i});`,
      );
      vars.push(`{ xp_v${i}, sizeof(xp_v${i}), 'S' }`);
    } else {
      const type = e.type === "bool" ? "bool" : e.ctype;
      if (!type) {
        skipped.push({ entry: e, why: "declared type not read" });
        continue;
      }
      registrations.push(`static ${type} xp_v${i}; ${at}`, `${macro}(${name}, xp_v${i});`);
      vars.push(`{ &xp_v${i}, sizeof(xp_v${i}), 'V' }`);
    }
    entries.push(e);
  }

  const program = [
    PRELUDE,
    `/* from ${ERRNO_H} */`,
    ...errno,
    `/* from ${PARAM_H} */`,
    struct,
    ...macros,
    ...sources.map((s) => `/* ${s.file}:${s.line} */\n${s.text}`),
    "extern const struct kernel_param __start_xenpriv_param[], __stop_xenpriv_param[];",
    ...registrations,
    `static struct { void *p; size_t size; char kind; } xp_var[] = { ${vars.join(", ")} };`,
    MAIN,
  ].join("\n");
  const source = join(dir, "params-harness.c");
  const exe = join(dir, "params-harness");
  writeFileSync(source, program);
  const cc = spawnSync("gcc", ["-std=gnu11", "-O1", "-fno-toplevel-reorder", "-w", "-o", exe, source], {
    encoding: "utf8",
  });
  if (cc.error) throw new Error("`gcc` is needed to compile parse_params: sudo apt-get install gcc");
  if (cc.status !== 0) throw new Error(`gcc failed on ${source}:\n${cc.stderr}`);
  return { exe, entries, skipped, sources };
}

/** main(): the table as the section holds it, then each line's log, written variables and calls. */
const MAIN = `
#define XP_N (sizeof(xp_var) / sizeof(xp_var[0]))
static unsigned char xp_first[XP_N][512];
static void xp_fill(int pattern) {
  for (size_t i = 0; i < XP_N; i++) {
    if (!xp_var[i].p) continue;
    memset(xp_var[i].p, xp_var[i].kind == 'S' ? pattern & 0x0f : pattern, xp_var[i].size);
    if (xp_var[i].kind == 'S') ((char *)xp_var[i].p)[xp_var[i].size - 1] = 0;
  }
}
int main(void) {
  static char line[1 << 16];
  const struct kernel_param *k;
  for (k = __start_xenpriv_param; k < __stop_xenpriv_param; k++)
    printf("R %d %u ", (int)k->type, k->len), xp_hex(k->name);
  printf("T\\n");
  while (fgets(line, sizeof(line), stdin)) {
    line[strcspn(line, "\\n")] = 0;
    xp_fill(0xa1); xp_quiet = 0; xp_calls = 1;
    parse_params(line, __start_xenpriv_param, __stop_xenpriv_param);
    for (size_t i = 0; i < XP_N; i++)
      if (xp_var[i].p) memcpy(xp_first[i], xp_var[i].p, xp_var[i].size);
    xp_fill(0x5e); xp_quiet = 1; xp_calls = 0;
    parse_params(line, __start_xenpriv_param, __stop_xenpriv_param);
    for (size_t i = 0; i < XP_N; i++) {
      if (!xp_var[i].p) continue;
      if (xp_var[i].kind == 'S') {
        if (!strcmp((char *)xp_first[i], xp_var[i].p)) printf("S %zu ", i), xp_hex(xp_var[i].p);
      } else if (!memcmp(xp_first[i], xp_var[i].p, xp_var[i].size)) {
        printf("V %zu ", i);
        for (size_t b = xp_var[i].size; b-- > 0;) printf("%02x", ((unsigned char *)xp_var[i].p)[b]);
        putchar('\\n');
      }
    }
    printf("E\\n");
  }
  return 0;
}
`;

/** What the harness printed for one line. */
export interface HarnessLine {
  /** Xen's printk lines, in order */
  readonly log: string[];
  /** written variables by table index: the value's bytes as a big-endian hex number, or a string */
  readonly values: Map<number, { readonly kind: "V" | "S"; readonly value: string }>;
  /** handler calls by table index, in order */
  readonly calls: Map<number, string[]>;
}

export interface HarnessRun {
  /** the table as the section holds it: type (OPT_*), len, name */
  readonly table: readonly { readonly type: number; readonly len: number; readonly name: string }[];
  readonly lines: readonly HarnessLine[];
}

const unhex = (h: string) => Buffer.from(h, "hex").toString("latin1");

/** Runs the harness on `lines` (none may hold a line break) and reads what it printed. */
export function runParamsHarness(h: ParamsHarness, lines: readonly string[]): HarnessRun {
  const r = spawnSync(h.exe, {
    input: lines.map((l) => `${l}\n`).join(""),
    encoding: "latin1",
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${h.exe} exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const out = r.stdout.split("\n");
  const table: { type: number; len: number; name: string }[] = [];
  const parsed: HarnessLine[] = [];
  let cur: HarnessLine = { log: [], values: new Map(), calls: new Map() };
  for (const l of out) {
    const [tag, a = "", b = "", c = ""] = l.split(" ");
    if (tag === "R") table.push({ type: Number(a), len: Number(b), name: unhex(c) });
    else if (tag === "L") cur.log.push(unhex(a));
    else if (tag === "V" || tag === "S")
      cur.values.set(Number(a), { kind: tag, value: tag === "S" ? unhex(b) : b });
    else if (tag === "C") cur.calls.set(Number(a), [...(cur.calls.get(Number(a)) ?? []), unhex(b)]);
    else if (tag === "E") {
      parsed.push(cur);
      cur = { log: [], values: new Map(), calls: new Map() };
    }
  }
  if (parsed.length !== lines.length)
    throw new Error(`${h.exe}: ${parsed.length} results for ${lines.length} lines`);
  return { table, lines: parsed };
}
