import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import type { Span } from "../core/span.js";
import {
  type DeviceTree,
  type DtMemReserve,
  type DtNode,
  type DtProperty,
  splitNodeName,
} from "./device-tree.js";

/** The DTB header fields; `sizeDtStruct` is there from version 17 on. */
export interface DtbHeader {
  readonly totalSize: number;
  readonly offDtStruct: number;
  readonly offDtStrings: number;
  readonly offMemRsvmap: number;
  readonly version: number;
  readonly lastCompVersion: number;
  readonly bootCpuidPhys: number;
  readonly sizeDtStrings: number;
  readonly sizeDtStruct?: number;
}

/** The first word of every DTB. */
export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
/** the newest version this reader knows; later ones are read when they say they are compatible with it */
const KNOWN_VERSION = 17;
const MAX_DEPTH = 1000;

interface Building {
  readonly name: string;
  readonly path: string;
  readonly properties: DtProperty[];
  readonly children: Building[];
  readonly span: Span;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Reads a flattened device tree blob (versions 16 and 17, and later ones compatible with 17): header,
 * memory reservation map, structure and strings blocks. Every offset and length is checked against the
 * blob; anything malformed raises an InputError naming the byte offset and what was expected there.
 */
export function readDtb(blob: Uint8Array, file: string): DeviceTree {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const size = blob.byteLength;
  const span = (offset: number, end = offset): Span => ({ file, line: 0, column: 0, offset, endOffset: end });
  const bad = (code: string, at: number, message: string, help?: string): never =>
    fail(error(`devicetree/dtb-${code}`, `${message} (byte ${at}, ${hex(at)})`, span(at), help));
  const u32 = (at: number) => view.getUint32(at);

  // ---- header
  if (size < 4) bad("truncated", size, `the file has ${size} bytes, too few for a DTB header`);
  const magic = u32(0);
  if (magic !== FDT_MAGIC) {
    const text = Buffer.from(blob.subarray(0, 64)).toString("latin1");
    bad(
      "bad-magic",
      0,
      `bad magic number ${hex(magic)}, a DTB starts with 0xd00dfeed`,
      /\/dts-v1\/|\/\s*\{/.test(text) ? "this looks like DTS source: read it as DTS" : undefined,
    );
  }
  if (size < 28) bad("truncated", size, `the file ends inside the DTB header (${size} bytes)`);
  const version = u32(20);
  const lastCompVersion = u32(24);
  if (version < 16) {
    bad(
      "version",
      20,
      `DTB version ${version} is not supported: versions 16 and 17 are`,
      "convert it with `dtc -I dtb -O dtb -V 17`",
    );
  }
  if (lastCompVersion > KNOWN_VERSION) {
    bad(
      "version",
      24,
      `DTB version ${version} is only compatible back to version ${lastCompVersion}; this reader knows ${KNOWN_VERSION}`,
    );
  }
  const headerSize = version >= 17 ? 40 : 36;
  if (size < headerSize)
    bad("truncated", size, `the file ends inside the ${headerSize}-byte header of a version ${version} DTB`);
  const header: DtbHeader = {
    totalSize: u32(4),
    offDtStruct: u32(8),
    offDtStrings: u32(12),
    offMemRsvmap: u32(16),
    version,
    lastCompVersion,
    bootCpuidPhys: u32(28),
    sizeDtStrings: u32(32),
    ...(version >= 17 && { sizeDtStruct: u32(36) }),
  };
  const total = header.totalSize;
  if (total < headerSize)
    bad("bounds", 4, `totalsize ${total} is smaller than the ${headerSize}-byte header`);
  if (total > size)
    bad("truncated", size, `the header says the DTB has ${total} bytes but the file ends after ${size}`);

  /** A block must start after the header and end inside totalsize. */
  const block = (name: string, field: number, off: number, length: number | undefined) => {
    if (off < headerSize || off > total) {
      bad(
        "bounds",
        field,
        `the ${name} starts at byte ${off}, outside the DTB (header ${headerSize} bytes, totalsize ${total})`,
      );
    }
    if (length !== undefined && length > total - off) {
      bad("bounds", field, `the ${name} (${length} bytes from byte ${off}) ends past totalsize ${total}`);
    }
  };
  block("memory reservation map", 16, header.offMemRsvmap, undefined);
  block("structure block", 8, header.offDtStruct, header.sizeDtStruct);
  block("strings block", 12, header.offDtStrings, header.sizeDtStrings);
  if (header.offDtStruct % 4 !== 0) {
    bad(
      "alignment",
      8,
      `the structure block starts at byte ${header.offDtStruct}, which is not a multiple of 4`,
    );
  }

  // ---- memory reservation map: (address, size) pairs up to one of (0, 0)
  const memReserves: DtMemReserve[] = [];
  for (let at = header.offMemRsvmap; ; at += 16) {
    if (at + 16 > total) {
      bad("truncated", at, "the memory reservation map reaches the end of the DTB without its (0, 0) entry");
    }
    const address = view.getBigUint64(at);
    const length = view.getBigUint64(at + 8);
    if (address === 0n && length === 0n) break;
    memReserves.push({ address, size: length, labels: [], span: span(at, at + 16) });
  }

  // ---- strings block
  const stringsStart = header.offDtStrings;
  const stringsEnd = stringsStart + header.sizeDtStrings;
  const names = new Map<number, string>();
  const propertyName = (nameoff: number, field: number): string => {
    const known = names.get(nameoff);
    if (known !== undefined) return known;
    if (nameoff >= header.sizeDtStrings) {
      bad(
        "string-offset",
        field,
        `property name offset ${nameoff} is outside the ${header.sizeDtStrings}-byte strings block`,
      );
    }
    const nul = blob.indexOf(0, stringsStart + nameoff);
    if (nul < 0 || nul >= stringsEnd) {
      bad(
        "string-offset",
        field,
        `the property name at strings offset ${nameoff} has no NUL before the end of the strings block`,
      );
    }
    const name = Buffer.from(blob.subarray(stringsStart + nameoff, nul)).toString("latin1");
    names.set(nameoff, name);
    return name;
  };

  // ---- structure block
  const end = header.sizeDtStruct !== undefined ? header.offDtStruct + header.sizeDtStruct : total;
  const stack: Building[] = [];
  let root: Building | undefined;
  let pos = header.offDtStruct;
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    if (pos + 4 > end) {
      bad("truncated", pos, `the structure block ends at byte ${end} without an FDT_END token`);
    }
    const at = pos;
    const token = u32(at);
    pos += 4;
    if (token === FDT_NOP) continue;
    if (token === FDT_BEGIN_NODE) {
      if (root && stack.length === 0)
        bad("token", at, "a second root node: FDT_END was expected after the root");
      const nul = blob.indexOf(0, pos);
      if (nul < 0 || nul >= end)
        bad("truncated", pos, "a node name runs past the end of the structure block");
      const name = stack.length === 0 ? "" : Buffer.from(blob.subarray(pos, nul)).toString("latin1");
      if (stack.length > 0 && name === "") bad("token", pos, "a node without a name");
      if (stack.length >= MAX_DEPTH) bad("depth", at, `nodes nested more than ${MAX_DEPTH} deep`);
      const parent = stack[stack.length - 1];
      const path = !parent ? "/" : parent.path === "/" ? `/${name}` : `${parent.path}/${name}`;
      const node: Building = { name, path, properties: [], children: [], span: span(at, nul + 1) };
      if (parent) parent.children.push(node);
      else root = node;
      stack.push(node);
      pos = align(nul + 1);
      continue;
    }
    if (token === FDT_END_NODE) {
      if (stack.length === 0) bad("token", at, "FDT_END_NODE without an open node");
      stack.pop();
      continue;
    }
    if (token === FDT_PROP) {
      const node = stack[stack.length - 1];
      if (!node) bad("token", at, "a property outside any node: FDT_BEGIN_NODE was expected");
      if (pos + 8 > end) bad("truncated", pos, "a property header runs past the end of the structure block");
      const length = u32(pos);
      const name = propertyName(u32(pos + 4), pos + 4);
      pos += 8;
      if (length > end - pos) {
        bad(
          "bounds",
          at + 4,
          `the ${length}-byte value of \`${name}\` runs past the end of the structure block (byte ${end})`,
        );
      }
      const bytes = blob.slice(pos, pos + length);
      (node as Building).properties.push({
        name,
        bytes,
        pieces: length > 0 ? [{ kind: "bytes", bytes, span: span(pos, pos + length) }] : [],
        labels: [],
        valueLabels: [],
        span: span(at, pos + length),
      });
      pos = align(pos + length);
      continue;
    }
    if (token === FDT_END) {
      if (!root) bad("token", at, "FDT_END before the root node");
      const open = stack[stack.length - 1];
      if (open)
        bad("token", at, `FDT_END while node \`${open.path}\` is still open: FDT_END_NODE was expected`);
      break;
    }
    bad(
      "token",
      at,
      `unknown token ${hex(token)}: FDT_BEGIN_NODE (1), FDT_END_NODE (2), FDT_PROP (3), FDT_NOP (4) or FDT_END (9) was expected`,
    );
  }

  const phandles = new Map<number, string>();
  const finish = (b: Building): DtNode => {
    const { baseName, unitAddress } = splitNodeName(b.name);
    const phandle = phandleOf(b, phandles, bad);
    const seen = new Set<string>();
    for (const p of b.properties) {
      if (seen.has(p.name))
        bad("duplicate", p.span.offset ?? 0, `duplicate property \`${p.name}\` in \`${b.path}\``);
      seen.add(p.name);
    }
    const kids = new Set<string>();
    for (const c of b.children) {
      if (kids.has(c.name))
        bad("duplicate", c.span.offset ?? 0, `duplicate node name \`${c.name}\` in \`${b.path}\``);
      kids.add(c.name);
    }
    return {
      name: b.name,
      baseName,
      ...(unitAddress !== undefined && { unitAddress }),
      path: b.path,
      labels: [],
      properties: b.properties,
      children: b.children.map(finish),
      ...(phandle !== undefined && { phandle }),
      span: b.span,
    };
  };
  return {
    format: "dtb",
    file,
    plugin: false,
    memReserves,
    root: finish(root as Building),
    bootCpuId: header.bootCpuidPhys,
    version,
    lastCompVersion,
  };
}

/** The node's phandle from `phandle` or `linux,phandle`, checked as dtc checks them. */
function phandleOf(
  b: Building,
  seen: Map<number, string>,
  bad: (code: string, at: number, message: string) => never,
): number | undefined {
  let value: number | undefined;
  for (const name of ["phandle", "linux,phandle"]) {
    const p = b.properties.find((x) => x.name === name);
    if (!p) continue;
    const at = p.span.offset ?? 0;
    if (p.bytes.length !== 4)
      bad("phandle", at, `\`${name}\` of \`${b.path}\` is ${p.bytes.length} bytes long, not one cell`);
    const v = new DataView(p.bytes.buffer, p.bytes.byteOffset, 4).getUint32(0);
    if (v === 0 || v === 0xffffffff)
      bad("phandle", at, `bad value ${hex(v)} in \`${name}\` of \`${b.path}\``);
    if (value !== undefined && v !== value)
      bad("phandle", at, `\`phandle\` and \`linux,phandle\` of \`${b.path}\` differ`);
    value ??= v;
  }
  if (value === undefined) return undefined;
  const other = seen.get(value);
  if (other !== undefined)
    bad("phandle", b.span.offset ?? 0, `phandle ${hex(value)} of \`${b.path}\` is already \`${other}\`'s`);
  seen.set(value, b.path);
  return value;
}

/** Reads a DTB file (see `readDtb`). */
export function readDtbFile(path: string): DeviceTree {
  return readDtb(readInput(path, { code: "devicetree/unreadable" }), path);
}
