import type { Command } from "commander";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { common, flaskBooleans, lockdownOptions } from "../options.js";
import type { ReportCliOptions } from "../outputs/report.js";

/** `xenpriv report`: its arguments and options; its action returns what it found to `emit`. */
export function registerReport(p: Command, emit: Emit): void {
  const cmd = common(p.command("report"))
    .description(
      "one self-contained HTML file: the system's domains and who acts on whom, the decision matrix as a heatmap with filters, explanations on click, a diff with --vs, lint findings, and lockdown's effect on a --cmdline",
    )
    .option("--vs <policy>", "a second policy: the report's diff view compares with it");
  lockdownOptions(
    flaskBooleans(cmd, { main: false, vs: true })
      .option("--secure-boot", "lint as for a Secure Boot system; with --cmdline, efi_secure_boot is set")
      .option(
        "--cmdline <line>",
        "a Xen command line (x86: multiboot from GRUB 2; Arm: /chosen xen,xen-bootargs): the report adds what lockdown keeps and drops of it",
      ),
    "with --cmdline: ",
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
