import { error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { loadDeviceTree } from "../devicetree/load-device-tree.js";
import { DecisionIndex } from "../query/decision-index.js";
import { modelsOf, type SystemOptions, systemOptions } from "../query/load-models.js";
import type { Model } from "../query/model.js";
import { type DeviceTreeSystem, systemFromDeviceTree } from "../system/device-tree-system.js";
import { isDeviceTree, loadSystemFile } from "../system/load-system.js";
import type { Finding, LintContext } from "./rule.js";
import { RULES } from "./rules.js";
import { runLint } from "./run-lint.js";

export interface LintOptions extends Omit<SystemOptions, "system"> {
  readonly policy?: string | undefined;
  /** a `flask:` policy's booleans set other than its defaults */
  readonly flaskBooleans?: Readonly<Record<string, boolean>> | undefined;
  readonly xen?: string | undefined;
  /** the system boots with UEFI Secure Boot (also `build.secure_boot`) */
  readonly secureBoot?: boolean | undefined;
  /** only these rules (all when none) */
  readonly rule?: readonly string[] | undefined;
}

/** What `lint` found in a system. */
export interface LintResult {
  /** the system's source file */
  readonly system: string;
  readonly policy: string;
  readonly findings: readonly Finding[];
}

/**
 * A system file (YAML, JSON or an Arm device tree) against Xen's boot rules and the rules of
 * disaggregation. A device tree Xen would not boot is linted, not refused: its boot rules are findings.
 */
export function lintSystem(path: string, o: LintOptions = {}): LintResult {
  const unknown = (o.rule ?? []).filter((r) => !RULES.some((x) => x.id === r));
  if (unknown.length)
    throw new InputError([
      error(
        "lint/unknown-rule",
        `unknown rule \`${unknown[0]}\``,
        undefined,
        `rules: ${RULES.map((r) => r.id).join(", ")}`,
      ),
    ]);
  const deviceTree: DeviceTreeSystem | undefined = isDeviceTree(path)
    ? systemFromDeviceTree(loadDeviceTree(path), systemOptions(o))
    : undefined;
  const system = deviceTree?.system ?? loadSystemFile(path, systemOptions(o));
  const [model] = modelsOf(system, o.xen, [{ name: o.policy, flaskBooleans: o.flaskBooleans }]) as [Model];
  const ctx: LintContext = {
    system,
    model,
    index: new DecisionIndex(model),
    ...(deviceTree && { deviceTree }),
    secureBoot: o.secureBoot === true || system.build.secureBoot === true,
  };
  const findings: Finding[] = [
    // what reading the tree noted (the hyperlaunch design) belongs to the boot rules
    ...(!o.rule || o.rule.includes("xen-boot") ? (deviceTree?.findings ?? []) : []).map((f) => ({
      ...f,
      rule: "xen-boot",
    })),
    ...runLint(ctx, o.rule),
  ];
  return { system: system.source, policy: model.policy.name, findings };
}
