import type { Matrix } from "../../query/matrix.js";
import { matrixChunks } from "../../report/matrix-chunks.js";
import { type Format, MATRIX_FORMATS, unsupportedFormat } from "../formats.js";
import type { Output } from "../output.js";

const isMatrixFormat = (f: Format): f is (typeof MATRIX_FORMATS)[number] =>
  (MATRIX_FORMATS as readonly Format[]).includes(f);

/** `xenpriv matrix`: domains x operations, targets summarised by relation, streamed in every format. */
export function matrixOutput(m: Matrix): Output {
  return {
    kind: "matrix",
    json: { policy: m.policy, domains: m.domains, ops: m.ops.map((o) => o.id) },
    chunks: (format) =>
      isMatrixFormat(format) ? matrixChunks(m, format) : unsupportedFormat("matrix", format),
  };
}
