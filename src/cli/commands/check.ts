import type { Command } from "commander";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { GRAPH_FORMATS } from "../formats.js";
import { collect, common } from "../options.js";

/** `xenpriv check`: its arguments and options; its action returns what it found to `emit`. */
export function registerCheck(p: Command, emit: Emit): void {
  common(
    p
      .command("check")
      .argument("<src>", "calling domain (name or domid)")
      .argument("<op>", "operation, e.g. domctl/pausedomain")
      .argument("[target]", "target domain"),
    true,
    GRAPH_FORMATS,
  )
    .description(
      "may <src> perform <op> on [target]? prints the decision and every check behind it; exit 0 allowed, 1 denied",
    )
    .option("--with <name=domain>", "bind an extra operand of the operation (repeatable)", collect, [])
    .action(
      async (src: string, op: string, target: string | undefined, o: CommonOptions & { with: string[] }) => {
        const [{ checkOutput }, { check }, { loadModel }] = await Promise.all([
          import("../outputs/check.js"),
          import("../../query/check.js"),
          models(),
        ]);
        emit(checkOutput(check(loadModel(o), src, op, { target, with: o.with })), o.format);
      },
    );
}
