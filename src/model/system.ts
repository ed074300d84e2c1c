import type { Span } from "../core/span.js";
import type { BuildFacts } from "./build.js";
import type { Domain } from "./domain.js";

/** A described Xen system: its domains and the build and boot facts that change decisions. */
export interface System {
  /** catalogue version, e.g. `4.22.0` */
  readonly xen: string;
  /** default policy module for this system */
  readonly xsm: string;
  readonly build: BuildFacts;
  /** the described domains, in file order (system domains are added by queries) */
  readonly domains: readonly Domain[];
  /** where it came from, for messages */
  readonly source: string;
  /** where each domain was described, by name */
  readonly spans: Readonly<Record<string, Span>>;
  /** where the file gives `xen` and `xsm`, so that an unknown value is reported there */
  readonly valueSpans?: { readonly xen?: Span; readonly xsm?: Span };
}
