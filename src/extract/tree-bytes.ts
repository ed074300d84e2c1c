import type { TreeArrays } from "./syntax-tree.js";

/**
 * A SyntaxTree's arrays as one buffer, what a worker transfers (no copy) and the cache stores:
 * `XPST`, the node count, the length of a JSON header (type and field names), the header padded to
 * 4 bytes, then start, end and size (u32 each), kind (u16, padded to 4), field and flags (u8).
 */
const MAGIC = 0x54535058; // "XPST", little-endian
const U32 = Uint32Array.BYTES_PER_ELEMENT;

const pad4 = (n: number): number => (n + 3) & ~3;

/** The arrays in one buffer; little-endian, as every machine Node runs on. */
export function treeToBytes(a: TreeArrays): Uint8Array {
  const n = a.kind.length;
  const header = new TextEncoder().encode(JSON.stringify({ types: a.types, fields: a.fields }));
  const base = 3 * U32 + pad4(header.length);
  const bytes = new Uint8Array(base + 3 * n * U32 + pad4(2 * n) + 2 * n);
  new Uint32Array(bytes.buffer, 0, 3).set([MAGIC, n, header.length]);
  bytes.set(header, 3 * U32);
  let at = base;
  for (const col of [a.start, a.end, a.size, a.kind, a.field, a.flags]) {
    bytes.set(new Uint8Array(col.buffer, col.byteOffset, col.byteLength), at);
    at += col === a.kind ? pad4(col.byteLength) : col.byteLength;
  }
  return bytes;
}

/**
 * The arrays of a buffer treeToBytes made, as views on it (aligned to 4, or copied to be), or null
 * when it is not one: the cache treats that as a miss.
 */
export function treeFromBytes(input: Uint8Array): TreeArrays | null {
  const bytes = input.byteOffset % U32 === 0 ? input : input.slice();
  if (bytes.length < 3 * U32) return null;
  const [magic, n, headerLength] = new Uint32Array(bytes.buffer, bytes.byteOffset, 3) as unknown as number[];
  if (magic !== MAGIC || n === undefined || headerLength === undefined || n < 1) return null;
  const base = 3 * U32 + pad4(headerLength);
  if (bytes.length !== base + 3 * n * U32 + pad4(2 * n) + 2 * n) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(3 * U32, 3 * U32 + headerLength)));
  } catch {
    return null;
  }
  const { types, fields } = (header ?? {}) as { types?: unknown; fields?: unknown };
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === "string");
  if (!strings(types) || !strings(fields) || fields[0] !== "") return null;
  const at = bytes.byteOffset + base;
  const u32 = (i: number) => new Uint32Array(bytes.buffer, at + i * n * U32, n);
  const after = at + 3 * n * U32;
  return {
    types,
    fields,
    start: u32(0),
    end: u32(1),
    size: u32(2),
    kind: new Uint16Array(bytes.buffer, after, n),
    field: new Uint8Array(bytes.buffer, after + pad4(2 * n), n),
    flags: new Uint8Array(bytes.buffer, after + pad4(2 * n) + n, n),
  };
}
