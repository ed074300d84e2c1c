/** Guest type: `is_pv_domain`, PVH (`is_hvm_domain` without emulated devices), HVM. */
export const GUEST_TYPES = ["pv", "pvh", "hvm"] as const;
export type GuestType = (typeof GUEST_TYPES)[number];

/** How a domain came to exist; it decides which role bits Xen gives it (reference §2.3). */
export const BUILT_BY = ["dom0", "dom0less", "toolstack", "late-hwdom", "system"] as const;
export type BuiltBy = (typeof BUILT_BY)[number];

/** Xen's system domains (xen/include/public/xen.h DOMID_*). */
export const SYSTEM_DOMAINS = { idle: 0x7fff, dom_xen: 0x7ff2, dom_io: 0x7ff1 } as const;
export type SystemDomainName = keyof typeof SYSTEM_DOMAINS;
export const DOMID_FIRST_RESERVED = 0x7ff0;

/** Role bits. `deviceModel` and `notHypercallTarget` exist only in the HW_PRIV proposals. */
export interface Capabilities {
  /** `is_privileged` (CDF_privileged, dom0less CAPS_CONTROL). */
  readonly control: boolean;
  /** the domain `hardware_domain` points to (CDF_hardware, CAPS_HARDWARE). */
  readonly hardware: boolean;
  /** `XEN_DOMCTL_CDF_xs_domain` (CAPS_XENSTORE). */
  readonly xenstore: boolean;
  /** proposed `XEN_DOMCTL_CDF_device_model` (June 2025 3/4, v2 03/17). */
  readonly deviceModel: boolean;
  /** proposed `XEN_DOMCTL_CDF_not_hypercall_target` (v2 04/17). */
  readonly notHypercallTarget: boolean;
}

export const CAPABILITY_NAMES = [
  "control",
  "hardware",
  "xenstore",
  "device-model",
  "not-hypercall-target",
] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** The field of `Capabilities` each name sets. */
export const CAPABILITY_FIELD: Readonly<Record<CapabilityName, keyof Capabilities>> = {
  control: "control",
  hardware: "hardware",
  xenstore: "xenstore",
  "device-model": "deviceModel",
  "not-hypercall-target": "notHypercallTarget",
};

/** The names of the capabilities a domain has, as a system file writes them. */
export const capabilityNames = (caps: Capabilities): CapabilityName[] =>
  CAPABILITY_NAMES.filter((c) => caps[CAPABILITY_FIELD[c]]);

export interface Domain {
  readonly domid: number;
  readonly name: string;
  readonly caps: Capabilities;
  /** `d->is_console`: may use the console_io hypercall. */
  readonly isConsole: boolean;
  /** domid of the one domain this one serves as device model (`d->target`), or null. */
  readonly target: number | null;
  readonly type: GuestType;
  readonly builtBy: BuiltBy;
  /** set for idle, dom_xen and dom_io. */
  readonly system?: SystemDomainName;
  /** the Flask label the toolstack or the boot gives it (`system_u:system_r:domU_t`, or a type); unset: Xen's default */
  readonly label?: string;
}

export const NO_CAPS: Capabilities = {
  control: false,
  hardware: false,
  xenstore: false,
  deviceModel: false,
  notHypercallTarget: false,
};

/** True for DOMID_IDLE, DOMID_XEN, DOMID_IO (`is_system_domain`, sched.h:722-728). */
export function isSystemDomain(d: Domain): boolean {
  return d.domid >= DOMID_FIRST_RESERVED;
}

/** `is_hvm_domain`: true for HVM and PVH guests. */
export function isHvm(d: Domain): boolean {
  return d.type !== "pv";
}

/** Fields accepted by {@link makeDomain}; everything but domid and name has a default. */
export interface DomainInit {
  readonly domid: number;
  readonly name?: string;
  readonly caps?: Partial<Capabilities>;
  readonly isConsole?: boolean;
  readonly target?: number | null;
  readonly type?: GuestType;
  readonly builtBy?: BuiltBy;
  readonly system?: SystemDomainName;
  readonly label?: string;
}

/** Builds a domain with defaults: no capabilities, no target, PVH, toolstack-created. */
export function makeDomain(init: DomainInit): Domain {
  return {
    domid: init.domid,
    name: init.name ?? `d${init.domid}`,
    caps: { ...NO_CAPS, ...init.caps },
    isConsole: init.isConsole ?? false,
    target: init.target ?? null,
    type: init.type ?? "pvh",
    builtBy: init.builtBy ?? (init.system ? "system" : "toolstack"),
    ...(init.system && { system: init.system }),
    ...(init.label !== undefined && { label: init.label }),
  };
}

/** The system domains as Xen creates them: no role bits (domain.c:1135-1176 at 4.22.0). */
export function systemDomain(name: SystemDomainName): Domain {
  return makeDomain({
    domid: SYSTEM_DOMAINS[name],
    name,
    system: name,
    type: "pv",
    caps: name === "idle" ? { control: true } : {},
  });
}
