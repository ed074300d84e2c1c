import { type Command, Option } from "commander";
import { DEFAULT_LOCKDOWN_MODEL, LOCKDOWN_MODEL_IDS } from "../cmdline/lockdown-models.js";
import { DEFAULT_SAFE_LIST, SAFE_LIST_IDS } from "../cmdline/safe-lists.js";
import { type Format, TABLE_FORMATS } from "./formats.js";
import { parseFlaskBoolean } from "./parse-flask-boolean.js";

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
    flaskBooleans(
      cmd.option(
        "-p, --policy <name>",
        "XSM policy module (see `xenpriv policies`); default: the system's `xsm`",
      ),
    );
  return cmd
    .option(
      "--xen <version>",
      "catalogue: a shipped Xen version or a catalogue path; default: the system's `xen`",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(formats).default("table"));
}

/**
 * `--flask-boolean name=state` (repeatable, or comma-separated): booleans of the command's `flask:`
 * policies set other than their defaults, handed to the action as `flaskBooleans`; with `vs`,
 * `--vs-flask-boolean`, for the `--vs` policy only, as `vsFlaskBooleans` (`main: false` when the
 * command has `--flask-boolean` already).
 */
export function flaskBooleans(cmd: Command, { main = true, vs = false } = {}): Command {
  if (main)
    cmd.option(
      "--flask-boolean <name=state>",
      "set a boolean of the flask: policy (e.g. guest_writeconsole=false; repeatable); default: the policy's own",
      (v: string, prev?: Record<string, boolean>) => parseFlaskBoolean("--flask-boolean", v, prev),
    );
  if (vs)
    cmd.option(
      "--vs-flask-boolean <name=state>",
      "set a boolean of the --vs flask: policy only, over --flask-boolean (repeatable)",
      (v: string, prev?: Record<string, boolean>) => parseFlaskBoolean("--vs-flask-boolean", v, prev),
    );
  // the library's names for them (ModelOptions.flaskBooleans)
  return cmd.hook("preAction", (_, action) => {
    const o = action.opts();
    if (o.flaskBoolean) action.setOptionValue("flaskBooleans", o.flaskBoolean);
    if (o.vsFlaskBoolean) action.setOptionValue("vsFlaskBooleans", o.vsFlaskBoolean);
  });
}

/** `--lockdown-model` and `--safe-list`, as cmdline and report take them (`when`: the help's preamble). */
export function lockdownOptions(cmd: Command, when = ""): Command {
  return cmd
    .addOption(
      new Option("--lockdown-model <model>", `${when}how lockdown is decided (no released Xen has one)`)
        .choices([...LOCKDOWN_MODEL_IDS])
        .default(DEFAULT_LOCKDOWN_MODEL),
    )
    .addOption(
      new Option("--safe-list <list>", `${when}the options lockdown lets through`)
        .choices([...SAFE_LIST_IDS])
        .default(DEFAULT_SAFE_LIST),
    );
}
