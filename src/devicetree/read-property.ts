import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { DtProperty } from "./device-tree.js";

function badValue(prop: DtProperty, message: string, help?: string): never {
  return fail(
    error("devicetree/bad-property-value", `property \`${prop.name}\` ${message}`, prop.span, help),
  );
}

function view(prop: DtProperty): DataView {
  return new DataView(prop.bytes.buffer, prop.bytes.byteOffset, prop.bytes.byteLength);
}

/** The value as 32-bit cells; an InputError when its length is not a multiple of 4. */
export function propertyU32s(prop: DtProperty): number[] {
  const n = prop.bytes.length;
  if (n % 4 !== 0)
    badValue(prop, `has ${n} bytes, not a whole number of 32-bit cells`, "write the value as `<...>` cells");
  const v = view(prop);
  return Array.from({ length: n / 4 }, (_, i) => v.getUint32(i * 4));
}

/** The value as one 32-bit cell. */
export function propertyU32(prop: DtProperty): number {
  if (prop.bytes.length !== 4)
    badValue(prop, `has ${prop.bytes.length} bytes, not one 32-bit cell`, "write `<number>`");
  return view(prop).getUint32(0);
}

/** The value as one 64-bit number (two cells, most significant first). */
export function propertyU64(prop: DtProperty): bigint {
  if (prop.bytes.length !== 8) {
    badValue(
      prop,
      `has ${prop.bytes.length} bytes, not one 64-bit number`,
      "write `<high low>` or `/bits/ 64 <number>`",
    );
  }
  return view(prop).getBigUint64(0);
}

/**
 * The value as numbers of `cells` 32-bit cells each (1 or 2 for `#address-cells`/`#size-cells`; up to 4 are read).
 */
export function propertyNumbers(prop: DtProperty, cells: number): bigint[] {
  const words = propertyU32s(prop);
  if (cells < 1 || words.length % cells !== 0) {
    badValue(prop, `has ${words.length} cells, not a multiple of ${cells}`);
  }
  const out: bigint[] = [];
  for (let i = 0; i < words.length; i += cells) {
    let v = 0n;
    for (let j = 0; j < cells; j++) v = (v << 32n) | BigInt(words[i + j] as number);
    out.push(v);
  }
  return out;
}

/** The value as a list of NUL-terminated strings (`compatible = "a", "b";`). */
export function propertyStrings(prop: DtProperty): string[] {
  const b = prop.bytes;
  if (b.length === 0 || b[b.length - 1] !== 0)
    badValue(prop, "is not a NUL-terminated string", 'write `"text"`');
  return Buffer.from(b.subarray(0, b.length - 1))
    .toString("utf8")
    .split("\0");
}

/** The value as one NUL-terminated string. */
export function propertyString(prop: DtProperty): string {
  const list = propertyStrings(prop);
  if (list.length !== 1) badValue(prop, `holds ${list.length} strings, not one`);
  return list[0] as string;
}
