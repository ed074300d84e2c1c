import type { Command } from "commander";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { GRAPH_FORMATS } from "../formats.js";
import { common } from "../options.js";

/** `xenpriv what-can`: its arguments and options; its action returns what it found to `emit`. */
export function registerWhatCan(p: Command, emit: Emit): void {
  common(p.command("what-can").argument("<domain>", "domain (name or domid)"), true, GRAPH_FORMATS)
    .description("every operation <domain> may perform, and on whom")
    .option("--all", "also list the operations it may not perform")
    .action(async (d: string, o: CommonOptions & { all?: boolean }) => {
      const [{ whatCanOutput }, { whatCan }, { loadModel }] = await Promise.all([
        import("../outputs/what-can.js"),
        import("../../query/what-can.js"),
        models(),
      ]);
      emit(whatCanOutput(whatCan(loadModel(o), d, { all: o.all })), o.format);
    });
}
