import { type Command, Option } from "commander";
import { type Emit, models } from "../command.js";
import { FAIL_ON, LINT_FORMATS } from "../formats.js";
import { collect, flaskBooleans, KCONFIG } from "../options.js";
import type { LintCliOptions } from "../outputs/lint.js";

/** `xenpriv lint`: its arguments and options; its action returns what it found to `emit`. */
export function registerLint(p: Command, emit: Emit): void {
  const lint = p
    .command("lint")
    .argument(
      "[system]",
      "system description: YAML, JSON or an Arm device tree; default: the built-in seed scenario",
    )
    .description("check a system against Xen's boot rules and the rules of disaggregation (docs/rules/)")
    .option("-p, --policy <name>", "XSM policy module; default: the system's `xsm`");
  flaskBooleans(lint)
    .option(
      "--xen <version>",
      "catalogue: a shipped Xen version or a catalogue path; default: the system's `xen`",
    )
    .option("--secure-boot", "the system boots with UEFI Secure Boot")
    .option(
      "--hyperlaunch",
      "build a device tree's domains from the hyperlaunch design (Xen 4.22.0 does not implement it)",
    )
    .option(KCONFIG[0], KCONFIG[1])
    .option("--rule <ids>", "only these rules", collect, [])
    .addOption(
      new Option("--fail-on <level>", "exit 1 when a finding is at least this severe")
        .choices(FAIL_ON)
        .default("error"),
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(LINT_FORMATS).default("text"))
    .option(
      "--source-root <dir>",
      "SARIF: paths are relative to this directory (%SRCROOT%); default: the git work tree of the system file, else the current directory",
    )
    .option(
      "--docs-uri <uri>",
      "SARIF: where xenpriv's docs/ folder is published, for each rule's helpUri; default: the installed package's docs",
    )
    .action(async (system: string | undefined, o: LintCliOptions & { rule: string[] }) => {
      const [{ lintCommand }, { builtinSystemPath }] = await Promise.all([
        import("../outputs/lint.js"),
        models(),
      ]);
      const out = lintCommand(system ?? builtinSystemPath(), {
        ...o,
        ...(o.rule.length === 0 && { rule: undefined }),
      } as LintCliOptions);
      // lint's `text` is the table reporter's: its findings with their code frames
      emit(out, o.format === "text" ? "table" : o.format);
    });
}
