import { type Document, isAlias, isMap, isScalar, isSeq } from "yaml";
import { LIMITS } from "./limits.js";

/** Why a composed YAML document has no value: what, where (an offset in its text) and what to do. */
export interface YamlValueProblem {
  readonly code:
    | "unresolved-alias"
    | "alias-cycle"
    | "alias-bomb"
    | "complex-key"
    | "duplicate-key"
    | "too-deep";
  readonly message: string;
  readonly offset: number;
  readonly help: string;
}

class Stop {
  constructor(readonly problem: YamlValueProblem) {}
}

/** A node's plain value and how many nodes it stands for once every alias in it is expanded. */
interface Converted {
  readonly value: unknown;
  readonly size: number;
}

const offsetOf = (node: unknown): number => (node as { range?: [number] }).range?.[0] ?? 0;

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` is a key like any other in a file, never the object's prototype
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/**
 * The plain value of a composed YAML document, as `toJS` would give it, with its aliases resolved
 * here: yaml's own resolution looks up each alias in a list of every anchor (quadratic in a file
 * with many) and throws a bare error on an alias without its anchor, an alias inside the node it
 * names, or an alias bomb. Each of those is a problem at the alias; an alias's value is shared,
 * never copied, and the nodes aliases add when expanded are counted against the limit, since the
 * code that reads the value walks it as a tree.
 */
export function yamlValue(doc: Document.Parsed): { value: unknown } | { problem: YamlValueProblem } {
  const anchors = new Map<string, unknown>(); // name -> the last node so anchored, in document order
  const converted = new Map<unknown, Converted>(); // anchored nodes, once converted
  let added = 0;
  const convert = (node: unknown, depth: number): Converted => {
    if (node === null || node === undefined) return { value: null, size: 1 };
    if (isAlias(node)) {
      const at = offsetOf(node);
      const target = anchors.get(node.source);
      if (target === undefined)
        throw new Stop({
          code: "unresolved-alias",
          message: `alias \`*${node.source}\` names no anchor before it`,
          offset: at,
          help: `set the anchor (\`&${node.source}\`) on a node before the alias`,
        });
      const r = converted.get(target);
      if (!r)
        throw new Stop({
          code: "alias-cycle",
          message: `alias \`*${node.source}\` is inside the node it names`,
          offset: at,
          help: "an alias must name a node that ends before it",
        });
      added += r.size;
      if (added > LIMITS.aliasNodes)
        throw new Stop({
          code: "alias-bomb",
          message: `aliases expand to more than ${LIMITS.aliasNodes.toLocaleString("en-US")} nodes`,
          offset: at,
          help: "write the values out, or use fewer nested aliases",
        });
      return r;
    }
    if (depth > LIMITS.nesting)
      throw new Stop({
        code: "too-deep",
        message: `collections nested more than ${LIMITS.nesting} deep`,
        offset: offsetOf(node),
        help: "flatten the document",
      });
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    let out: Converted;
    if (isScalar(node)) out = { value: node.value, size: 1 };
    else if (isSeq(node)) {
      const value: unknown[] = [];
      let size = 1;
      for (const item of node.items) {
        const r = convert(item, depth + 1);
        value.push(r.value);
        size += r.size;
      }
      out = { value, size };
    } else if (isMap(node)) {
      const value: Record<string, unknown> = {};
      let size = 1;
      for (const pair of node.items) {
        const k = convert(pair.key, depth + 1);
        if (k.value !== null && typeof k.value === "object")
          throw new Stop({
            code: "complex-key",
            message: "a key must be a plain value, not a list or a mapping",
            offset: offsetOf(pair.key),
            help: "write the key as a string",
          });
        const key = k.value === null ? "" : String(k.value);
        // here, not by yaml's `uniqueKeys`, which compares each key with every one before it
        if (Object.hasOwn(value, key))
          throw new Stop({
            code: "duplicate-key",
            message: `duplicate key \`${key}\``,
            offset: offsetOf(pair.key),
            help: "give each key once in a mapping",
          });
        const v = convert(pair.value, depth + 1);
        setKey(value, key, v.value);
        size += k.size + v.size;
      }
      out = { value, size };
    } else out = { value: null, size: 1 };
    if (anchor) converted.set(node, out);
    return out;
  };
  try {
    return { value: convert(doc.contents, 0).value };
  } catch (e) {
    if (e instanceof Stop) return { problem: e.problem };
    throw e;
  }
}
