import type { Command } from "commander";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { MATRIX_FORMATS } from "../formats.js";
import { collect, common } from "../options.js";

/** `xenpriv matrix`: its arguments and options; its action returns what it found to `emit`. */
export function registerMatrix(p: Command, emit: Emit): void {
  common(p.command("matrix"), true, MATRIX_FORMATS)
    .description("domains x operations, targets summarised by relation")
    .option("--hypercall <names>", "only these hypercalls (comma-separated, repeatable)", collect, [])
    .action(async (o: CommonOptions & { hypercall: string[] }) => {
      const [{ matrixOutput }, { matrix }, { loadModel }] = await Promise.all([
        import("../outputs/matrix.js"),
        import("../../query/matrix.js"),
        models(),
      ]);
      emit(matrixOutput(matrix(loadModel(o), { hypercalls: o.hypercall })), o.format);
    });
}
