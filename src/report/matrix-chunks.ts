import { cellLabel } from "../query/cells.js";
import type { Matrix } from "../query/matrix.js";
import { MAX_ALIGNED_WIDTH } from "./tabular.js";

/** The line above a matrix table. */
export const matrixTitle = (m: Matrix): string =>
  `decision matrix under ${m.policy}: ${m.ops.length} operations x ${m.domains.length} domains (self = on itself, tgt = its device-model target, all/some = all/some other domains, xen/io = dom_xen/dom_io, yes = allowed, - = never)`;

/** Stands for a row's domain name in its text: no name, operation or witness holds a NUL. */
const DOMAIN_MARKER = "\u0000domain\u0000";

/** At most this many rows are remembered by key: a system of as many classes as domains never hits. */
const ROW_CACHE = 256;

/** `f(s)` for each domain index, computed once per row key (`Matrix.rowKey`). */
function byRowKey<T>(m: Matrix, f: (s: number) => T): (s: number) => T {
  const cache = new Map<string, T>();
  return (s) => {
    const key = m.rowKey(s);
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= ROW_CACHE) cache.clear();
      v = f(s);
      cache.set(key, v);
    }
    return v;
  };
}

/** Each cell's label as an index into `labels`, operation-major, computed once per row key. */
function labelled(m: Matrix): { labels: string[]; cells: Uint16Array } {
  const labels: string[] = [];
  const ids = new Map<string, number>();
  const nOps = m.ops.length;
  const n = m.domains.length;
  const cells = new Uint16Array(nOps * n);
  const rowIds = byRowKey(m, (s) =>
    m.cellsOf(s).map((cell) => {
      const label = cellLabel(cell);
      let id = ids.get(label);
      if (id === undefined) {
        id = labels.length;
        ids.set(label, id);
        labels.push(label);
      }
      return id;
    }),
  );
  for (let s = 0; s < n; s++) {
    const row = rowIds(s);
    for (let o = 0; o < nOps; o++) cells[o * n + s] = row[o] as number;
  }
  return { labels, cells };
}

/** The table's rows, an operation at a time: its id, then each domain's label. */
function* tableRows(m: Matrix, l: { labels: string[]; cells: Uint16Array }): Generator<string[]> {
  const n = m.domains.length;
  for (let o = 0; o < m.ops.length; o++) {
    const row = new Array<string>(n + 1);
    row[0] = (m.ops[o] as { id: string }).id;
    for (let s = 0; s < n; s++) row[s + 1] = l.labels[l.cells[o * n + s] as number] as string;
    yield row;
  }
}

/**
 * A matrix in a format, as chunks of text to write one after the other: the whole output is never
 * one string (32,752 domains give hundreds of MB as JSON). Each chunk is what one line or one row
 * of the same output made whole would hold, so the bytes are the same.
 */
export function* matrixChunks(m: Matrix, format: "table" | "json" | "md" | "csv"): Generator<string> {
  if (format === "json") {
    const head = JSON.stringify(
      {
        version: 1,
        kind: "matrix",
        policy: m.policy,
        domains: m.domains,
        ops: m.ops.map((o) => o.id),
        cells: [],
      },
      null,
      2,
    );
    if (m.domains.length === 0) {
      yield head;
      return;
    }
    yield head.slice(0, head.length - "[]\n}".length);
    yield "[\n    ";
    // NOTE: a row stringified inside a `cells` key comes out at its final indentation (re-indenting
    // its text with a regular expression cost 7 times as much); it is made once per row key, its
    // domain a marker that each domain's row replaces with its name
    const open = '{\n  "cells": [\n    ';
    const close = "\n  ]\n}";
    const parts = byRowKey(m, (s) => {
      const cells = m.cellsOf(s).map((c) => ({ ...c, domain: DOMAIN_MARKER }));
      const text = JSON.stringify({ cells: [cells] }, null, 2);
      return text.slice(open.length, text.length - close.length).split(JSON.stringify(DOMAIN_MARKER));
    });
    for (let s = 0; s < m.domains.length; s++)
      yield `${s === 0 ? "" : ",\n    "}${parts(s).join(JSON.stringify(m.domains[s]))}`;
    yield "\n  ]\n}";
    return;
  }
  const columns = ["operation", ...m.domains];
  const l = labelled(m);
  if (format === "csv") {
    const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    yield columns.map(q).join(",");
    for (const row of tableRows(m, l)) yield `\n${row.map(q).join(",")}`;
    return;
  }
  if (format === "md") {
    const esc = (v: string) => v.replace(/\|/g, "\\|");
    yield `| ${columns.map(esc).join(" | ")} |\n|${columns.map(() => "---").join("|")}|`;
    for (const row of tableRows(m, l)) yield `\n| ${row.map(esc).join(" | ")} |`;
    return;
  }
  // as renderText: a column is as wide as its widest cell up to MAX_ALIGNED_WIDTH
  const widths = columns.map((c) => Math.min(c.length, MAX_ALIGNED_WIDTH));
  const fit = (i: number, v: string) => {
    if (v.length <= MAX_ALIGNED_WIDTH && v.length > (widths[i] ?? 0)) widths[i] = v.length;
  };
  const n = m.domains.length;
  for (let o = 0; o < m.ops.length; o++) {
    fit(0, (m.ops[o] as { id: string }).id);
    for (let s = 0; s < n; s++) fit(s + 1, l.labels[l.cells[o * n + s] as number] as string);
  }
  const line = (r: readonly string[]) =>
    r
      .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  yield `${matrixTitle(m)}\n\n${line(columns)}\n${line(widths.map((w) => "-".repeat(w)))}`;
  for (const row of tableRows(m, l)) yield `\n${line(row)}`;
}
