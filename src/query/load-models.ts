import { join } from "node:path";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { readXenConfig } from "../cmdline/xen-config.js";
import { atSpan } from "../core/at-span.js";
import { packageRoot } from "../core/package-root.js";
import type { System } from "../model/system.js";
import type { PolicyModule } from "../policy/types.js";
import type { DeviceTreeSystemOptions } from "../system/device-tree-system.js";
import { loadSystemFile } from "../system/load-system.js";
import { buildModel, type Model } from "./model.js";
import { resolvePolicy } from "./resolve-policy.js";

/** How to read a system file: its path, the hyperlaunch design, the build's `.config`. */
export interface SystemOptions {
  /** YAML, JSON or an Arm device tree; default: the built-in example (`builtinSystemPath()`) */
  readonly system?: string | undefined;
  /** build a device tree's domains as the hyperlaunch design describes */
  readonly hyperlaunch?: boolean | undefined;
  /** the Xen build's `.config` */
  readonly kconfig?: string | undefined;
}

/** What a query runs on: a system, a policy name (default: the system's `xsm`), a catalogue (default: the system's `xen`). */
export interface ModelOptions extends SystemOptions {
  readonly policy?: string | undefined;
  /** a shipped Xen version or a catalogue path */
  readonly xen?: string | undefined;
}

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

/** Reads the system file of `opts` (default: the built-in example). */
export function loadSystem(opts: SystemOptions = {}): System {
  return loadSystemFile(opts.system ?? builtinSystemPath(), systemOptions(opts));
}

/** Loads the system and its catalogue once, and builds one model per policy name (none: the system's `xsm`). */
export function loadModels(opts: ModelOptions, policies: readonly (string | undefined)[]): Model[] {
  return modelsOf(loadSystem(opts), opts.xen, policies);
}

/** The model of `opts`: its system, catalogue and policy. */
export function loadModel(opts: ModelOptions = {}): Model {
  return loadModels(opts, [opts.policy])[0] as Model;
}

/** One model of a loaded system per policy name (`resolvePolicy`; none: the system's `xsm`). */
export function modelsOf(
  system: System,
  xen: string | undefined,
  policies: readonly (string | undefined)[],
): Model[] {
  const catalogue = xen
    ? loadCatalogue(xen)
    : atSpan(
        () => system.valueSpans?.xen,
        () => loadCatalogue(system.xen),
      );
  return policies.map((p) =>
    buildModel(catalogue, system, p ? resolvePolicy(catalogue, p) : systemPolicy(catalogue, system)),
  );
}

/** The policy a system's `xsm` names; an unknown one is reported where the file names it. */
export function systemPolicy(catalogue: Catalogue, system: System): PolicyModule {
  return atSpan(
    () => system.valueSpans?.xsm,
    () => resolvePolicy(catalogue, system.xsm),
  );
}
