import { type Command, Option } from "commander";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { flaskBooleans } from "../options.js";

/** `xenpriv flask build|show|lint|reach`: its arguments and options; its action returns what it found to `emit`. */
export function registerFlask(p: Command, emit: Emit): void {
  const flask = p
    .command("flask")
    .description("Xen's Flask (XSM/SELinux-style) policies: compile a tree's policy, read a compiled one");
  const flaskFormat = () =>
    new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table");
  flask
    .command("build")
    .argument("<xen-tree>", "root of a Xen source tree (read only: the policy is built in a temporary copy)")
    .description("compile the tree's Flask policy with checkpolicy and m4, as tools/flask/policy does")
    .option("-o, --output <file>", "where to write the policy (default: xenpolicy-<version> here)")
    .option("--rules", "also print every allow rule, each with the lines of the policy source it comes from")
    .addOption(flaskFormat())
    .action(async (tree: string, o: { output?: string; rules?: boolean; format: CommonOptions["format"] }) =>
      emit((await import("../outputs/flask.js")).flaskBuildCommand(tree, o), o.format),
    );
  flask
    .command("show")
    .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
    .description("what a compiled policy holds: version, target, counts as seinfo gives them, initial SIDs")
    .option("--rules", "also print every allow rule, as sesearch -A prints them")
    .addOption(flaskFormat())
    .action(async (policy: string, o: { rules?: boolean; format: CommonOptions["format"] }) =>
      emit((await import("../outputs/flask.js")).flaskShowCommand(policy, o), o.format),
    );
  type Booleans = { flaskBooleans?: Record<string, boolean> };
  flaskBooleans(
    flask
      .command("lint")
      .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
      .description(
        "rules over a policy's types: a guest type that may act on dom0_t, a device-model type not bound to its target",
      ),
  )
    .addOption(flaskFormat())
    .action(async (policy: string, o: Booleans & { format: CommonOptions["format"] }) =>
      emit((await import("../outputs/flask.js")).flaskLintCommand(policy, o), o.format),
    );
  flaskBooleans(
    flask
      .command("reach")
      .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
      .description("which domain types may reach which: the permissions of each class, by type enforcement")
      .option("--source <type>", "only this source type")
      .option("--target <type>", "only this target type"),
  )
    .addOption(flaskFormat())
    .action(
      async (
        policy: string,
        o: Booleans & { source?: string; target?: string; format: CommonOptions["format"] },
      ) => emit((await import("../outputs/flask.js")).flaskReachCommand(policy, o), o.format),
    );
}
