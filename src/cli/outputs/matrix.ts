import type { Matrix } from "../../query/matrix.js";
import { matrixChunks } from "../../report/matrix-chunks.js";
import { unsupportedFormat } from "../formats.js";
import type { Output } from "../output.js";

/** `xenpriv matrix`: domains x operations, targets summarised by relation, streamed in every format. */
export function matrixOutput(m: Matrix): Output {
  return {
    kind: "matrix",
    json: { policy: m.policy, domains: m.domains, ops: m.ops.map((o) => o.id) },
    chunks: (format) =>
      format === "html" || format === "dot" || format === "sarif"
        ? unsupportedFormat("matrix", format)
        : matrixChunks(m, format),
  };
}
