import { type Command, Option } from "commander";
import { type Format, TABLE_FORMATS } from "./formats.js";

/** `--kconfig`, as the query commands describe it. */
export const KCONFIG = [
  "--kconfig <file>",
  "the Xen build's .config: the boot rules read its options, and the operations of options it turns off vanish",
] as const;

/** A repeatable, comma-separated option's values. */
export const collect = (v: string, prev: string[]) => [...prev, ...v.split(",").filter(Boolean)];

/** The options every query command takes: the system, the hyperlaunch design, the build, the policy, the catalogue, the format. */
export function common(cmd: Command, withPolicy = true, formats: readonly Format[] = TABLE_FORMATS): Command {
  cmd.option(
    "-s, --system <file>",
    "system description: YAML or JSON, or an Arm device tree (.dts, .dtb); default: the built-in seed scenario",
  );
  cmd.option(
    "--hyperlaunch",
    "build a device tree's domains from the hyperlaunch design's /chosen/hypervisor (Xen 4.22.0 does not implement it)",
  );
  cmd.option(KCONFIG[0], KCONFIG[1]);
  if (withPolicy)
    cmd.option(
      "-p, --policy <name>",
      "XSM policy module (see `xenpriv policies`); default: the system's `xsm`",
    );
  return cmd
    .option(
      "--xen <version>",
      "catalogue: a shipped Xen version or a catalogue path; default: the system's `xen`",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(formats).default("table"));
}
