import { renderDot } from "../../report/render-dot.js";
import { unsupportedFormat } from "../formats.js";
import type { Reporter } from "./reporter.js";

/** Graphviz DOT of the command's graph: who may act on whom. */
export const dot: Reporter = (out) => [out.graph ? renderDot(out.graph) : unsupportedFormat(out.kind, "dot")];
