import type { Command } from "commander";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { GRAPH_FORMATS } from "../formats.js";
import { common } from "../options.js";

/** `xenpriv who-can`: its arguments and options; its action returns what it found to `emit`. */
export function registerWhoCan(p: Command, emit: Emit): void {
  common(p.command("who-can").argument("<op>", "operation"), true, GRAPH_FORMATS)
    .description("which domains may perform <op>, and on which targets")
    .option("--on <target>", "only this target domain")
    .action(async (op: string, o: CommonOptions & { on?: string }) => {
      const [{ whoCanOutput }, { whoCan }, { loadModel }] = await Promise.all([
        import("../outputs/who-can.js"),
        import("../../query/who-can.js"),
        models(),
      ]);
      emit(whoCanOutput(whoCan(loadModel(o), op, { on: o.on })), o.format);
    });
}
