import { type Command, Option } from "commander";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { TABLE_FORMATS } from "../formats.js";

/** `xenpriv policies`: its arguments and options; its action returns what it found to `emit`. */
export function registerPolicies(p: Command, emit: Emit): void {
  p.command("policies")
    .description("the registered policy modules and their origin")
    .addOption(new Option("-f, --format <format>", "output format").choices(TABLE_FORMATS).default("table"))
    .action(async (o: { format: CommonOptions["format"] }) =>
      emit((await import("../outputs/policies.js")).policiesCommand(), o.format),
    );
}
