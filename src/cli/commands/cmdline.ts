import { type Command, Option } from "commander";
import type { CmdlineOptions } from "../../cmdline/boot-sources.js";
import { CMDLINE_FAIL_ON, type CmdlineFailOn } from "../../cmdline/cmdline-failure.js";
import { shippedOptionVersions } from "../../cmdline/shipped-option-versions.js";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { TEXT_FORMATS } from "../formats.js";
import { KCONFIG, lockdownOptions } from "../options.js";

/** `xenpriv cmdline`: its arguments and options; its action returns what it found to `emit`. */
export function registerCmdline(p: Command, emit: Emit): void {
  const cmd = p
    .command("cmdline")
    .argument(
      "[line...]",
      "the bootloader's command line; with --boot efi, the EFI load options (image name first, Xen options after a quoted `--`)",
    )
    .description(
      "what a Xen command line does: where each option comes from, whether it is trusted, what is applied, and what lockdown drops",
    )
    .addOption(
      new Option(
        "--boot <path>",
        "boot path; default: efi with --efi-cfg/--uki, dt with --dt, else multiboot",
      ).choices(["multiboot", "efi", "dt", "pvh"]),
    )
    .addOption(
      new Option(
        "--arch <arch>",
        "default: arm for --boot dt, else x86; arm is arm64, arm32 has its own options and integer widths",
      ).choices(["x86", "arm", "arm32"]),
    )
    .option(
      "--loader <name>",
      "multiboot boot_loader_name: not GRUB 2 means the first word is dropped",
      "GRUB 2.12",
    )
    .option("--builtin <line>", "CONFIG_CMDLINE, parsed before the bootloader's line")
    .option("--override", "CONFIG_CMDLINE_OVERRIDE: the bootloader's line is not parsed")
    .option(
      KCONFIG[0],
      "the Xen build's .config: CONFIG_CMDLINE, CONFIG_CMDLINE_OVERRIDE, CONFIG_LOCKDOWN_DEFAULT, CONFIG_PV_SHIM",
    )
    .option("--efi-cfg <file>", "the EFI configuration file (xen.cfg)")
    .option("--section <name>", "the xen.cfg section to use (as a bare word in the load options would)")
    .option(
      "--uki <file>",
      "a unified Xen image: its .config section is the configuration, trusted when the image is signed",
    )
    .option("--dt <file>", "an Arm device tree: /chosen xen,xen-bootargs (or bootargs)")
    .option("--secure-boot", "efi_secure_boot is set")
    .option(
      "--secure-boot-variable <var>",
      "decide efi_secure_boot as Xen does from the SecureBoot variable: `absent`, or ATTRIBUTES:BYTES in hex (`6:01`)",
    );
  lockdownOptions(cmd)
    .option("--lockdown-default", "CONFIG_LOCKDOWN_DEFAULT=y")
    .option("--pv-shim", "CONFIG_PV_SHIM=y (variant A's 2026 posting forces lockdown off)")
    .option(
      "--runtime",
      "the words are what `xl set-parameters` gets: what libxl writes to hypfs /params, and where it fails (exit 1)",
    )
    .option("--no-hypfs", "with --runtime: CONFIG_HYPFS=n, so there is no /params")
    .addOption(
      new Option(
        "--fail-on <what>",
        "exit 1 when lockdown drops an option (dropped), also when an option comes from a source lockdown does not trust (untrusted), or also on any warning (warning)",
      ).choices([...CMDLINE_FAIL_ON]),
    )
    .option(
      "--xen <version>",
      `an option catalogue: ${shippedOptionVersions().join(", ")} or a path`,
      "4.22.0",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(TEXT_FORMATS).default("table"))
    .action(
      async (
        line: string[],
        o: CmdlineOptions & { format: CommonOptions["format"]; failOn?: CmdlineFailOn },
      ) =>
        emit(
          o.runtime
            ? (await import("../outputs/cmdline-runtime.js")).cmdlineRuntimeCommand(line, o)
            : (await import("../outputs/cmdline.js")).cmdlineCommand(line, o),
          o.format,
        ),
    );

  // README states the same rule, word for word (test/cli-sbat.test.ts)
}
