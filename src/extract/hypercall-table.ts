/**
 * Reads `xen/include/hypercall-defs.c`, the hypercall description that Xen's build runs
 * through $(CPP) and then `xen/scripts/gen_hypercall.awk`. We cannot run the preprocessor
 * (we do not know the build configuration), so we read every branch of every conditional
 * and record the `CONFIG_*` conditions around each table row as its guards instead.
 *
 * What the awk script does, and we mirror:
 * - `prefix: p1 p2 ...` sets the prefixes of the prototype lines that follow
 *   (`PREFIX_*` macros are expanded by cpp first: `PREFIX_hvm` is `hvm` or nothing);
 * - a prototype line `name(args)` declares `<prefix>_name` for each active prefix;
 * - `caller: c` makes table column `c` live; columns never named by `caller:` are ignored;
 * - `table: c1 c2 ...` starts the table: each later line is `name v1 v2 ...`, one value per
 *   column, `-` for "not callable", otherwise a prefix with an optional `:<priority>`;
 *   the handler for that column is `<prefix>_<name>`, and a prototype must declare it;
 * - a row whose live columns are all `-` is ignored (no guest can make that call).
 */
import type { Diagnostic } from "../core/diagnostic.js";
import { error } from "../core/diagnostic.js";
import { conditional, currentScope, type Frame, logicalLines, type Scope } from "./directives.js";

export type GuestType = "pv" | "pvh" | "hvm";

export interface HypercallEntry {
  /** hypercall name without `__HYPERVISOR_`, e.g. `physdev_op` */
  name: string;
  /** `<path>:<line of the table row>` */
  ref: string;
  /** `CONFIG_*` conditions around the table row, `!CONFIG_X` for a negated one */
  guards: string[];
  /** x86 guest types whose table has the call */
  callers: GuestType[];
  /** architectures that can make the call (`dep` on Arm is a deprecated stub, not a call) */
  arch: ("x86" | "arm")[];
  /** C handler of the 64-bit native column of each table */
  entry: { x86pv?: string; x86hvm?: string; arm?: string };
}

const CODE = "extract/hypercall-defs";

/** Parses the text of `hypercall-defs.c`; `path` is how refs and spans name the file. */
export function readHypercallTable(
  text: string,
  path: string,
): { entries: HypercallEntry[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entries: HypercallEntry[] = [];
  const at = (line: number, column = 1) => ({ file: path, line, column });

  const frames: Frame[] = [];
  let scope: Scope = { guards: [], dead: false, lossy: [], others: [] };
  const reportedLossy = new Set<number>();

  // cpp expands every macro; here only the ones `prefix:` lines use matter. A macro
  // defined empty in one branch and non-empty in another takes the non-empty value.
  const defines = new Map<string, string[]>();
  const callers = new Set<string>();
  const prototypes = new Map<string, Set<string>>();
  let prefixes: string[] = [];
  let columns: string[] | null = null;

  for (const { line, text: l } of logicalLines(text)) {
    const directive = /^\s*#\s*(\w+)\s*(.*)$/.exec(l);
    if (directive) {
      const [, name = "", rest = ""] = directive;
      if (name === "define") {
        const m = /^(\w+)(?![\w(])\s*(.*)$/.exec(rest);
        const words = m?.[2]?.trim().split(/\s+/).filter(Boolean) ?? [];
        if (m?.[1] && words.length > 0 && !scope.dead && !defines.has(m[1])) defines.set(m[1], words);
        continue;
      }
      const problem = conditional(frames, name, rest, line);
      if (problem) diagnostics.push(error(CODE, problem, at(line)));
      scope = currentScope(frames);
      continue;
    }
    if (scope.dead) continue;
    const fields = l.trim().split(/\s+/).filter(Boolean);
    const [first] = fields;
    // `extern` lines are preprocessing artefacts the awk script drops too
    if (first === undefined || first === "extern") continue;

    if (first === "caller:") {
      for (const c of fields.slice(1)) callers.add(c);
    } else if (first === "prefix:") {
      prefixes = fields.slice(1).flatMap((w) => expand(w, defines));
    } else if (first === "table:") {
      columns = fields.slice(1);
    } else if (first === "handle:" || first === "defhandle:" || first === "rettype:") {
      // types of the generated prototypes: nothing about who may call what
    } else if (columns) {
      if (fields.length !== columns.length + 1) {
        diagnostics.push(
          error(
            CODE,
            `table row \`${first}\` has ${fields.length - 1} columns, the \`table:\` header has ${columns.length}`,
            at(line, l.indexOf(first) + 1),
            `one value per column: a prefix such as \`do\` or \`compat\`, or \`-\``,
          ),
        );
        continue;
      }
      for (const d of scope.lossy) {
        if (reportedLossy.has(d)) continue;
        reportedLossy.add(d);
        diagnostics.push({
          code: CODE,
          severity: "warning",
          message: `the condition at line ${d} is not a conjunction of \`CONFIG_*\` options: rows under it lose that guard`,
          span: at(d),
        });
      }
      const entry = tableRow(first, fields.slice(1), columns, callers, prototypes, line, path, diagnostics);
      if (entry) entries.push({ ...entry, guards: [...scope.guards] });
    } else {
      const open = l.indexOf("(");
      const name = l.slice(0, open).trim();
      if (open < 0 || !/^\w+$/.test(name) || l.indexOf(")", open) < 0) {
        diagnostics.push(error(CODE, `\`${l.trim()}\` is not a prototype line`, at(line)));
        continue;
      }
      const set = prototypes.get(name) ?? new Set<string>();
      for (const p of prefixes) set.add(p);
      prototypes.set(name, set);
    }
  }

  for (const f of frames) diagnostics.push(error(CODE, "`#if` without `#endif`", at(f.line)));
  if (!columns)
    diagnostics.push(
      error(
        CODE,
        "no `table:` line: the file describes no hypercall table",
        at(1),
        "expected a line `table: pv32 pv64 hvm32 hvm64 arm` before the table rows",
      ),
    );
  else if (entries.length === 0 && !diagnostics.some((d) => d.severity === "error"))
    diagnostics.push(error(CODE, "the `table:` has no rows: the tree would have no hypercalls", at(1)));
  return { entries, diagnostics };
}

/** One table row to an entry (without guards); null if no live column has a handler. */
function tableRow(
  name: string,
  values: string[],
  columns: string[],
  callers: ReadonlySet<string>,
  prototypes: ReadonlyMap<string, ReadonlySet<string>>,
  line: number,
  path: string,
  diagnostics: Diagnostic[],
): Omit<HypercallEntry, "guards"> | null {
  const handler = new Map<string, string>();
  values.forEach((value, i) => {
    const column = columns[i] ?? "";
    if (!callers.has(column) || value === "-") return;
    const [prefix = "", prio] = value.split(":");
    // gen_hypercall.awk refuses priorities outside 1..99 (xen/scripts/gen_hypercall.awk:155-159 at RELEASE-4.22.0)
    if (prio !== undefined && !(/^\d+$/.test(prio) && +prio >= 1 && +prio <= 99)) {
      diagnostics.push(
        error(CODE, `priority \`${prio}\` of \`${name}\` must be in 1..99`, { file: path, line, column: 1 }),
      );
    }
    if (!prototypes.get(name)?.has(prefix)) {
      diagnostics.push(
        error(CODE, `no prototype \`${prefix}_${name}\` for column \`${column}\``, {
          file: path,
          line,
          column: 1,
        }),
      );
    }
    handler.set(column, `${prefix}_${name}`);
  });
  if (handler.size === 0) return null;

  const has = (...cs: string[]) => cs.some((c) => handler.has(c));
  // `dep` rows on Arm are dep_*() stubs that only report a deprecated call (xen/arch/arm/traps.c:1330-1348)
  const armCallable = handler.has("arm") && !handler.get("arm")?.startsWith("dep_");
  const guests: GuestType[] = [];
  if (has("pv32", "pv64")) guests.push("pv");
  if (has("hvm32", "hvm64")) guests.push("pvh", "hvm");
  const arch: ("x86" | "arm")[] = [];
  if (has("pv32", "pv64", "hvm32", "hvm64")) arch.push("x86");
  if (armCallable) arch.push("arm");
  const entry: HypercallEntry["entry"] = {};
  const pv = handler.get("pv64");
  const hvm = handler.get("hvm64");
  const arm = handler.get("arm");
  if (pv) entry.x86pv = pv;
  if (hvm) entry.x86hvm = hvm;
  if (arm) entry.arm = arm;
  return { name, ref: `${path}:${line}`, callers: guests, arch, entry };
}

/** A word of a `prefix:` line after cpp: a macro's value, or nothing for a `PREFIX_*` never defined non-empty. */
function expand(word: string, defines: ReadonlyMap<string, string[]>): string[] {
  const value = defines.get(word);
  if (value) return value;
  return word.startsWith("PREFIX_") ? [] : [word];
}
