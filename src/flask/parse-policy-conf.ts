import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/**
 * A set of types, classes or permissions as checkpolicy's grammar writes one (policy_parse.y `names`):
 * a name, `{ a b -c { d } }`, `*`, `~a` or `~{ a b }`, `a -b`; `self` in a rule's target.
 */
export interface NameSet {
  /** the names included, attributes not expanded */
  readonly names: readonly string[];
  /** the names a `-` takes out */
  readonly minus: readonly string[];
  /** `*`: every one */
  readonly star: boolean;
  /** `~`: every one but those */
  readonly complement: boolean;
}

/** Where a statement is in the policy's sources, by m4's synclines (`#line N "file"`). */
export interface SourcePosition {
  /** the file as m4 named it (relative to the directory m4 ran in), or as the caller maps it */
  readonly file: string;
  readonly line: number;
}

export type TeKind =
  | "allow"
  | "auditallow"
  | "dontaudit"
  | "neverallow"
  | "type_transition"
  | "type_change"
  | "type_member";

/** A type-enforcement rule of the source: `allow s t:c p;`, `type_transition s t:c new;` and the like. */
export interface TeStatement {
  readonly kind: TeKind;
  readonly source: NameSet;
  /** the target set without `self` */
  readonly target: NameSet;
  /** the target set names `self` */
  readonly self: boolean;
  readonly classes: NameSet;
  /** the permissions of an access-vector rule */
  readonly perms?: NameSet;
  /** the new type of a type rule */
  readonly newType?: string;
  /** the `if` it is in: its expression as tokens, and the branch */
  readonly cond?: { readonly expr: readonly string[]; readonly when: boolean };
  readonly at: SourcePosition;
  /** the statement as m4 wrote it, on one line */
  readonly text: string;
}

interface Token {
  readonly text: string;
  readonly at: SourcePosition;
  readonly column: number;
}

const KINDS = new Set<string>([
  "allow",
  "auditallow",
  "dontaudit",
  "neverallow",
  "type_transition",
  "type_change",
  "type_member",
]);
// an identifier as checkpolicy's lexer reads one (policy_scan.l: a letter or `_`, then letters, digits,
// `_`, `.` and `-`); numbers and the rest of its tokens only need skipping
const TOKEN = /[A-Za-z_$][\w.$-]*|\d[\w.]*|&&|\|\||==|!=|[{}()[\];:,~*\-!^=<>|&.]|"[^"]*"|\S/gy;

/** The tokens of an m4 output, each at the source line m4's synclines give, comments skipped. */
function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let at = { file, line: 0 };
  const lines = text.split("\n");
  for (const raw of lines) {
    const sync = /^#line (\d+)(?: "([^"]*)")?\s*$/.exec(raw);
    if (sync) {
      at = { file: sync[2] ?? at.file, line: Number(sync[1]) - 1 };
      continue;
    }
    at = { file: at.file, line: at.line + 1 };
    const hash = raw.indexOf("#");
    const code = hash >= 0 ? raw.slice(0, hash) : raw;
    TOKEN.lastIndex = 0;
    for (;;) {
      while (TOKEN.lastIndex < code.length && /\s/.test(code[TOKEN.lastIndex] as string)) TOKEN.lastIndex++;
      if (TOKEN.lastIndex >= code.length) break;
      const start = TOKEN.lastIndex;
      const m = TOKEN.exec(code);
      if (!m) break;
      out.push({ text: m[0], at, column: start + 1 });
    }
  }
  return out;
}

/**
 * The type-enforcement rules of a policy.conf as m4 writes it for checkpolicy (with `-s`, so each line
 * says where it comes from): rules at the top level and in each branch of an `if`, with their sets as
 * written. Every other statement is skipped; a rule this reader cannot read is a diagnostic at its
 * source line (`fileOf` maps m4's file names to the files a user opens).
 */
export function parsePolicyConf(
  text: string,
  name: string,
  fileOf: (m4File: string) => string = (f) => f,
): TeStatement[] {
  const toks = tokenize(text, name);
  const out: TeStatement[] = [];
  let i = 0;
  const peek = () => toks[i]?.text;
  const bad = (what: string, t: Token | undefined = toks[i] ?? toks[toks.length - 1]): never =>
    fail(
      error(
        "flask/policy-source",
        `${what}${t ? ` at \`${t.text}\`` : ""}`,
        t && { file: fileOf(t.at.file), line: t.at.line, column: 1 },
        "a policy source statement checkpolicy compiles that this reader does not read",
      ),
    );
  const expect = (s: string) => {
    if (peek() !== s) bad(`expected \`${s}\``);
    i++;
  };
  const ident = (): string => {
    const t = toks[i];
    if (!t || !/^[A-Za-z_$]/.test(t.text)) return bad("expected a name");
    i++;
    return t.text;
  };

  /** one `names` of the grammar, into the set being built */
  function names(into: { names: string[]; minus: string[]; star: boolean; complement: boolean }) {
    const t = peek();
    if (t === "*") {
      i++;
      into.star = true;
    } else if (t === "~") {
      i++;
      into.complement = true;
      if (peek() === "{") nested(into);
      else into.names.push(ident());
    } else if (t === "{") nested(into);
    else {
      into.names.push(ident());
      if (peek() === "-") {
        i++;
        into.minus.push(ident());
      }
    }
  }
  function nested(into: { names: string[]; minus: string[]; star: boolean; complement: boolean }) {
    expect("{");
    while (peek() !== "}") {
      if (peek() === undefined) bad("unterminated set");
      if (peek() === "-") {
        i++;
        into.minus.push(ident());
      } else if (peek() === "{") nested(into);
      else if (peek() === "*") {
        i++;
        into.star = true;
      } else into.names.push(ident());
    }
    i++;
  }
  function set(): NameSet {
    const s = { names: [] as string[], minus: [] as string[], star: false, complement: false };
    names(s);
    return s;
  }

  /** a rule from its keyword; undefined for a role `allow r1 r2;` */
  function rule(cond: TeStatement["cond"]): TeStatement | undefined {
    const first = toks[i] as Token;
    const start = i;
    const kind = first.text as TeKind;
    i++;
    const source = set();
    const target = set();
    if (peek() === ";" && kind === "allow") {
      i++;
      return undefined;
    }
    const self = target.names.includes("self");
    expect(":");
    const classes = set();
    let perms: NameSet | undefined;
    let newType: string | undefined;
    if (kind.startsWith("type_")) newType = ident();
    else perms = set();
    if (peek()?.startsWith('"')) bad("a named type transition");
    expect(";");
    return {
      kind,
      source,
      target: { ...target, names: target.names.filter((n) => n !== "self") },
      self,
      classes,
      ...(perms && { perms }),
      ...(newType !== undefined && { newType }),
      ...(cond && { cond }),
      at: { file: fileOf(first.at.file), line: first.at.line },
      text: toks
        .slice(start, i)
        .map((t) => t.text)
        .join(" ")
        .replace(/ ?: ?/g, ":")
        .replace(/ ;/g, ";")
        .replace(/([~-]) /g, "$1"),
    };
  }

  /** statements up to the `}` closing a block (or the end at depth 0) */
  function block(cond: TeStatement["cond"], depth: number) {
    while (i < toks.length) {
      const t = peek() as string;
      if (t === "}") {
        if (depth === 0) bad("`}` without its `{`");
        i++;
        return;
      }
      if (KINDS.has(t)) {
        const r = rule(cond);
        if (r) out.push(r);
        continue;
      }
      if (t === "if" && toks[i + 1]?.text === "(") {
        if (cond) bad("an `if` inside an `if`");
        i += 2;
        const expr: string[] = [];
        for (let open = 1; ; i++) {
          const x = peek();
          if (x === undefined) bad("unterminated `if` expression");
          if (x === "(") open++;
          if (x === ")" && --open === 0) break;
          expr.push(x as string);
        }
        i++;
        expect("{");
        block({ expr, when: true }, depth + 1);
        if (peek() === "else") {
          i++;
          expect("{");
          block({ expr, when: false }, depth + 1);
        }
        continue;
      }
      // any other braces (class and common permission lists, a user's roles): skipped whole
      if (t === "{") {
        for (let open = 0; ; i++) {
          const x = peek();
          if (x === undefined) bad("unterminated `{`");
          if (x === "{") open++;
          if (x === "}" && --open === 0) break;
        }
      }
      i++;
    }
    if (depth > 0) bad("unterminated block");
  }
  block(undefined, 0);
  return out;
}
