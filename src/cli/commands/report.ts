import { type Command, Option } from "commander";
import { LOCKDOWN_MODEL_IDS } from "../../cmdline/lockdown-models.js";
import { SAFE_LIST_IDS } from "../../cmdline/safe-lists.js";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { common } from "../options.js";
import type { ReportCliOptions } from "../outputs/report.js";
import { parseFlaskBoolean } from "../parse-flask-boolean.js";

/** `xenpriv report`: its arguments and options; its action returns what it found to `emit`. */
export function registerReport(p: Command, emit: Emit): void {
  common(p.command("report"))
    .description(
      "one self-contained HTML file: the system's domains and who acts on whom, the decision matrix as a heatmap with filters, explanations on click, a diff with --vs, lint findings, and lockdown's effect on a --cmdline",
    )
    .option("--vs <policy>", "a second policy: the report's diff view compares with it")
    .option(
      "--vs-flask-boolean <name=state>",
      "set a boolean of the --vs flask: policy only, over --flask-boolean (repeatable)",
      (v: string, prev?: Record<string, boolean>) => parseFlaskBoolean("--vs-flask-boolean", v, prev),
    )
    .option("--secure-boot", "lint as for a Secure Boot system; with --cmdline, efi_secure_boot is set")
    .option(
      "--cmdline <line>",
      "a Xen command line (x86: multiboot from GRUB 2; Arm: /chosen xen,xen-bootargs): the report adds what lockdown keeps and drops of it",
    )
    .addOption(
      new Option("--lockdown-model <model>", "with --cmdline: how lockdown is decided")
        .choices([...LOCKDOWN_MODEL_IDS])
        .default("summit"),
    )
    .addOption(
      new Option("--safe-list <list>", "with --cmdline: the options lockdown lets through")
        .choices([...SAFE_LIST_IDS])
        .default("v2"),
    )
    .option(
      "--xen-source-url <template>",
      "where the report links each Xen path:line: a URL with {path}, {line} and {commit} (the catalogue's); default: xenbits' gitweb",
    )
    .requiredOption("-o, --output <file>", "the HTML file to write (whole or not at all)")
    .action(async (o: { format: CommonOptions["format"] }, cmd: Command) =>
      emit(
        (await import("../outputs/report.js")).reportCommand(cmd.optsWithGlobals<ReportCliOptions>()),
        o.format,
      ),
    );
}
