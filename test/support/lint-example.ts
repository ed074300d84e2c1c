import { loadCatalogue } from "../../src/catalog/load-catalogue.js";
import { parseDts } from "../../src/devicetree/parse-dts.js";
import type { Finding, LintContext, Rule } from "../../src/lint/rule.js";
import { runLint } from "../../src/lint/run-lint.js";
import { getPolicy } from "../../src/policy/registry.js";
import { DecisionIndex } from "../../src/query/decision-index.js";
import { buildModel } from "../../src/query/model.js";
import { resolvePolicy } from "../../src/query/resolve-policy.js";
import { systemFromDeviceTree } from "../../src/system/device-tree-system.js";
import { loadSystemText } from "../../src/system/load-system.js";
import { compilePolicy } from "./flask-tools.js";

/**
 * Lints a whole example system (YAML, or DTS when it starts with `/dts-v1/`) with one rule, under
 * `policy`, or under the Flask policy compiled from `flask` (policy.conf's source) when it is given.
 */
export function lintExample(text: string, rule: Rule, policy?: string, flask?: string): Finding[] {
  const deviceTree = text.startsWith("/dts-v1/")
    ? systemFromDeviceTree(parseDts(text, "example.dts"))
    : undefined;
  const system = deviceTree?.system ?? loadSystemText(text, "example.yaml");
  const catalogue = loadCatalogue(system.xen);
  const model = buildModel(
    catalogue,
    system,
    flask ? resolvePolicy(catalogue, `flask:${compilePolicy(flask, 30)}`) : getPolicy(policy ?? system.xsm),
  );
  const ctx: LintContext = {
    system,
    model,
    index: new DecisionIndex(model),
    ...(deviceTree && { deviceTree }),
    secureBoot: system.build.secureBoot === true,
  };
  return runLint(ctx, [rule.id]);
}
