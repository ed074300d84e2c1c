import type { Catalogue, Hook, LookupInfo, Operation } from "../catalog/schema.js";
import { atSpan } from "../core/at-span.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { type Domain, SYSTEM_DOMAINS, type SystemDomainName, systemDomain } from "../model/domain.js";
import type { System } from "../model/system.js";
import type { PolicyModule } from "../policy/types.js";

/** Everything a query reads, indexed once. Queries never re-read files. */
export interface Model {
  readonly catalogue: Catalogue;
  readonly system: System;
  readonly policy: PolicyModule;
  /** operations present on this arch and not compiled out, in catalogue order */
  readonly ops: readonly Operation[];
  readonly opsById: ReadonlyMap<string, Operation>;
  /** every catalogued operation, including those absent from this build */
  readonly allOpsById: ReadonlyMap<string, Operation>;
  readonly hooks: ReadonlyMap<string, Hook>;
  readonly lookups: ReadonlyMap<string, LookupInfo>;
  readonly domains: readonly Domain[];
  readonly systemDomains: Readonly<Record<SystemDomainName, Domain>>;
  readonly byName: ReadonlyMap<string, Domain>;
  readonly byDomid: ReadonlyMap<number, Domain>;
}

/** Whether an operation exists in this build: its arch and its Kconfig guards. */
export function opAvailable(op: Operation, system: System): boolean {
  if (!op.arch.includes(system.build.arch)) return false;
  return op.guards.every((g) => (g.startsWith("!") ? !isEnabled(g.slice(1), system) : isEnabled(g, system)));
}

function isEnabled(config: string, system: System): boolean {
  if (system.build.disabled.includes(config)) return false;
  if (config === "CONFIG_X86") return system.build.arch === "x86";
  if (config === "CONFIG_ARM") return system.build.arch === "arm";
  if (config === "CONFIG_PV_SHIM_EXCLUSIVE") return system.build.pvShimExclusive;
  if (config === "CONFIG_LATE_HWDOM") return system.build.lateHwdom;
  if (config === "CONFIG_VERBOSE_DEBUG") return system.build.verboseDebug;
  // Only CONFIG_XSM=n inlines dummy.h; every other module needs XSM=y (`config XSM`, xen/common/Kconfig:376 at 4.22.0).
  if (config === "CONFIG_XSM") return system.xsm !== "dummy";
  // x86-only at 4.22.0: PV (xen/arch/x86/Kconfig:67), ALTP2M, MEM_PAGING, MEM_SHARING
  // (xen/arch/x86/hvm/Kconfig:66, 87, 91); Arm has HVM as def_bool y (xen/arch/arm/Kconfig:166).
  if (["CONFIG_PV", "CONFIG_MEM_SHARING", "CONFIG_MEM_PAGING", "CONFIG_ALTP2M"].includes(config))
    return system.build.arch === "x86";
  return true;
}

/** Builds the frozen model for a catalogue, a system and a policy. */
export function buildModel(catalogue: Catalogue, system: System, policy: PolicyModule): Model {
  // a domain the policy cannot decide for is bad input where the system file describes it
  if (policy.checkDomain)
    for (const d of system.domains)
      atSpan(
        () => system.spans[d.name],
        () => policy.checkDomain?.(d, system.build),
      );
  const ops = catalogue.operations.filter((op) => opAvailable(op, system));
  const systemDomains = {
    idle: systemDomain("idle"),
    dom_xen: systemDomain("dom_xen"),
    dom_io: systemDomain("dom_io"),
  };
  const all = [...system.domains, ...Object.values(systemDomains)];
  return {
    catalogue,
    system,
    policy,
    ops,
    opsById: new Map(ops.map((o) => [o.id, o])),
    allOpsById: new Map(catalogue.operations.map((o) => [o.id, o])),
    hooks: new Map(catalogue.hooks.map((h) => [h.name, h])),
    lookups: new Map(catalogue.lookups.map((l) => [l.name, l])),
    domains: system.domains,
    systemDomains,
    byName: new Map(all.map((d) => [d.name, d])),
    byDomid: new Map(all.map((d) => [d.domid, d])),
  };
}

/** Finds a domain by name, domid, or system-domain name (`dom_xen`, `DOMID_IO`, ...). */
export function resolveDomain(model: Model, ref: string): Domain {
  const byName = model.byName.get(ref);
  if (byName) return byName;
  const upper = ref.toUpperCase();
  for (const [name, domid] of Object.entries(SYSTEM_DOMAINS)) {
    if (upper === `DOMID_${name.replace("dom_", "").toUpperCase()}`)
      return model.byDomid.get(domid) as Domain;
  }
  if (/^(0x[0-9a-f]+|\d+)$/i.test(ref)) {
    const d = model.byDomid.get(Number(ref));
    if (d) return d;
  }
  return fail(
    error(
      "query/unknown-domain",
      `unknown domain \`${ref}\``,
      undefined,
      didYouMean(ref, model.byName.keys()) ?? `domains: ${[...model.byName.keys()].join(", ")}`,
    ),
  );
}

/** Finds an operation by id; a bare hypercall name works when it has exactly one entry. */
export function resolveOp(model: Model, ref: string): Operation {
  const id = ref.replace(/^XEN_DOMCTL_/i, "domctl/").replace(/^(__)?HYPERVISOR_/i, "");
  const exact = model.opsById.get(id);
  if (exact) return exact;
  const absent = model.allOpsById.get(id);
  if (absent)
    return fail(
      error(
        "query/unavailable-operation",
        absent.arch.includes(model.system.build.arch)
          ? `\`${id}\` does not exist in this build (arch ${model.system.build.arch}, needs ${absent.guards.join(" ")})`
          : `\`${id}\` does not exist on ${model.system.build.arch}`,
        undefined,
        `it is available on ${absent.arch.join(", ")}`,
      ),
    );
  const family = model.ops.filter((o) => o.hypercall === id);
  if (family.length === 1) return family[0] as Operation;
  return fail(
    error(
      "query/unknown-operation",
      `unknown operation \`${ref}\``,
      undefined,
      didYouMean(id, model.opsById.keys()) ??
        (family.length
          ? `\`${id}\` has sub-ops: ${family.map((o) => o.id).join(", ")}`
          : "list operations with `xenpriv ops`"),
    ),
  );
}
