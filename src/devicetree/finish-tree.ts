import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import type { Span } from "../core/span.js";
import { didYouMean } from "../core/suggest.js";
import { ByteSink } from "./byte-sink.js";
import {
  type DeviceTree,
  type DtCell,
  type DtLabel,
  type DtMemReserve,
  type DtNode,
  type DtProperty,
  type DtValueLabel,
  type DtValuePiece,
  splitNodeName,
} from "./device-tree.js";
import {
  deleteNode,
  type LiveCell,
  type LiveNode,
  type LivePiece,
  type LiveProperty,
  type LiveTree,
  liveChild,
  liveProperty,
  newNode,
} from "./live-tree.js";

// After parsing, dtc runs its checks in a fixed order over the tree in document order; the ones that
// change the tree or refuse it are done here in the same order (checks.c): duplicate names, redundant
// `name` properties, duplicate labels, explicit phandles, phandle references (assigning phandles),
// path references, /omit-if-no-ref/, then an overlay's __fixups__ and __local_fixups__ (livetree.c).

/** What a reference became: the node, and its phandle for a `<&ref>` cell. */
interface Resolved {
  readonly node: LiveNode | undefined;
  readonly phandle: number;
}

/** What the parser knows of the file besides the tree. */
export interface FinishInfo {
  readonly file: string;
  readonly plugin: boolean;
  readonly memReserves: readonly DtMemReserve[];
  readonly bootCpuId: number;
}

/** Runs dtc's checks and reference fixups on a parsed tree and returns the finished device tree. */
export function finishTree(tree: LiveTree, info: FinishInfo): DeviceTree {
  return new Finisher(tree, info.plugin).run(info);
}

/** The bytes of a value before references are resolved: `<&x>` as 0xffffffff, `&x` paths as nothing. */
export function unresolvedBytes(value: readonly LivePiece[]): Uint8Array {
  return encode(
    value,
    () => 0xffffffff,
    () => "",
  ).bytes;
}

/** Lists the nodes in document order, skipping deleted subtrees, as dtc's checks visit them. */
function* liveNodes(root: LiveNode): Generator<LiveNode> {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop() as LiveNode;
    if (n.deleted) continue;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as LiveNode);
  }
}

function fillPaths(root: LiveNode): void {
  root.path = "/";
  for (const n of liveNodes(root)) {
    for (const c of n.children) c.path = n === root ? `/${c.name}` : `${n.path}/${c.name}`;
  }
}

interface Encoded {
  readonly bytes: Uint8Array;
  readonly labels: DtValueLabel[];
  /** byte offset of each `<&ref>` cell */
  readonly refs: Map<LiveCell, number>;
}

/** Lays a value out as the DTB holds it. */
function encode(
  value: readonly LivePiece[],
  phandle: (cell: LiveCell) => number,
  path: (piece: LivePiece) => string,
): Encoded {
  const out = new ByteSink();
  const labels: DtValueLabel[] = [];
  const refs = new Map<LiveCell, number>();
  for (const p of value) {
    switch (p.kind) {
      case "string":
        out.bytes(p.bytes);
        out.byte(0);
        break;
      case "cells":
        for (const c of p.cells) {
          if (c.kind === "label") labels.push({ name: c.name, offset: out.length, span: c.span });
          else if (c.kind === "int") out.uint(p.bits === 64 ? c.value : Number(c.value), p.bits);
          else {
            refs.set(c, out.length);
            out.uint(phandle(c), p.bits);
          }
        }
        break;
      case "bytes": {
        const base = out.length;
        out.bytes(p.bytes);
        for (const l of p.labels) labels.push({ name: l.name, offset: base + l.at, span: l.span });
        break;
      }
      case "path": {
        const text = path(p);
        if (text !== "") {
          out.bytes(Buffer.from(text, "utf8"));
          out.byte(0);
        }
        break;
      }
      case "label":
        labels.push({ name: p.name, offset: out.length, span: p.span });
        break;
    }
  }
  return { bytes: out.result(), labels, refs };
}

function cellProperty(name: string, values: readonly number[], span: Span): LiveProperty {
  return {
    name,
    labels: [],
    value: [
      { kind: "cells", bits: 32, cells: values.map((v) => ({ kind: "int", value: BigInt(v), span })), span },
    ],
    deleted: false,
    span,
  };
}

class Finisher {
  private readonly tree: LiveTree;
  private readonly root: LiveNode;
  private readonly plugin: boolean;
  private readonly problems: Diagnostic[] = [];
  private readonly byPhandle = new Map<number, LiveNode>();
  private readonly resolved = new Map<LiveCell | LivePiece, Resolved>();
  private nextPhandle = 1;

  constructor(tree: LiveTree, plugin: boolean) {
    this.tree = tree;
    this.root = tree.root;
    this.plugin = plugin;
  }

  private problem(code: string, message: string, span: Span, help?: string): void {
    this.problems.push(error(`devicetree/${code}`, message, span, help));
  }

  run(info: FinishInfo): DeviceTree {
    fillPaths(this.root);
    this.duplicateNames();
    this.nameProperties();
    this.duplicateLabels();
    this.explicitPhandles();
    if (this.problems.length === 0) {
      this.phandleReferences();
      this.pathReferences();
      this.omitUnused();
    }
    if (this.problems.length > 0) throw new InputError(this.problems);
    if (this.plugin) this.overlayFixups();
    return {
      format: "dts",
      file: info.file,
      plugin: info.plugin,
      memReserves: info.memReserves,
      root: this.node(this.root),
      bootCpuId: info.bootCpuId,
    };
  }

  private duplicateNames(): void {
    for (const n of liveNodes(this.root)) {
      // dtc compares each live child with every later sibling, deleted ones too
      for (const same of n.byName.values()) {
        const first = same.findIndex((c) => !c.deleted);
        for (const d of first < 0 ? [] : same.slice(first + 1)) {
          const c = same[first] as LiveNode;
          this.problem(
            "duplicate-node",
            `duplicate node name \`${c.name}\` in \`${n.path}\``,
            d.span,
            firstAt(c.span),
          );
        }
      }
      const seen = new Map<string, LiveProperty>();
      for (const p of n.props) {
        if (p.deleted) continue;
        const first = seen.get(p.name);
        if (first) {
          this.problem(
            "duplicate-property",
            `duplicate property \`${p.name}\` in \`${n.path}\``,
            p.span,
            firstAt(first.span),
          );
        } else seen.set(p.name, p);
      }
    }
  }

  /** A `name` property equal to the node's base name is redundant and dropped; any other is an error. */
  private nameProperties(): void {
    for (const n of liveNodes(this.root)) {
      const prop = liveProperty(n, "name");
      if (!prop) continue;
      const base = splitNodeName(n.name).baseName;
      const bytes = unresolvedBytes(prop.value);
      if (Buffer.from(bytes).equals(Buffer.from(`${base}\0`, "latin1")))
        n.props.splice(n.props.indexOf(prop), 1);
      else {
        this.problem(
          "bad-name-property",
          `\`name\` property of \`${n.path}\` is not the node's name \`${base}\``,
          prop.span,
          "remove it: the name comes from the node",
        );
      }
    }
  }

  private duplicateLabels(): void {
    const seen = new Map<string, string>();
    const note = (name: string, owner: string, span: Span) => {
      const other = seen.get(name);
      if (other !== undefined && other !== owner) {
        this.problem(
          "duplicate-label",
          `duplicate label \`${name}\` on ${owner} and ${other}`,
          span,
          "a label names one place",
        );
      } else seen.set(name, owner);
    };
    for (const n of liveNodes(this.root)) {
      for (const l of n.labels) if (!l.deleted) note(l.name, `node \`${n.path}\``, l.span);
      for (const p of n.props) {
        if (p.deleted) continue;
        for (const l of p.labels) if (!l.deleted) note(l.name, `property \`${n.path}:${p.name}\``, l.span);
        let i = 0;
        for (const piece of p.value) {
          const inside =
            piece.kind === "label"
              ? [piece]
              : piece.kind === "cells"
                ? piece.cells.filter((c) => c.kind === "label")
                : piece.kind === "bytes"
                  ? piece.labels
                  : [];
          for (const l of inside) note(l.name, `value ${i++} of \`${n.path}:${p.name}\``, l.span);
        }
      }
    }
  }

  private explicitPhandles(): void {
    for (const n of liveNodes(this.root)) {
      const phandle = this.phandleProperty(n, "phandle");
      const legacy = this.phandleProperty(n, "linux,phandle");
      if (phandle === 0 && legacy === 0) continue;
      const prop = (liveProperty(n, phandle ? "phandle" : "linux,phandle") as LiveProperty).span;
      if (phandle && legacy && phandle !== legacy) {
        this.problem("bad-phandle", `\`phandle\` and \`linux,phandle\` of \`${n.path}\` differ`, prop);
      }
      const value = phandle || legacy;
      const other = this.byPhandle.get(value);
      if (other && other !== n) {
        this.problem(
          "duplicate-phandle",
          `phandle 0x${value.toString(16)} of \`${n.path}\` is already \`${other.path}\`'s`,
          prop,
        );
        continue;
      }
      n.phandle = value;
      this.byPhandle.set(value, n);
    }
  }

  /** The value of an explicit phandle property; 0 when absent or when it is `<&self>` (assigned later). */
  private phandleProperty(n: LiveNode, name: string): number {
    const prop = liveProperty(n, name);
    if (!prop) return 0;
    const bytes = unresolvedBytes(prop.value);
    if (bytes.length !== 4) {
      this.problem(
        "bad-phandle",
        `\`${name}\` of \`${n.path}\` is ${bytes.length} bytes long, not one cell`,
        prop.span,
      );
      return 0;
    }
    for (const p of prop.value) {
      if (p.kind !== "cells") continue;
      const ref = p.cells.find((c) => c.kind === "ref");
      if (ref && ref.kind === "ref") {
        if (this.tree.nodeByRef(ref.ref) !== n) {
          this.problem("bad-phandle", `\`${name}\` of \`${n.path}\` refers to another node`, ref.span);
        }
        return 0;
      }
    }
    const value = Buffer.from(bytes).readUInt32BE(0);
    if (value === 0 || value === 0xffffffff) {
      this.problem(
        "bad-phandle",
        `bad value 0x${value.toString(16)} in \`${name}\` of \`${n.path}\``,
        prop.span,
      );
      return 0;
    }
    return value;
  }

  /** dtc's get_node_phandle: the node's phandle, or the lowest free one, added as a `phandle` property. */
  private phandleOf(node: LiveNode, cause: Span): number {
    if (node.phandle !== 0) return node.phandle;
    while (this.byPhandle.has(this.nextPhandle)) this.nextPhandle++;
    const value = this.nextPhandle;
    node.phandle = value;
    this.byPhandle.set(value, node);
    if (!liveProperty(node, "phandle")) node.props.push(cellProperty("phandle", [value], cause));
    return value;
  }

  private unknown(ref: string, span: Span): void {
    const labels = new Set<string>();
    for (const n of liveNodes(this.root)) for (const l of n.labels) if (!l.deleted) labels.add(l.name);
    this.problem(
      "unknown-reference",
      ref.startsWith("/")
        ? `reference to a node that does not exist: \`${ref}\``
        : `reference to an unknown label \`${ref}\``,
      span,
      ref.startsWith("/") ? "write the node's full path, unit address included" : didYouMean(ref, labels),
    );
  }

  private phandleReferences(): void {
    for (const n of liveNodes(this.root)) {
      for (const p of n.props) {
        if (p.deleted) continue;
        for (const piece of p.value) {
          if (piece.kind !== "cells") continue;
          for (const c of piece.cells) {
            if (c.kind !== "ref") continue;
            const target = this.tree.nodeByRef(c.ref);
            if (!target) {
              if (this.plugin) this.resolved.set(c, { node: undefined, phandle: 0xffffffff });
              else this.unknown(c.ref, c.span);
              continue;
            }
            this.resolved.set(c, { node: target, phandle: this.phandleOf(target, c.span) });
            target.referenced = true;
          }
        }
      }
    }
  }

  private pathReferences(): void {
    for (const n of liveNodes(this.root)) {
      for (const p of n.props) {
        if (p.deleted) continue;
        for (const piece of p.value) {
          if (piece.kind !== "path") continue;
          const target = this.tree.nodeByRef(piece.ref);
          if (!target) {
            this.unknown(piece.ref, piece.span);
            continue;
          }
          this.resolved.set(piece, { node: target, phandle: 0 });
          target.referenced = true;
        }
      }
    }
  }

  private omitUnused(): void {
    for (const n of liveNodes(this.root)) if (n.omitIfUnused && !n.referenced) deleteNode(n);
  }

  private encode(prop: LiveProperty): Encoded {
    return encode(
      prop.value,
      (c) => this.resolved.get(c)?.phandle ?? 0xffffffff,
      (p) => this.resolved.get(p)?.node?.path ?? "",
    );
  }

  /** A child of the root made for generated data (`__fixups__`), or the one already there. */
  private generatedNode(parent: LiveNode, name: string, span: Span): LiveNode {
    const found = liveChild(parent, name);
    if (found) return found;
    const node = newNode(name, span);
    node.path = parent === this.root ? `/${name}` : `${parent.path}/${name}`;
    this.tree.attach(parent, node);
    return node;
  }

  /** dtc's append_to_property. */
  private append(node: LiveNode, name: string, piece: LivePiece, span: Span): void {
    const prop = liveProperty(node, name);
    if (prop) prop.value = [...prop.value, piece];
    else node.props.push({ name, labels: [], value: [piece], deleted: false, span });
  }

  /** An overlay's `__fixups__` (references left to the base tree) and `__local_fixups__` (phandles inside it). */
  private overlayFixups(): void {
    const refs: { node: LiveNode; prop: LiveProperty; cell: LiveCell & { kind: "ref" }; offset: number }[] =
      [];
    for (const n of liveNodes(this.root)) {
      for (const p of n.props) {
        if (p.deleted) continue;
        for (const [cell, offset] of this.encode(p).refs) {
          if (cell.kind === "ref") refs.push({ node: n, prop: p, cell, offset });
        }
      }
    }
    const unresolved = refs.filter((r) => !this.tree.nodeByRef(r.cell.ref));
    if (unresolved.length > 0) {
      const fixups = this.generatedNode(
        this.root,
        "__fixups__",
        (unresolved[0] as (typeof refs)[0]).cell.span,
      );
      for (const r of unresolved) {
        if (r.node.path.includes(":") || r.prop.name.includes(":")) {
          throw new InputError([
            error(
              "devicetree/bad-fixup",
              `\`${r.node.path}:${r.prop.name}\` contains \`:\`, which __fixups__ cannot hold`,
              r.cell.span,
            ),
          ]);
        }
        const entry = `${r.node.path}:${r.prop.name}:${r.offset}`;
        this.append(
          fixups,
          r.cell.ref,
          { kind: "string", bytes: [...Buffer.from(entry, "latin1")], span: r.cell.span },
          r.cell.span,
        );
      }
    }
    const local = refs.filter((r) => this.tree.nodeByRef(r.cell.ref));
    if (local.length > 0) {
      const top = this.generatedNode(this.root, "__local_fixups__", (local[0] as (typeof refs)[0]).cell.span);
      for (const r of local) {
        const names: string[] = [];
        for (let n: LiveNode | undefined = r.node; n && n !== this.root; n = n.parent) names.unshift(n.name);
        let at = top;
        for (const name of names) at = this.generatedNode(at, name, r.cell.span);
        const span = r.cell.span;
        this.append(at, r.prop.name, cellProperty(r.prop.name, [r.offset], span).value[0] as LivePiece, span);
      }
    }
  }

  // ---- the finished tree --------------------------------------------------------------------------------

  private node(n: LiveNode): DtNode {
    const { baseName, unitAddress } = splitNodeName(n.name);
    return {
      name: n.name,
      baseName,
      ...(unitAddress !== undefined && { unitAddress }),
      path: n.path,
      labels: liveLabels(n.labels),
      properties: n.props.filter((p) => !p.deleted).map((p) => this.property(p)),
      children: n.children.filter((c) => !c.deleted).map((c) => this.node(c)),
      ...(n.phandle !== 0 && { phandle: n.phandle }),
      span: n.span,
    };
  }

  private property(p: LiveProperty): DtProperty {
    const { bytes, labels } = this.encode(p);
    const pieces: DtValuePiece[] = [];
    for (const piece of p.value) {
      switch (piece.kind) {
        case "string":
          pieces.push({ kind: "string", value: Buffer.from(piece.bytes).toString("utf8"), span: piece.span });
          break;
        case "cells":
          pieces.push({
            kind: "cells",
            bits: piece.bits,
            cells: piece.cells.flatMap((c): DtCell[] => {
              if (c.kind === "label") return [];
              if (c.kind === "int") return [{ value: c.value, span: c.span }];
              const r = this.resolved.get(c);
              return [
                {
                  value: BigInt(r?.phandle ?? 0xffffffff),
                  span: c.span,
                  ref: { text: c.ref, span: c.span, ...(r?.node && { target: r.node.path }) },
                },
              ];
            }),
            span: piece.span,
          });
          break;
        case "bytes":
          pieces.push({ kind: "bytes", bytes: piece.bytes, span: piece.span });
          break;
        case "path": {
          const target = this.resolved.get(piece)?.node?.path;
          pieces.push({
            kind: "path",
            ref: { text: piece.ref, span: piece.span, ...(target && { target }) },
            span: piece.span,
          });
          break;
        }
        case "label":
          break;
      }
    }
    return { name: p.name, bytes, pieces, labels: liveLabels(p.labels), valueLabels: labels, span: p.span };
  }
}

function liveLabels(labels: readonly { name: string; span: Span; deleted: boolean }[]): DtLabel[] {
  return labels.filter((l) => !l.deleted).map((l) => ({ name: l.name, span: l.span }));
}

function firstAt(span: Span): string {
  return `first defined at ${span.file}:${span.line}:${span.column}`;
}
