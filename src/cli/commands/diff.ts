import type { Command } from "commander";
import { error } from "../../core/diagnostic.js";
import { InputError } from "../../core/errors.js";
import type { Model } from "../../query/model.js";
import type { VersionDiff } from "../../query/version-diff.js";
import { type Emit, EXIT, models } from "../command.js";
import type { CommonOptions } from "../context.js";
import { collect, common, flaskBooleans } from "../options.js";
import { vsChoice } from "../vs-choice.js";

/** `xenpriv diff`: its arguments and options; its action returns what it found to `emit`. */
export function registerDiff(p: Command, emit: Emit): void {
  flaskBooleans(
    common(p.command("diff"), false)
      .description(
        "what changes between two policies (--policy A --vs B), or two Xen versions, catalogues or source trees (--xen A --vs B)",
      )
      .option("-p, --policy <name>", "the policy to compare from")
      .requiredOption(
        "--vs <name>",
        "the policy, or with --xen the version / catalogue / tree, to compare to",
      ),
    { vs: true },
  )
    .option("--hypercall <names>", "only these hypercalls", collect, [])
    .option("--exit-code", "exit 1 when anything changes")
    .action(
      async (
        o: CommonOptions & {
          policy?: string;
          vs: string;
          vsFlaskBooleans?: Record<string, boolean>;
          hypercall: string[];
          exitCode?: boolean;
        },
      ) => {
        if (!o.policy && o.xen) {
          const [{ diffXenCommand }, { hasChanges }] = await Promise.all([
            import("../outputs/diff-xen.js"),
            import("../../query/version-diff.js"),
          ]);
          const out = await diffXenCommand(o.xen, o.vs, o);
          const changed = hasChanges(out.json as VersionDiff);
          emit({ ...out, exitCode: o.exitCode && changed ? EXIT.denied : EXIT.ok }, o.format);
          return;
        }
        if (!o.policy)
          throw new InputError([
            error("cli/diff-needs-side", "diff needs `--policy A --vs B` or `--xen A --vs B`"),
          ]);
        const [{ diffOutput }, { diffPolicies }, { loadModels }] = await Promise.all([
          import("../outputs/diff.js"),
          import("../../query/diff-policies.js"),
          models(),
        ]);
        const [from, to] = loadModels(o, [o.policy, vsChoice(o)]) as [Model, Model];
        const out = diffOutput(diffPolicies(from, to, { hypercalls: o.hypercall }));
        const changed = (out.json as { changes: unknown[] }).changes.length > 0;
        emit({ ...out, exitCode: o.exitCode && changed ? EXIT.denied : EXIT.ok }, o.format);
      },
    );
}
