import {
  Composer,
  type CST,
  type Document,
  isMap,
  isNode,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  Parser,
  type YAMLMap,
  YAMLParseError,
} from "yaml";
import { cstTooDeep } from "./cst-too-deep.js";
import { type Diagnostic, error } from "./diagnostic.js";
import { fastYaml } from "./fast-yaml.js";
import { jsonKeysNeedFullReader } from "./json-keys-need-full-reader.js";
import { LIMITS } from "./limits.js";
import type { Span } from "./span.js";
import { valueTooDeep } from "./value-too-deep.js";
import { yamlValue } from "./yaml-value.js";

/** A parsed YAML or JSON document that can tell where any value or key came from. */
export interface SourceDoc {
  readonly file: string;
  readonly value: unknown;
  /** span of the value at `path`, or of the key itself when `key` is set */
  spanOf(path: readonly (string | number)[], key?: boolean): Span;
}

/** Each mapping's pairs by key, built the first time a span is asked of it. */
const pairsByKey = new WeakMap<object, Map<unknown, Pair<unknown, unknown>>>();

/** The first pair of a mapping with this key, without a scan per lookup: a mapping of 100,000 unknown keys asks for each. */
function pairOf(map: YAMLMap<unknown, unknown>, key: string | number): Pair<unknown, unknown> | undefined {
  let index = pairsByKey.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      const k = isNode(p.key) ? (p.key as { value?: unknown }).value : p.key;
      if (!index.has(k)) index.set(k, p);
    }
    pairsByKey.set(map, index);
  }
  return index.get(key);
}

function nodeAt(
  root: unknown,
  path: readonly (string | number)[],
): { node: Node | null; keyNode: Node | null } {
  let node: unknown = root;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (isMap(node)) {
      const pair = pairOf(node, part);
      if (!pair) break;
      keyNode = isNode(pair.key) ? pair.key : null;
      node = pair.value;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
      keyNode = null;
    } else break;
  }
  return { node: isNode(node) ? node : null, keyNode };
}

const lowerFirst = (m: string) => m.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase());

/** A document over the limit, refused before it is parsed. */
function documentTooLarge(text: string, file: string, prefix: string): Diagnostic | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes <= LIMITS.documentBytes) return undefined;
  const mib = (n: number) => (n / 2 ** 20).toFixed(1).replace(/\.0$/, "");
  return error(
    `${prefix}/too-large`,
    `the document is ${mib(bytes)} MiB: YAML and JSON documents are read up to ${mib(LIMITS.documentBytes)} MiB`,
    { file, line: 1, column: 1 },
    "README's Limits section lists the sizes xenpriv reads",
  );
}

/** The first document of the tokens, composed; a second one is an error, as in yaml's parseDocument. */
function compose(tokens: readonly CST.Token[], end: number): Document.Parsed | undefined {
  // duplicate keys are found by yamlValue, in one pass
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  // yaml makes an Error per problem, and capturing a stack trace for each is most of its cost
  const traces = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let doc: Document.Parsed | undefined;
    for (const d of composer.compose(tokens, true, end)) {
      if (!doc) doc = d;
      else {
        doc.errors.push(
          new YAMLParseError([d.range[0], d.range[1]], "MULTIPLE_DOCS", "Source contains multiple documents"),
        );
        break;
      }
    }
    return doc;
  } finally {
    Error.stackTraceLimit = traces;
  }
}

/**
 * Parses YAML (JSON is a subset) keeping positions. Every way a text can fail is a diagnostic at its
 * place, with codes under `prefix` (`system/syntax`): syntax errors, collections nested deeper than
 * the limit (checked on the parser's tokens, before anything recurses), aliases without their anchor,
 * aliases inside the node they name, and alias bombs.
 */
export function parseSource(
  text: string,
  file: string,
  prefix = "system",
): { doc?: SourceDoc; diagnostics: Diagnostic[] } {
  const tooLarge = documentTooLarge(text, file, prefix);
  if (tooLarge) return { diagnostics: [tooLarge] };
  const lineCounter = new LineCounter();
  const at = (offset: number): Span => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const syntax = (message: string, offset: number) =>
    error(`${prefix}/syntax`, lowerFirst(message), at(offset), "fix the YAML or JSON syntax at this place");
  const tooDeep = (offset: number) => ({
    diagnostics: [
      error(
        `${prefix}/too-deep`,
        `collections nested more than ${LIMITS.nesting} deep`,
        at(offset),
        "flatten the document: xenpriv's files nest a few levels",
      ),
    ],
  });
  // The parser's loop, driven here to stop early: at a nesting its stack shows (200,000 `[` take
  // seconds to parse) and after the first errors (400 KB of `]` is an error per byte).
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  const errors: CST.ErrorToken[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const t of parser.next(lexeme)) {
      tokens.push(t);
      if (t.type === "error") errors.push(t);
    }
    if (parser.stack.length > LIMITS.nesting + 2) return tooDeep(parser.offset);
    if (errors.length >= LIMITS.printedDiagnostics) {
      const last = errors[errors.length - 1] as CST.ErrorToken;
      const stop = error(
        `${prefix}/syntax`,
        `${lowerFirst(last.message)}, and more: reading stopped after ${errors.length} syntax errors`,
        at(last.offset),
        "fix the first errors and run again",
      );
      return { diagnostics: [...errors.slice(0, -1).map((t) => syntax(t.message, t.offset)), stop] };
    }
  }
  for (const t of parser.end()) tokens.push(t);
  const deep = cstTooDeep(tokens);
  if (deep) return tooDeep(deep.offset);
  const doc = compose(tokens, text.length);
  if (!doc) return { diagnostics: [syntax("no document", 0)] };
  if (doc.errors.length > 0)
    return {
      diagnostics: doc.errors.map((e) => syntax(e.message.split("\n")[0] ?? "syntax error", e.pos[0])),
    };
  const converted = yamlValue(doc);
  if ("problem" in converted) {
    const p = converted.problem;
    return { diagnostics: [error(`${prefix}/${p.code}`, p.message, at(p.offset), p.help)] };
  }
  const spanOf = (path: readonly (string | number)[], key = false): Span => {
    const { node, keyNode } = nodeAt(doc.contents, path);
    const target = key && keyNode ? keyNode : (node ?? keyNode);
    const range = target?.range ?? doc.contents?.range;
    if (!range) return { file, line: 1, column: 1 };
    const s = at(range[0]);
    const e = at(range[1]);
    return { ...s, endLine: e.line, endColumn: e.column };
  };
  return { doc: { file, value: converted.value, spanOf }, diagnostics: [] };
}

/**
 * A JSON file (a catalogue, a data file) parsed fast with `JSON.parse`, its positions found only
 * when a diagnostic needs one; a text that is not JSON, or nests too deep, goes through
 * `parseSource`, which says where (and reads YAML).
 */
export function parseJsonSource(
  text: string,
  file: string,
  prefix: string,
): { doc?: SourceDoc; diagnostics: Diagnostic[] } {
  const tooLarge = documentTooLarge(text, file, prefix);
  if (tooLarge) return { diagnostics: [tooLarge] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseSource(text, file, prefix);
  }
  if (valueTooDeep(value)) return parseSource(text, file, prefix);
  return { doc: positionedLater(value, text, file, prefix), diagnostics: [] };
}

/**
 * A YAML document read fast when it is of `fastYaml`'s subset, or a JSON document `JSON.parse` reads
 * as the full reader would (no key given twice in one object, which `JSON.parse` settles silently;
 * no `__proto__` key; not nested past the limit), in one pass, its positions found only when a
 * diagnostic needs one (the full reader then reads the text once); any other text goes through
 * `parseSource`. A 32,752-domain system file loads in a fraction of the full reader's time.
 */
export function parseSourceFast(
  text: string,
  file: string,
  prefix = "system",
): { doc?: SourceDoc; diagnostics: Diagnostic[] } {
  const tooLarge = documentTooLarge(text, file, prefix);
  if (tooLarge) return { diagnostics: [tooLarge] };
  const value = fastYaml(text) ?? fastJson(text);
  if (value === undefined) return parseSource(text, file, prefix);
  return { doc: positionedLater(value, text, file, prefix), diagnostics: [] };
}

/** The value of a JSON text that the full reader would read to the same value, else undefined. */
function fastJson(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return valueTooDeep(value) || jsonKeysNeedFullReader(text) ? undefined : value;
}

/** A document read without positions: the full reader finds them when a diagnostic first asks. */
function positionedLater(value: unknown, text: string, file: string, prefix: string): SourceDoc {
  let positioned: SourceDoc | undefined;
  return {
    file,
    value,
    spanOf: (p, key) => {
      positioned ??= parseSource(text, file, prefix).doc;
      return positioned ? positioned.spanOf(p, key) : { file, line: 1, column: 1 };
    },
  };
}
