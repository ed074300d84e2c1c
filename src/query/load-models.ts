import { join } from "node:path";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import type { Catalogue } from "../catalog/schema.js";
import { readXenConfig } from "../cmdline/xen-config.js";
import { atSpan } from "../core/at-span.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { packageRoot } from "../core/package-root.js";
import type { System } from "../model/system.js";
import type { PolicyModule } from "../policy/types.js";
import type { DeviceTreeSystemOptions } from "../system/device-tree-system.js";
import { loadSystemFile } from "../system/load-system.js";
import { buildModel, type Model } from "./model.js";
import { type PolicyOptions, resolvePolicy } from "./resolve-policy.js";

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
  /**
   * booleans of every `flask:` policy loaded (named, or the system's `xsm`) set other than the policy's
   * defaults, by name (`--flask-boolean name=value`); refused when no policy loaded is a `flask:` one
   */
  readonly flaskBooleans?: Readonly<Record<string, boolean>> | undefined;
}

/** A policy with options of its own: its name (none: the system's `xsm`) and a `flask:` policy's booleans. */
export interface PolicyChoice extends PolicyOptions {
  readonly name?: string | undefined;
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

/**
 * Loads the system and its catalogue once, and builds one model per policy (none: the system's `xsm`);
 * a policy named by a string takes `opts.flaskBooleans` when it is a `flask:` one.
 */
export function loadModels(
  opts: ModelOptions,
  policies: readonly (string | PolicyChoice | undefined)[],
): Model[] {
  const set = opts.flaskBooleans && Object.keys(opts.flaskBooleans).length ? opts.flaskBooleans : undefined;
  const system = loadSystem(opts);
  const choices = policies.map(
    (p): PolicyChoice =>
      typeof p === "object"
        ? p
        : { name: p, ...((p ?? system.xsm).startsWith("flask:") && { flaskBooleans: set }) },
  );
  const models = modelsOf(system, opts.xen, choices);
  if (set && !models.some((m) => m.policy.flask))
    fail(
      error(
        "policy/not-flask",
        `Flask booleans (\`${Object.keys(set).join("`, `")}\`) set, but no policy here is a Flask policy (${models.map((m) => `\`${m.policy.name}\``).join(", ")})`,
        undefined,
        "booleans belong to a `flask:<xenpolicy file or Xen tree>` policy (`--policy flask:...`)",
      ),
    );
  return models;
}

/** The model of `opts`: its system, catalogue and policy. */
export function loadModel(opts: ModelOptions = {}): Model {
  return loadModels(opts, [opts.policy])[0] as Model;
}

/**
 * One model of a loaded system per policy (`resolvePolicy`; none: the system's `xsm`), a choice's
 * booleans set on its `flask:` policy (any other refuses them).
 */
export function modelsOf(
  system: System,
  xen: string | undefined,
  policies: readonly (string | PolicyChoice | undefined)[],
): Model[] {
  const catalogue = xen
    ? loadCatalogue(xen)
    : atSpan(
        () => system.valueSpans?.xen,
        () => loadCatalogue(system.xen),
      );
  return policies.map((p) => {
    const c: PolicyChoice = typeof p === "object" ? p : { name: p };
    return buildModel(
      catalogue,
      system,
      c.name ? resolvePolicy(catalogue, c.name, c) : systemPolicy(catalogue, system, c),
    );
  });
}

/** The policy a system's `xsm` names; an unknown one is reported where the file names it. */
export function systemPolicy(catalogue: Catalogue, system: System, o: PolicyOptions = {}): PolicyModule {
  return atSpan(
    () => system.valueSpans?.xsm,
    () => resolvePolicy(catalogue, system.xsm, o),
  );
}
