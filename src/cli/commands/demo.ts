import type { Command } from "commander";
import type { Model } from "../../query/model.js";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { MATRIX_FORMATS } from "../formats.js";
import { common } from "../options.js";
import { render } from "../output.js";

/** `xenpriv demo`: its arguments and options; its action returns what it found to `emit`. */
export function registerDemo(p: Command, emit: Emit): void {
  common(p.command("demo"), false, MATRIX_FORMATS)
    .description(
      "the main job on the built-in example: the matrix under dummy, then the diff dummy -> hw-priv-v1",
    )
    .action(async (o: CommonOptions) => {
      const [{ matrixOutput }, { diffOutput }, { matrix }, { diffPolicies }, { loadModels }] =
        await Promise.all([
          import("../outputs/matrix.js"),
          import("../outputs/diff.js"),
          import("../../query/matrix.js"),
          import("../../query/diff-policies.js"),
          models(),
        ]);
      const [dummy, hwPrivV1] = loadModels(o, ["dummy", "hw-priv-v1"]) as [Model, Model];
      const text = [
        render(matrixOutput(matrix(dummy)), o.format),
        render(diffOutput(diffPolicies(dummy, hwPrivV1)), o.format),
      ].join("\n\n");
      emit({ kind: "demo", json: null, chunks: () => [text] }, o.format);
    });
}
