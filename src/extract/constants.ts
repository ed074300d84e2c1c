/**
 * The numeric `#define`s of Xen's public headers (`xen/include/public/**`): sub-op numbers,
 * flags and the like, which the catalogue quotes with their values. Plain line scanning, no
 * C parser: all the headers take a few tens of milliseconds.
 *
 * A value is kept when it is an integer expression of literals (decimal, hex, octal, with
 * `U`/`L` suffixes), parentheses, `+ - * | & ^ << >>`, unary `-`, names of other such
 * constants, and calls of macros that only mark a literal's type (`xen_mk_uint(0x7FF0)`, which
 * is `0x7FF0 ## U`); anything else (casts, `~`, other function-like macros, strings) is
 * skipped, since its value depends on C types we do not model.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readSource } from "./xen-tree.js";

export interface ConstantInfo {
  value: number;
  /** `xen/include/public/<file>:<line>` */
  ref: string;
}

const PUBLIC = "xen/include/public";

interface Definition {
  body: string;
  ref: string;
  /** the parameters of a function-like macro */
  params?: string[];
}

/** What a one-parameter macro does to its argument: pastes a type suffix, or returns it. */
type Marker = "paste" | "plain";

/** The texts of `<root>/xen/include/public/**\/*.h`, by path under it, sorted: what constantsOf reads. */
export function publicHeaders(root: string): Map<string, string> {
  // without the public headers, sub-ops have no numbers but everything else stands
  const files = existsSync(join(root, PUBLIC)) ? headers(join(root, PUBLIC)) : [];
  return new Map(files.map((f) => [f, readSource(root, `${PUBLIC}/${f}`)]));
}

/** Every numeric constant of the public headers (publicHeaders' texts), by name. */
export function constantsOf(texts: ReadonlyMap<string, string>): Map<string, ConstantInfo> {
  // Every definition of each name, in file order (paths sorted, so the result is stable):
  // a name defined twice (arch branches, `#ifdef __XEN__`) takes the first definition that
  // has a value, and references resolve at use, as cpp expands them.
  const definitions = new Map<string, Definition[]>();
  const latest = latestInterfaceVersion(texts.get("xen-compat.h") ?? "");
  for (const [file, text] of texts) scanDefines(text, `${PUBLIC}/${file}`, latest, definitions);

  const out = new Map<string, ConstantInfo>();
  const resolving = new Set<string>();
  const failed = new Set<string>();
  const resolve = (name: string): ConstantInfo | null => {
    const known = out.get(name);
    if (known) return known;
    if (failed.has(name) || resolving.has(name)) return null;
    resolving.add(name);
    let found: ConstantInfo | null = null;
    for (const d of definitions.get(name) ?? []) {
      if (d.params) continue;
      const value = evaluate(d.body, (n) => resolve(n)?.value ?? null, marker);
      if (value !== null) {
        found = { value, ref: d.ref };
        break;
      }
    }
    resolving.delete(name);
    if (found) out.set(name, found);
    // a name seen while it was being resolved failed only for that cycle; try again later
    else if (resolving.size === 0) failed.add(name);
    return found;
  };
  const markers = new Map<string, Marker | null>();
  const marker = (name: string): Marker | null => {
    if (markers.has(name)) return markers.get(name) ?? null;
    markers.set(name, null); // a cycle is no marker
    const d = definitions.get(name)?.find((x) => x.params?.length === 1);
    const found = d ? markerOf(d.body, d.params?.[0] ?? "", marker) : null;
    markers.set(name, found);
    return found;
  };
  for (const [name, defs] of definitions) if (defs.some((d) => !d.params)) resolve(name);
  return out;
}

/** `x`, `(x)`, `x ## U`, or another marker applied to `x`. */
function markerOf(body: string, param: string, marker: (name: string) => Marker | null): Marker | null {
  const b = body.replace(/\s+/g, "");
  if (b === param || b === `(${param})`) return "plain";
  if (b.startsWith(`${param}##`) && /^[uUlL]+$/.test(b.slice(param.length + 2))) return "paste";
  const call = /^([A-Za-z_]\w*)\((\w+)\)$/.exec(b);
  return call?.[1] && call[2] === param ? marker(call[1]) : null;
}

/** Header files under `dir`, relative with `/`, sorted. */
export function headers(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.isDirectory()) return headers(join(dir, e.name), `${prefix}${e.name}/`);
      return e.isFile() && e.name.endsWith(".h") ? [`${prefix}${e.name}`] : [];
    })
    .sort();
}

/**
 * Xen and its tools build with `__XEN_INTERFACE_VERSION__` set to the latest version: the
 * branches for older guests (`#if __XEN_INTERFACE_VERSION__ < 0x00040200`) are not theirs.
 */
export function latestInterfaceVersion(xenCompat: string): number | null {
  const m = /#\s*define\s+__XEN_LATEST_INTERFACE_VERSION__\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+)/.exec(xenCompat);
  return m?.[1] ? Number(m[1]) : null;
}

/** Whether `#if <cond>` holds for the latest interface; null when it is about something else. */
function versionTest(cond: string, latest: number | null): boolean | null {
  const m =
    /^\s*__XEN_INTERFACE_VERSION__\s*(<=|>=|==|!=|<|>)\s*(0[xX][0-9a-fA-F]+|\d+|__XEN_LATEST_INTERFACE_VERSION__)[uUlL]*\s*$/.exec(
      cond,
    );
  if (!m?.[2] || latest === null) return null;
  const n = m[2] === "__XEN_LATEST_INTERFACE_VERSION__" ? latest : Number(m[2]);
  return compareInts(m[1] ?? "", latest, n);
}

/** `a <op> b` for C's comparison operators; null for any other operator. */
export function compareInts(op: string, a: number, b: number): boolean | null {
  const results: Record<string, boolean> = {
    "<": a < b,
    "<=": a <= b,
    ">": a > b,
    ">=": a >= b,
    "==": a === b,
    "!=": a !== b,
  };
  return results[op] ?? null;
}

/** An open conditional: whether its current branch is read, and what is known of its earlier ones. */
interface Branch {
  live: boolean;
  /** every condition so far was an interface-version test */
  known: boolean;
  taken: boolean;
}

/** Applies a conditional directive to the stack of open ones. */
function branch(stack: Branch[], directive: string, cond: string, latest: number | null): void {
  const top = stack.at(-1);
  if (directive === "if" || directive === "ifdef" || directive === "ifndef") {
    const v = directive === "if" ? versionTest(cond, latest) : null;
    stack.push({ live: v !== false, known: v !== null, taken: v === true });
  } else if (directive === "elif" && top) {
    const v = versionTest(cond, latest);
    if (top.known && top.taken) top.live = false;
    else {
      top.live = v !== false;
      top.known &&= v !== null;
      top.taken = v === true;
    }
  } else if (directive === "else" && top) {
    top.live = !(top.known && top.taken);
  } else if (directive === "endif") {
    stack.pop();
  }
}

/** Records the `#define NAME body` and `#define NAME(params) body` lines of a header. */
function scanDefines(
  text: string,
  file: string,
  latest: number | null,
  into: Map<string, Definition[]>,
): void {
  const lines = text.split("\n");
  const state = { inComment: false };
  const stack: Branch[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = code(lines[i] ?? "", state);
    if (!/^\s*#/.test(l)) continue;
    while (l.endsWith("\\") && i + 1 < lines.length) l = `${l.slice(0, -1)} ${code(lines[++i] ?? "", state)}`;
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(l);
    if (d?.[1] !== "define") {
      if (d?.[1]) branch(stack, d[1], d[2] ?? "", latest);
      continue;
    }
    if (stack.some((b) => !b.live)) continue;
    // a name followed at once by `(` is a function-like macro
    const m = /^\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(l);
    if (!m?.[1] || !m[3]?.trim()) continue;
    const list = into.get(m[1]) ?? [];
    const def: Definition = { body: m[3].trim(), ref: `${file}:${start + 1}` };
    if (m[2])
      def.params = m[2]
        .slice(1, -1)
        .split(",")
        .map((p) => p.trim());
    list.push(def);
    into.set(m[1], list);
  }
}

/** A line without its comments; `state` carries an open block comment to the next line. */
function code(line: string, state: { inComment: boolean }): string {
  // most lines have no comment: skip the work for them
  if (!state.inComment && !line.includes("/")) return line.trimEnd();
  let out = "";
  let at = 0;
  // the next `//`, looked for again only once passed: a line of 100,000 comments was quadratic
  let slash = -2;
  while (at < line.length) {
    if (state.inComment) {
      const end = line.indexOf("*/", at);
      if (end < 0) return out.trimEnd();
      state.inComment = false;
      out += " ";
      at = end + 2;
      continue;
    }
    const open = line.indexOf("/*", at);
    if (slash !== -1 && slash < at) slash = line.indexOf("//", at);
    if (slash >= 0 && (open < 0 || slash < open)) return (out + line.slice(at, slash)).trimEnd();
    if (open < 0) return (out + line.slice(at)).trimEnd();
    out += line.slice(at, open);
    state.inComment = true;
    at = open + 2;
  }
  return out.trimEnd();
}

const BINARY: Record<string, { prec: number; op: (a: bigint, b: bigint) => bigint | null }> = {
  "*": { prec: 5, op: (a, b) => a * b },
  "+": { prec: 4, op: (a, b) => a + b },
  "-": { prec: 4, op: (a, b) => a - b },
  "<<": { prec: 3, op: (a, b) => (b >= 0n && b < 64n ? a << b : null) },
  ">>": { prec: 3, op: (a, b) => (b >= 0n && b < 64n ? a >> b : null) },
  "&": { prec: 2, op: (a, b) => a & b },
  "^": { prec: 1, op: (a, b) => a ^ b },
  "|": { prec: 0, op: (a, b) => a | b },
};

/** Nesting past which a macro body is not evaluated (Xen's constants nest a few parentheses). */
const MAX_EXPRESSION_DEPTH = 256;

/**
 * The value of a macro body, or null if it is not a simple integer expression.
 * BigInt so that `1UL << 40` is not cut to 32 bits; results beyond 2^53 are skipped.
 */
function evaluate(
  body: string,
  lookup: (name: string) => number | null,
  marker: (name: string) => Marker | null,
): number | null {
  const tokens = body.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|<<|>>|\S/g) ?? [];
  let i = 0;
  // parentheses and signs nest the recursion: a body of 100,000 `(` is no simple expression
  let depth = 0;
  const primary = (): bigint | null => {
    if (++depth > MAX_EXPRESSION_DEPTH) return null;
    try {
      return primaryAt();
    } finally {
      depth--;
    }
  };
  const primaryAt = (): bigint | null => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (t === "(") {
      const v = binary(0);
      return tokens[i++] === ")" ? v : null;
    }
    if (t === "-") {
      const v = primary();
      return v === null ? null : -v;
    }
    if (/^\d/.test(t)) return literal(t);
    if (/^[A-Za-z_]/.test(t) && tokens[i] === "(") {
      const kind = marker(t);
      i++;
      // pasting a suffix onto anything but a literal makes another token: not a number
      const v =
        kind === "plain" ? binary(0) : kind === "paste" && /^\d/.test(tokens[i] ?? "") ? primary() : null;
      return tokens[i++] === ")" ? v : null;
    }
    if (/^[A-Za-z_]/.test(t)) {
      const v = lookup(t);
      return v === null ? null : BigInt(v);
    }
    return null;
  };
  // precedence climbing over the binary operators above
  const binary = (min: number): bigint | null => {
    let left = primary();
    for (;;) {
      const op = BINARY[tokens[i] ?? ""];
      if (left === null || !op || op.prec < min) return left;
      i++;
      const right = binary(op.prec + 1);
      if (right === null) return null;
      left = op.op(left, right);
    }
  };
  const v = binary(0);
  if (v === null || i !== tokens.length) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/** A C integer literal without its suffix: `0x10`, `010` (octal), `16U`. */
export function literal(t: string): bigint | null {
  const digits = t.replace(/[uUlL]+$/, "");
  if (/^0[xX]/.test(digits)) return BigInt(digits);
  if (/^0[0-7]+$/.test(digits)) return BigInt(`0o${digits.slice(1)}`);
  return /^\d+$/.test(digits) ? BigInt(digits) : null;
}
