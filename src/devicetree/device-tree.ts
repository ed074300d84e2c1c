import type { Span } from "../core/span.js";

/**
 * The device tree read from DTS source or from a DTB blob: one shape for both. DTS spans give
 * file, line, column and offset; DTB spans give the file and the byte offset (line and column 0).
 */
export interface DeviceTree {
  readonly format: "dts" | "dtb";
  /** the file that was read (the top-level file for DTS with `/include/`) */
  readonly file: string;
  /** `/plugin/`: an overlay, with `fragment@N` nodes, `__fixups__` and `__local_fixups__` as dtc makes them */
  readonly plugin: boolean;
  readonly memReserves: readonly DtMemReserve[];
  readonly root: DtNode;
  /** `boot_cpuid_phys` of the DTB header; for DTS, what dtc would write (`reg` of the first `/cpus` child) */
  readonly bootCpuId: number;
  /** DTB header version and last compatible version; absent for DTS */
  readonly version?: number;
  readonly lastCompVersion?: number;
}

/** `/memreserve/ address size;` or one entry of a DTB's memory reservation map. */
export interface DtMemReserve {
  readonly address: bigint;
  readonly size: bigint;
  readonly labels: readonly DtLabel[];
  readonly span: Span;
}

/** A node: `name` is the full node name (`uart@1000`), `""` for the root. */
export interface DtNode {
  readonly name: string;
  /** the name before `@` */
  readonly baseName: string;
  /** the text after `@`, absent when the name has none */
  readonly unitAddress?: string;
  /** full path: `/`, `/soc/uart@1000` */
  readonly path: string;
  readonly labels: readonly DtLabel[];
  readonly properties: readonly DtProperty[];
  readonly children: readonly DtNode[];
  /** from a `phandle` or `linux,phandle` property, written or assigned as dtc assigns them */
  readonly phandle?: number;
  /** the first definition of the node (the BEGIN_NODE token in a DTB) */
  readonly span: Span;
}

/** A property: its bytes as a DTB holds them, and the pieces of DTS it was written with. */
export interface DtProperty {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** the comma-separated values, in order; a DTB property has one `bytes` piece (none when empty) */
  readonly pieces: readonly DtValuePiece[];
  readonly labels: readonly DtLabel[];
  /** labels written inside the value (`reg = <0 end: 4>;`), at a byte offset into `bytes` */
  readonly valueLabels: readonly DtValueLabel[];
  /** the definition that set the value (the PROP token in a DTB) */
  readonly span: Span;
}

/** One comma-separated piece of a property value. */
export type DtValuePiece =
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | {
      readonly kind: "cells";
      readonly bits: 8 | 16 | 32 | 64;
      readonly cells: readonly DtCell[];
      readonly span: Span;
    }
  | { readonly kind: "bytes"; readonly bytes: Uint8Array; readonly span: Span }
  /** `= &label;` or `= &{/path};`: the full path of the node, as a string */
  | { readonly kind: "path"; readonly ref: DtReference; readonly span: Span };

/** One element of `<...>`: a number, or a phandle reference with the phandle it became. */
export interface DtCell {
  readonly value: bigint;
  readonly span: Span;
  readonly ref?: DtReference;
}

/** `&label`, `&{/path}` or `&{label/path}` as written, and the node it names. */
export interface DtReference {
  /** the reference without `&` and braces: `uart0`, `/soc/uart@1000` */
  readonly text: string;
  readonly span: Span;
  /** path of the node it refers to; absent for a reference an overlay leaves to `__fixups__` */
  readonly target?: string;
}

/** `name:` written before a node, a property or a `/memreserve/` entry. */
export interface DtLabel {
  readonly name: string;
  readonly span: Span;
}

/** `name:` written inside a property value. */
export interface DtValueLabel {
  readonly name: string;
  /** byte offset into the property's value */
  readonly offset: number;
  readonly span: Span;
}

/** Splits `uart@1000` into its base name and unit address. */
export function splitNodeName(name: string): { baseName: string; unitAddress?: string } {
  const at = name.indexOf("@");
  return at < 0 ? { baseName: name } : { baseName: name.slice(0, at), unitAddress: name.slice(at + 1) };
}
