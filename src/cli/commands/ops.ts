import type { Command } from "commander";
import { type Emit, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { collect, common } from "../options.js";

/** `xenpriv ops`: its arguments and options; its action returns what it found to `emit`. */
export function registerOps(p: Command, emit: Emit): void {
  common(p.command("ops"), false)
    .description("the operation catalogue")
    .option("--hypercall <names>", "only these hypercalls", collect, [])
    .option("--hook <name>", "only operations that pass this hook (without xsm_)")
    .option("--action <action>", "only operations checked with this action (PRIV, DM_PRIV, ...)")
    .option(
      "--flask",
      "what Flask checks for each operation: class, permissions, subject and object, with lines",
    )
    .action(
      async (o: CommonOptions & { hypercall: string[]; hook?: string; action?: string; flask?: boolean }) => {
        const [{ opsCommand }, { loadModel }] = await Promise.all([import("../outputs/ops.js"), models()]);
        emit(opsCommand(loadModel(o), o), o.format);
      },
    );
}
