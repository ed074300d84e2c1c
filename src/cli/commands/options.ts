import { type Command, Option } from "commander";
import { shippedOptionVersions } from "../../cmdline/shipped-option-versions.js";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { TABLE_FORMATS } from "../formats.js";
import type { OptionsListOptions } from "../outputs/options.js";

/** `xenpriv options list|extract`: its arguments and options; its action returns what it found to `emit`. */
export function registerOptions(p: Command, emit: Emit): void {
  const options = p
    .command("options")
    .description("Xen's command-line options: registrations joined with docs/misc/xen-command-line.pandoc");
  options
    .command("list", { isDefault: true })
    .description(
      "the options of a Xen version, each with its guards, where it builds and its documented syntax",
    )
    .option(
      "--xen <version>",
      `an option catalogue: ${shippedOptionVersions().join(", ")} or a path`,
      "4.22.0",
    )
    .addOption(
      new Option("--arch <arch>", "only what a build of this arch can have (arm: arm64)").choices([
        "x86",
        "arm",
        "arm32",
      ]),
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(TABLE_FORMATS).default("table"))
    .action(async (o: OptionsListOptions & { format: CommonOptions["format"] }) =>
      emit((await import("../outputs/options.js")).optionsCommand(o), o.format),
    );
  options
    .command("extract")
    .argument("<xen-tree>", "root of a Xen source tree")
    .description("read every *_param registration and the command-line document out of a Xen tree")
    .option("-o, --output <file>", "write the catalogue here (whole or not at all) instead of stdout")
    .option("--xen-version <version>", "the version to record; default: from xen/Makefile")
    .action(async (tree: string, o: { output?: string; xenVersion?: string }) =>
      (await import("../outputs/options.js")).optionsExtractCommand(tree, o),
    );
}
