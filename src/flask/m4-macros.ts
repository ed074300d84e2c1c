/** A file of the policy's sources, by its path in the tree. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** A rule written in a macro's body, with `$1`, `$2_channel`, ... where the arguments go. */
export interface MacroRule {
  /** the rule as written, on one line */
  readonly text: string;
  readonly line: number;
  /** matches the rule once m4 has put the arguments in, written as parsePolicyConf writes a statement */
  readonly pattern: RegExp;
  /** the same, with a name made of an argument (`$1_self`) matching any name: a macro may define it */
  readonly loose: RegExp;
}

/** An m4 macro of the policy (`define(\`name', \`body')`), with the rules its body writes. */
export interface M4Macro {
  readonly name: string;
  readonly file: string;
  /** the line of its `define(` */
  readonly line: number;
  readonly body: string;
  readonly rules: readonly MacroRule[];
}

const RULE = /^\s*(allow|auditallow|dontaudit|neverallow|type_transition|type_change|type_member)\b/;

/**
 * A rule's text on one line as parsePolicyConf writes a statement: one space between tokens and around
 * braces, none around `:`, before `;` or after a `~` or `-`; m4's quotes left out.
 */
function normalizeRule(text: string): string {
  return text
    .replace(/[`']/g, "")
    .replace(/([{}])/g, " $1 ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/ ?: ?/g, ":")
    .replace(/ ;/g, ";")
    .replace(/([~-]) /g, "$1");
}

/** The text from `from` to the end of the statement (its `;`), or undefined when there is none nearby. */
function statementAt(text: string, from: number): string | undefined {
  const end = text.indexOf(";", from);
  return end < 0 || end - from > 4000 ? undefined : text.slice(from, end + 1);
}

/** One quoted m4 string from `` ` `` at `i`: its end (after the closing `'`), quotes nesting. */
function quoted(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    if (text[j] === "`") depth++;
    else if (text[j] === "'" && --depth === 0) return j + 1;
  }
  return text.length;
}

/**
 * The macros the policy's m4 sources define, as GNU m4 reads them at the top level of each file: a
 * `define` outside quotes and `#` comments, its name and body quoted or not. A `define` inside another
 * macro's body is made only when that macro runs, and is not listed.
 */
export function m4Macros(files: readonly SourceFile[]): Map<string, M4Macro> {
  const out = new Map<string, M4Macro>();
  for (const f of files) {
    const text = f.text;
    const lineAt = (i: number) => text.slice(0, i).split("\n").length;
    const arg = (i: number): [string, number] => {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] === "`") {
        const end = quoted(text, i);
        return [text.slice(i + 1, end - 1), end];
      }
      let j = i;
      while (j < text.length && text[j] !== "," && text[j] !== ")") j++;
      return [text.slice(i, j), j];
    };
    for (let i = 0; i < text.length; ) {
      const c = text[i];
      if (c === "#") {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl;
      } else if (c === "`") i = quoted(text, i);
      else if (text.startsWith("define(", i) && !/\w/.test(text[i - 1] ?? "")) {
        const at = i;
        const [name, afterName] = arg(i + 7);
        if (text[afterName] !== ",") {
          i = afterName;
          continue;
        }
        const bodyFrom = afterName + 1;
        const [body, end] = arg(bodyFrom);
        const bodyLine = lineAt(bodyFrom);
        const rules: MacroRule[] = [];
        let offset = 0;
        for (const l of body.split("\n")) {
          const m = RULE.exec(l);
          const stmt = m ? statementAt(body, offset + l.indexOf(m[1] as string)) : undefined;
          if (stmt) {
            const text = normalizeRule(stmt);
            const re = (arg: RegExp) =>
              new RegExp(
                `^${text
                  .split(arg)
                  .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
                  .join("(.+?)")}$`,
              );
            rules.push({
              text,
              line: bodyLine + body.slice(0, offset).split("\n").length - 1,
              pattern: re(/\$(?:\d+|[@*#])/),
              loose: re(/\$(?:\d+|[@*#])\w*/),
            });
          }
          offset += l.length + 1;
        }
        if (/^\w+$/.test(name) && !out.has(name))
          out.set(name, { name, file: f.path, line: lineAt(at), body, rules });
        i = end;
      } else i++;
    }
  }
  return out;
}
