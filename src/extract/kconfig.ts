import type { Arch } from "./xen-tree.js";

/**
 * What a Kconfig symbol can be in a build of one arch: `y` in every configuration, `n` in none,
 * `m` (maybe) when the user, a choice or a run-time-probed compiler feature decides.
 */
export type Tri = "y" | "n" | "m";

interface Conditional {
  readonly expr: string;
  readonly cond: string;
}

interface KSymbol {
  type: string;
  /** the prompt's visibility (`bool "x" if EXPERT`); absent: no prompt, the user cannot set it */
  prompt?: string;
  readonly defaults: Conditional[];
  /** `depends on`, with the enclosing `if`, `menu` and `choice` conditions */
  readonly depends: string[];
  /** who selects it (`select X if C` in symbol S: S && C), and who implies it */
  readonly selectedBy: string[];
  readonly impliedBy: string[];
}

/** A build Kconfig is read for: the catalogues' x86_64 and arm64, and arm32 for the option catalogue. */
export type KconfigArch = Arch | "arm32";

/** The Kconfig of one arch's build, read from xen/Kconfig through its `source` lines. */
export interface Kconfig {
  readonly arch: KconfigArch;
  value(symbol: string): Tri;
}

/**
 * The `$(SRCARCH)` and `$(ARCH)` of each build: x86_64, arm64 (ARM_64 unless ARM_32), and arm32
 * (ARM_32 is `depends on "$(ARCH)" = "arm32"`, xen/arch/arm/Kconfig:1-3 at RELEASE-4.22.0).
 */
const ARCH_VARS: Record<KconfigArch, Record<string, string>> = {
  x86: { SRCARCH: "x86", ARCH: "x86_64" },
  arm: { SRCARCH: "arm", ARCH: "arm64" },
  arm32: { SRCARCH: "arm", ARCH: "arm32" },
};

const KEYWORD = /^(config|menuconfig|choice|endchoice|if|endif|menu|endmenu|source|comment|mainmenu)\b/;

/**
 * Reads xen/Kconfig and what it sources for one arch (`read` gives a file of xen/ or null); a tree
 * without Kconfig gives every symbol `m`.
 */
export function readKconfig(read: (path: string) => string | null, arch: KconfigArch): Kconfig {
  const symbols = new Map<string, KSymbol>();
  const vars = ARCH_VARS[arch];
  const subst = (s: string) => s.replace(/\$\((\w+)\)/g, (m, v: string) => vars[v] ?? m);
  const symbol = (name: string): KSymbol => {
    let s = symbols.get(name);
    if (!s) {
      s = { type: "", defaults: [], depends: [], selectedBy: [], impliedBy: [] };
      symbols.set(name, s);
    }
    return s;
  };

  const readFile = (path: string, seen: Set<string>): void => {
    const text = seen.has(path) ? null : read(path);
    if (text === null) return;
    seen.add(path);
    const lines = text.split("\n");
    // the conditions of the enclosing `if`, `menu` and `choice` blocks
    const blocks: { kind: string; conds: string[] }[] = [];
    let current: { sym: KSymbol; name: string } | null = null;
    let block: { kind: string; conds: string[] } | null = null;
    let helpIndent = -1;
    const outer = () => blocks.flatMap((b) => b.conds);
    for (let i = 0; i < lines.length; i++) {
      let raw = lines[i] as string;
      while (raw.endsWith("\\") && i + 1 < lines.length) raw = raw.slice(0, -1) + lines[++i];
      const indent = raw.replace(/\t/g, "        ").search(/\S/);
      if (helpIndent >= 0) {
        if (indent < 0 || indent > helpIndent) continue;
        helpIndent = -1;
      }
      const line = raw.replace(/(^|\s)#.*$/, "").trim();
      if (!line) continue;
      const kw = KEYWORD.exec(line)?.[1];
      if (kw) {
        current = null;
        block = null;
        const rest = line.slice(kw.length).trim();
        if (kw === "config" || kw === "menuconfig") {
          const sym = symbol(rest);
          sym.depends.push(...outer());
          current = { sym, name: rest };
        } else if (kw === "if") blocks.push({ kind: "if", conds: [subst(rest)] });
        else if (kw === "menu" || kw === "choice") {
          block = { kind: kw, conds: [] };
          blocks.push(block);
        } else if (kw === "endif" || kw === "endmenu" || kw === "endchoice") blocks.pop();
        else if (kw === "source") readFile(subst(/^"([^"]+)"/.exec(rest)?.[1] ?? ""), seen);
        continue;
      }
      if (/^(help|---help---)$/.test(line)) {
        helpIndent = indent;
        continue;
      }
      const dep = /^depends on\s+(.+)$/.exec(line);
      if (dep) {
        if (current) current.sym.depends.push(subst(dep[1] as string));
        else block?.conds.push(subst(dep[1] as string));
        continue;
      }
      if (!current) continue;
      const m =
        /^(bool|tristate|int|hex|string|def_bool|def_tristate|default|prompt|select|imply)\b\s*(.*)$/.exec(
          line,
        );
      if (!m) continue;
      const [, key, body = ""] = m;
      const [head, cond = "y"] = splitIf(subst(body));
      const sym = current.sym;
      if (key === "select" || key === "imply")
        (key === "select" ? symbol(head).selectedBy : symbol(head).impliedBy).push(
          `(${current.name}) && (${cond})`,
        );
      else if (key === "default") sym.defaults.push({ expr: head, cond });
      else if (key === "prompt") sym.prompt = cond;
      else {
        sym.type = key?.replace(/^def_/, "") ?? "";
        if (key?.startsWith("def_")) sym.defaults.push({ expr: head, cond });
        else if (head.startsWith('"')) sym.prompt = cond;
      }
    }
  };
  readFile("Kconfig", new Set());

  const memo = new Map<string, Tri>();
  const value = (name: string): Tri => {
    const known = memo.get(name);
    if (known) return known;
    const sym = symbols.get(name);
    if (!sym) return symbols.size === 0 ? "m" : "n";
    memo.set(name, "m"); // a cycle through this symbol stays undecided
    const ev = (e: string) => evaluate(e, value);
    const dep = and(sym.depends.map(ev));
    const rev = or(sym.selectedBy.map(ev));
    const weak = or(sym.impliedBy.map(ev));
    let v: Tri;
    if (sym.type !== "bool" && sym.type !== "tristate") v = "m";
    else {
      const visible = sym.prompt === undefined ? "n" : and([dep, ev(sym.prompt)]);
      // without a prompt the first default that applies is the value; `imply` acts as one
      let byDefault: Tri = "n";
      for (const d of sym.defaults) {
        const c = ev(d.cond);
        if (c === "n") continue;
        byDefault = c === "y" ? ev(d.expr) : or([byDefault, "m"]);
        if (c === "y") break;
      }
      // a symbol the user may set is whatever the user sets, unless something selects it
      v = or([rev, visible === "n" ? and([dep, or([byDefault, weak])]) : "m"]);
    }
    memo.set(name, v);
    return v;
  };
  return { arch, value };
}

/** Whether code under these `CONFIG_*` / `!CONFIG_*` guards can be built on the arch. */
export function buildable(kconfig: Kconfig, guards: readonly string[]): boolean {
  return guards.every((g) => {
    const neg = g.startsWith("!");
    const v = kconfig.value(g.replace(/^!?CONFIG_/, ""));
    return neg ? v !== "y" : v !== "n";
  });
}

function splitIf(body: string): [string, string | undefined] {
  // `"prompt text" if EXPERT`, `y if HVM`, `X86 || ARM`: the last ` if ` outside quotes
  let quoted = false;
  for (let i = body.length - 1; i >= 0; i--) {
    if (body[i] === '"') quoted = !quoted;
    if (!quoted && body.slice(i, i + 4) === " if ")
      return [body.slice(0, i).trim(), body.slice(i + 4).trim()];
  }
  return [body.trim(), undefined];
}

const and = (xs: Tri[]): Tri => (xs.includes("n") ? "n" : xs.includes("m") ? "m" : "y");
const or = (xs: Tri[]): Tri => (xs.includes("y") ? "y" : xs.includes("m") ? "m" : "n");
const not = (x: Tri): Tri => (x === "y" ? "n" : x === "n" ? "y" : "m");

const MAX_NESTING = 100;

/** A Kconfig expression: `||`, `&&`, `!`, `=`, `!=`, comparisons, parentheses, symbols and literals. */
/** Whether every build of the arch has these guards (`!CONFIG_LLC_COLORING` where x86 cannot have it). */
export function required(kconfig: Kconfig, guards: readonly string[]): boolean {
  return guards.every((g) => kconfig.value(g.replace(/^!?CONFIG_/, "")) === (g.startsWith("!") ? "n" : "y"));
}

export function evaluate(expr: string, value: (symbol: string) => Tri): Tri {
  const tokens = expr.match(/"[^"]*"|\$\([^)]*\)|\|\||&&|!=|<=|>=|[!=<>()]|[A-Za-z0-9_.-]+/g) ?? [];
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const atom = (): { tri: Tri; text?: string } => {
    const t = tokens[pos++] ?? "";
    // nesting deeper than any real Kconfig decides nothing rather than exhausting the stack
    if ((t === "(" || t === "!") && depth > MAX_NESTING) return { tri: "m" };
    depth++;
    try {
      if (t === "(") {
        const v = orExpr();
        pos++;
        return { tri: v };
      }
      if (t === "!") return { tri: not(atom().tri) };
    } finally {
      depth--;
    }
    if (t.startsWith('"')) return { tri: "m", text: t.slice(1, -1) };
    if (t === "y" || t === "n") return { tri: t, text: t };
    if (/^[A-Z_][A-Z0-9_]*$/.test(t)) return { tri: value(t) };
    return { tri: "m", text: t.startsWith("$(") ? undefined : t };
  };
  const compare = (): Tri => {
    const l = atom();
    const op = peek();
    if (op !== "=" && op !== "!=" && op !== "<" && op !== ">" && op !== "<=" && op !== ">=") return l.tri;
    pos++;
    const r = atom();
    const lt = l.text ?? (l.tri !== "m" ? l.tri : undefined);
    const rt = r.text ?? (r.tri !== "m" ? r.tri : undefined);
    if ((op === "=" || op === "!=") && lt !== undefined && rt !== undefined && !lt.includes("$("))
      return (lt === rt) === (op === "=") ? "y" : "n";
    return "m";
  };
  const andExpr = (): Tri => {
    const xs = [compare()];
    while (peek() === "&&") {
      pos++;
      xs.push(compare());
    }
    return and(xs);
  };
  const orExpr = (): Tri => {
    const xs = [andExpr()];
    while (peek() === "||") {
      pos++;
      xs.push(andExpr());
    }
    return or(xs);
  };
  return tokens.length ? orExpr() : "y";
}
