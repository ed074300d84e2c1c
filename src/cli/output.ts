import type { Graph } from "../report/render-dot.js";
import type { Tabular } from "../report/tabular.js";
import type { Format } from "./formats.js";
import { REPORTERS } from "./reporters/reporters.js";

/** What a command produced: a JSON value and a table or text for humans. */
export interface Output {
  readonly kind: string;
  readonly json: unknown;
  readonly table?: Tabular;
  readonly text?: string;
  readonly markdown?: string;
  /** who may act on whom, for `-f dot` */
  readonly graph?: Graph;
  /** the findings as a SARIF log, for `-f sarif` (made only when asked) */
  readonly sarif?: () => object;
  /** 0 by default; main() makes it the process's exit code */
  readonly exitCode?: number;
  /**
   * The output in a format as chunks written one after the other, for outputs too large to be one
   * string (a matrix of 32,752 domains), or already rendered (lint's SARIF); else the format's reporter renders it.
   */
  readonly chunks?: (format: Format) => Iterable<string>;
}

/** The output in a format, as chunks: its own, else the format's reporter's. */
export function chunksOf(out: Output, format: Format): Iterable<string> {
  return out.chunks ? out.chunks(format) : REPORTERS[format](out);
}

/** Renders an output in the chosen format, whole. */
export function render(out: Output, format: Format): string {
  return [...chunksOf(out, format)].join("");
}
