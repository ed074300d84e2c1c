import { LIMITS } from "./limits.js";

/**
 * The value of a YAML document written in a small subset, read in one pass without positions, or
 * `undefined` when the text steps outside it (then the full reader, `parseSource`, reads it and says
 * where anything is wrong). The subset is what large generated files use: block mappings and
 * sequences, flow mappings and sequences on one line, comments, and plain scalars that mean the same
 * under YAML 1.2's core schema however they are read: names (`hvm12`, `CONFIG_KEXEC`, `4.22.0`),
 * decimal integers without a leading zero, `true` and `false`, and as a block value, text that starts
 * with a letter (`owns the PCI devices`, `system_u:system_r:domU_t`) or is quoted without escapes.
 * Anything else (escapes, anchors, aliases, tags, tabs, multi-line scalars, duplicate keys, `null`,
 * floats, a `__proto__` key, which an assignment would take for the object's prototype) is outside it.
 */
export function fastYaml(text: string, maxDepth = LIMITS.nesting): unknown {
  const lines: { indent: number; text: string }[] = [];
  for (const raw of text.split("\n")) {
    if (/[\t\r]/.test(raw)) return undefined;
    const hash = raw.indexOf("#");
    if (hash > 0 && raw[hash - 1] !== " ") return undefined;
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trimEnd();
    // quotes and backticks are plain text inside a plain scalar; at a scalar's start they leave the subset
    if (/[&*!|>%@]/.test(line)) return undefined;
    if (line === "") continue;
    const indent = line.length - line.trimStart().length;
    const body = line.slice(indent);
    if (body.startsWith("---") || body.startsWith("...")) return undefined;
    lines.push({ indent, text: body });
  }
  if (lines.length === 0 || (lines[0] as { indent: number }).indent !== 0) return undefined;
  let i = 0;
  const NO = Symbol("outside the subset");
  const isKey = (k: unknown): k is string => typeof k === "string" && k !== "__proto__";
  type Value = unknown;

  function scalar(s: string): Value | typeof NO {
    if (s === "true") return true;
    if (s === "false") return false;
    if (/^(0|[1-9][0-9]{0,14})$/.test(s)) return Number(s);
    if (
      /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) &&
      !/^(null|Null|NULL|true|True|TRUE|false|False|FALSE)$/.test(s)
    )
      return s;
    if (/^[0-9]+\.[0-9]+\.[0-9]+$/.test(s)) return s;
    return NO;
  }

  /**
   * A block value on its line: a scalar of the subset, else text that every YAML reader takes for a
   * string: quoted without escapes, or a plain scalar that starts with a letter, holds printable ASCII,
   * is more than one word or has a `:` inside (`system_u:system_r:domU_t`), and is no mapping (no `: `,
   * no `:` at its end).
   */
  function blockValue(s: string): Value | typeof NO {
    const v = inline(s);
    if (v !== NO) return v;
    // quoted without escapes: `"a b"`, `'a b'`
    if (/^"[\x20\x21\x23-\x5b\x5d-\x7e]*"$|^'[\x20-\x26\x28-\x7e]*'$/.test(s)) return s.slice(1, -1);
    return /^[A-Za-z][\x20-\x7e]*$/.test(s) && /[ :]/.test(s) && !/: |:$/.test(s) ? s : NO;
  }

  /** A flow collection or a scalar filling `s` exactly. */
  function inline(s: string): Value | typeof NO {
    if (!s.startsWith("{") && !s.startsWith("[")) return scalar(s);
    let p = 0;
    const ws = () => {
      while (s[p] === " ") p++;
    };
    // sticky: matched in place at `p`, with no copy of the rest of the line per token
    const TOKEN = /[^,{}[\]:\s]+/y;
    const token = () => {
      TOKEN.lastIndex = p;
      const m = TOKEN.exec(s);
      if (!m) return NO;
      p += m[0].length;
      return scalar(m[0]);
    };
    let depth = 0;
    const flow = (): Value | typeof NO => {
      if (depth >= maxDepth) return NO;
      depth++;
      const v = flowAt();
      depth--;
      return v;
    };
    const flowAt = (): Value | typeof NO => {
      ws();
      if (s[p] === "[") {
        p++;
        const out: Value[] = [];
        ws();
        if (s[p] === "]") {
          p++;
          return out;
        }
        for (;;) {
          const v = s[p] === "{" || s[p] === "[" ? flow() : token();
          if (v === NO) return NO;
          out.push(v);
          ws();
          if (s[p] === "]") {
            p++;
            return out;
          }
          if (s[p] !== ",") return NO;
          p++;
          ws();
        }
      }
      if (s[p] !== "{") return NO;
      p++;
      const out: Record<string, Value> = {};
      ws();
      if (s[p] === "}") {
        p++;
        return out;
      }
      for (;;) {
        const k = token();
        if (!isKey(k) || Object.hasOwn(out, k) || s[p] !== ":" || s[p + 1] !== " ") return NO;
        p += 2;
        ws();
        const v = s[p] === "{" || s[p] === "[" ? flow() : token();
        if (v === NO) return NO;
        out[k] = v;
        ws();
        if (s[p] === "}") {
          p++;
          return out;
        }
        if (s[p] !== ",") return NO;
        p++;
        ws();
      }
    };
    const v = flow();
    ws();
    return p === s.length ? v : NO;
  }

  /** `key: rest` or `key:`, with a key of the subset. */
  function pair(s: string): [string, string] | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/.exec(s);
    if (!m || !isKey(m[1]) || scalar(m[1]) !== m[1]) return undefined;
    return [m[1] as string, (m[2] ?? "").trim()];
  }

  /** The block node whose lines start at indent `indent` (the next line's). */
  let depth = 0;
  function block(indent: number): Value | typeof NO {
    if (depth >= maxDepth) return NO;
    depth++;
    const v = blockAt(indent);
    depth--;
    return v;
  }

  function blockAt(indent: number): Value | typeof NO {
    const first = lines[i];
    if (!first || first.indent !== indent) return NO;
    if (first.text === "-" || first.text.startsWith("- ")) return sequence(indent);
    return mapping(indent, {});
  }

  /** After `key:` or `-` with nothing on its line: a nested block, or a sequence at the key's own indent. */
  function nested(parent: number, sequenceHere: boolean): Value | typeof NO {
    const next = lines[i];
    if (next && next.indent > parent) return block(next.indent);
    if (sequenceHere && next && next.indent === parent && (next.text === "-" || next.text.startsWith("- ")))
      return sequence(parent);
    return NO; // an empty value is null: outside the subset
  }

  function mapping(indent: number, out: Record<string, Value>): Value | typeof NO {
    while (i < lines.length && (lines[i] as { indent: number }).indent === indent) {
      const line = lines[i] as { text: string };
      const kv = pair(line.text);
      if (!kv || Object.hasOwn(out, kv[0])) return NO;
      i++;
      const v = kv[1] === "" ? nested(indent, true) : blockValue(kv[1]);
      if (v === NO) return NO;
      out[kv[0]] = v;
    }
    return out;
  }

  function sequence(indent: number): Value | typeof NO {
    const out: Value[] = [];
    while (i < lines.length) {
      const line = lines[i] as { indent: number; text: string };
      if (line.indent !== indent || !(line.text === "-" || line.text.startsWith("- "))) break;
      i++;
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        const v = nested(indent, false);
        if (v === NO) return NO;
        out.push(v);
        continue;
      }
      const kv = rest.startsWith("{") || rest.startsWith("[") ? undefined : pair(rest);
      if (!kv) {
        const v = blockValue(rest);
        if (v === NO) return NO;
        out.push(v);
        continue;
      }
      // `- key: value`: a mapping whose other keys line up with `key`
      const inner = indent + (line.text.length - rest.length);
      const first = kv[1] === "" ? nested(inner, true) : blockValue(kv[1]);
      if (first === NO) return NO;
      const m = mapping(inner, { [kv[0]]: first });
      if (m === NO) return NO;
      out.push(m);
    }
    return out;
  }

  const root = block(0);
  return root === NO || i !== lines.length ? undefined : root;
}
