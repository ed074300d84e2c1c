import { join } from "node:path";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { packageRoot } from "../core/package-root.js";
import { getPolicy } from "../policy/registry.js";
import { buildModel, type Model } from "../query/model.js";
import { loadSystemFile } from "../system/load-system.js";

/** Options every query command takes. */
export interface CommonOptions {
  readonly system?: string;
  readonly policy?: string;
  readonly xen?: string;
  readonly format: Format;
}

export const FORMATS = ["table", "json", "md", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** The built-in example: the seed's split-dom0 scenario. */
export function builtinSystemPath(): string {
  return join(packageRoot(), "examples", "seed-hwdom-qemu.yaml");
}

/** Loads the system, its catalogue and the policy, and builds the model once. */
export function loadModel(
  opts: Pick<CommonOptions, "system" | "policy" | "xen">,
  policyOverride?: string,
): Model {
  const system = loadSystemFile(opts.system ?? builtinSystemPath());
  const catalogue = loadCatalogue(opts.xen ?? system.xen);
  return buildModel(catalogue, system, getPolicy(policyOverride ?? opts.policy ?? system.xsm));
}
