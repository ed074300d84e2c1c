import { join } from "node:path";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { atSpan } from "../core/at-span.js";
import { packageRoot } from "../core/package-root.js";
import type { System } from "../model/system.js";
import type { PolicyModule } from "../policy/types.js";
import { flaskPolicy } from "../query/flask-policy.js";
import { buildModel, type Model } from "../query/model.js";
import { resolvePolicy as resolveNamedPolicy } from "../query/tree-policy.js";
import type { DeviceTreeSystemOptions } from "../system/device-tree-system.js";
import { loadSystemFile } from "../system/load-system.js";
import { readXenConfig } from "../system/xen-config.js";
import type { Format } from "./formats.js";

/**
 * The policy a `--policy` or `xsm:` name means: `flask:<file or tree>` is Flask with that policy
 * (query/flask-policy.ts); every other name goes to query/tree-policy.ts's resolvePolicy.
 */
export function resolvePolicy(catalogue: Catalogue, name: string): PolicyModule {
  return name.startsWith("flask:") ? flaskPolicy(catalogue, name) : resolveNamedPolicy(catalogue, name);
}

/** Options every query command takes. */
export interface CommonOptions {
  readonly system?: string;
  /** build a device tree's domains as the hyperlaunch design describes */
  readonly hyperlaunch?: boolean;
  /** the Xen build's `.config` */
  readonly kconfig?: string;
  readonly policy?: string;
  readonly xen?: string;
  readonly format: Format;
}

/** The options that say how to read a system file. */
export type SystemOptions = Pick<CommonOptions, "system" | "hyperlaunch" | "kconfig">;

/** How to read the system: as the hyperlaunch design, with the build's `.config`. */
export function systemOptions(opts: SystemOptions): DeviceTreeSystemOptions {
  return {
    hyperlaunch: opts.hyperlaunch === true,
    ...(opts.kconfig && { config: readXenConfig(opts.kconfig) }),
  };
}

/** The built-in example: the seed's split-dom0 scenario. */
export function builtinSystemPath(): string {
  return join(packageRoot(), "examples", "seed-hwdom-qemu.yaml");
}

/** Loads the system and its catalogue once, and builds one model per policy (default: the system's `xsm`). */
export function loadModels(
  opts: SystemOptions & Pick<CommonOptions, "policy" | "xen">,
  policies: readonly (string | undefined)[],
): Model[] {
  const system = loadSystemFile(opts.system ?? builtinSystemPath(), systemOptions(opts));
  return modelsOf(system, opts.xen, policies);
}

/** One model of a loaded system per policy: `tree` is the catalogue's own, none the system's `xsm`. */
export function modelsOf(
  system: System,
  xen: string | undefined,
  policies: readonly (string | undefined)[],
): Model[] {
  const catalogue = xen
    ? loadCatalogue(xen)
    : atSpan(system.valueSpans?.xen, () => loadCatalogue(system.xen));
  return policies.map((p) =>
    buildModel(catalogue, system, p ? resolvePolicy(catalogue, p) : systemPolicy(catalogue, system)),
  );
}

/** The policy a system's `xsm` names; an unknown one is reported where the file names it. */
export function systemPolicy(catalogue: Catalogue, system: System): PolicyModule {
  return atSpan(system.valueSpans?.xsm, () => resolvePolicy(catalogue, system.xsm));
}

/** The model for the command's `--policy`. */
export function loadModel(opts: SystemOptions & Pick<CommonOptions, "policy" | "xen">): Model {
  return loadModels(opts, [opts.policy])[0] as Model;
}
