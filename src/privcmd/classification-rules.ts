/** The classes of reference §7: what dom0 userspace may keep under Secure Boot. */
export type PrivcmdClass = "privileged" | "control-plane" | "informational";

/** The three kinds of disagreement `classify` reports apart. */
export type DisagreementKind = "conflict" | "default" | "open";

/** A source's word on a group of operations. */
export interface Evidence {
  readonly source: string;
  readonly says: string;
  readonly ref: string;
}

/** A judgement on a group of operations, with what it rests on. */
export interface ClassRule {
  readonly hypercall: string;
  /** absent: every sub-op (and the hypercall itself when it has none) */
  readonly subops?: readonly string[];
  readonly class: PrivcmdClass;
  /** the class differs with the target: e.g. privileged when it is domain 0 */
  readonly whenDom0?: PrivcmdClass;
  /**
   * why the class is not settled: `conflict`, sources point different ways; `default`, the class is
   * xenpriv's own reading where no source judged the operation; `open`, no source classifies it at all
   */
  readonly disputed?: { readonly kind: DisagreementKind; readonly why: string };
  /**
   * the ioctl dom0 userspace reaches it through instead of IOCTL_PRIVCMD_HYPERCALL (`DM_OP`,
   * `MMAP_RESOURCE`): the kernel checks that ioctl's domain itself, so the raw hypercall's fate is no conflict
   */
  readonly via?: string;
  /** the ioctl's reference, for `via` */
  readonly viaRef?: string;
  /**
   * privileged unless the kernel checks the argument (kexec: a signed image): a filter that allows it only
   * on such checks agrees with the sources
   */
  readonly unlessChecked?: boolean;
  readonly evidence: readonly Evidence[];
}

const WG = "Xen Secure Boot working group notes (2021)";
const SUMMIT = "Xen Summit 2025 lockdown notes (msg01083)";
const ROGER = "Roger Pau Monné, xen-devel 2026-02-24 (aZ3WyMobpVj_o9IQ@macbook.local)";
export const POLICY = "docs/admin-guide/uefi-secure-boot.rst (RFC, andyhhp/xen 95948dc8)";
const FILTER = "XenServer/XCP-ng filter-hypercall.c (xcp-ng/linux 55ce250c)";
const DMOP = "docs/designs/dmop.pandoc";
export const REF7 = "reference §7";

/** What the Secure Boot policy document says of userspace hypercalls, shown beside every classification. */
export const POLICY_DOCUMENT_NOTE = {
  source: POLICY,
  says: 'classifies no hypercall: "Userspace hypercalls" is under TODO. Its principle decides the default: root in userspace is unprivileged and must not alter the enforcement policy or load unsigned code; the cover letter calls /dev/xen/privcmd "a giant priv-esc hole"',
  ref: "reference §3.6",
} as const;

/**
 * Reference §7, "Hypercalls and sub-ops", row by row: no authoritative classification exists, so
 * each judgement names its sources. The first rule that matches an operation decides. A rule names
 * the sub-ops its row names, no more: the others fall to classify's defaults (the XenServer
 * filter's verdict), so a row is never stretched over operations its sources did not judge.
 */
export const CLASS_RULES: readonly ClassRule[] = [
  {
    hypercall: "kexec_op",
    subops: ["kexec_load", "kexec_unload", "kexec_load_v1", "kexec_unload_v1"],
    class: "privileged",
    unlessChecked: true,
    evidence: [
      { source: WG, says: "loading unsigned kexec images breaks Secure Boot", ref: REF7 },
      { source: "XenServer 56cf11184e", says: "only EFI load types, signature checked", ref: REF7 },
      {
        source: "Linux LOCKDOWN_KEXEC",
        says: "kexec of unsigned images is an integrity lockdown reason",
        ref: REF7,
      },
    ],
  },
  {
    hypercall: "sysctl",
    subops: ["livepatch_op"],
    class: "privileged",
    disputed: {
      kind: "conflict",
      why: "allowed by XenServer's filter, whose Xen checks livepatch signatures; upstream Xen checks none",
    },
    evidence: [
      { source: WG, says: "livepatches change Xen's code", ref: REF7 },
      { source: "XenServer bcc9795e1a", says: "a signature is mandatory when locked down", ref: REF7 },
    ],
  },
  {
    hypercall: "platform_op",
    subops: ["microcode_update", "microcode_update2"],
    class: "privileged",
    disputed: {
      kind: "conflict",
      why: "XenServer's filter allows it; the policy cover letter names the AMD microcode signature flaw",
    },
    evidence: [
      {
        source: POLICY,
        says: "cover letter item 3: userspace can load microcode (AMD signature vulnerability)",
        ref: REF7,
      },
      { source: FILTER, says: "allowed", ref: REF7 },
    ],
  },
  {
    hypercall: "platform_op",
    subops: ["efi_runtime_call"],
    class: "privileged",
    evidence: [
      {
        source: ROGER,
        says: "dom0 reaches EFI runtime services (SetVariable) through platform ops",
        ref: REF7,
      },
      { source: FILTER, says: "denied", ref: REF7 },
    ],
  },
  ...[
    "mmu_update",
    "update_va_mapping",
    "update_va_mapping_otherdomain",
    "set_trap_table",
    "set_gdt",
    "stack_switch",
    "set_callbacks",
    "vcpu_op",
    "grant_table_op",
    "callback_op",
    "nmi_op",
    "vm_assist",
    "set_debugreg",
    "get_debugreg",
    "fpu_taskswitch",
    "set_segment_base",
    "iret",
  ].map(
    (hypercall): ClassRule => ({
      hypercall,
      class: "privileged",
      evidence: [
        {
          source: WG,
          says: '"Violations of SB include: set_trap_table, mmu_update": PV self-management can rewrite the dom0 kernel',
          ref: REF7,
        },
        { source: FILTER, says: "denied", ref: REF7 },
      ],
    }),
  ),
  {
    hypercall: "mmuext_op",
    subops: ["pin_l1_table", "pin_l2_table", "pin_l3_table", "pin_l4_table"],
    class: "control-plane",
    evidence: [
      {
        source: FILTER,
        says: "PIN_L1..L4_TABLE only (a domain builder pins a new guest's tables)",
        ref: REF7,
      },
    ],
  },
  {
    hypercall: "mmuext_op",
    class: "privileged",
    evidence: [
      { source: WG, says: "PV self-management can rewrite the dom0 kernel", ref: REF7 },
      { source: FILTER, says: "only the pins are allowed", ref: REF7 },
    ],
  },
  {
    hypercall: "physdev_op",
    subops: ["set_iopl", "set_iobitmap", "apic_write", "pci_device_add", "manage_pci_add"],
    class: "privileged",
    evidence: [
      { source: ROGER, says: "dom0 has almost all I/O ports and raw PCI config space", ref: REF7 },
      {
        source: "Linux LOCKDOWN_IOPORT, LOCKDOWN_PCI_ACCESS",
        says: "raw I/O ports and PCI access are integrity lockdown reasons",
        ref: REF7,
      },
    ],
  },
  {
    hypercall: "physdev_op",
    subops: ["map_pirq", "unmap_pirq"],
    class: "control-plane",
    evidence: [{ source: FILTER, says: "allowed (passthrough interrupts for a guest)", ref: REF7 }],
  },
  {
    hypercall: "xsm_op",
    class: "privileged",
    evidence: [
      {
        source: REF7,
        says: "loading a FLASK policy or setenforce changes the enforcement policy",
        ref: REF7,
      },
      { source: FILTER, says: "denied (XenServer uses silo mode)", ref: REF7 },
    ],
  },
  {
    hypercall: "hypfs_op",
    subops: ["write_contents"],
    class: "privileged",
    disputed: {
      kind: "open",
      why: "no source classifies hypfs writes; a runtime parameter such as crash-debug-* or ept could matter",
    },
    evidence: [{ source: FILTER, says: "denied", ref: REF7 }],
  },
  {
    hypercall: "sysctl",
    subops: ["debug_keys"],
    class: "privileged",
    disputed: { kind: "open", why: "no source classifies debug keys; XenServer's filter allows them" },
    evidence: [{ source: FILTER, says: "allowed", ref: REF7 }],
  },
  {
    hypercall: "console_io",
    class: "control-plane",
    disputed: {
      kind: "default",
      why: "reference §7 reads it as likely control-plane (it cannot reach Xen's or dom0's code); XenServer's filter denies it",
    },
    evidence: [{ source: FILTER, says: "denied", ref: REF7 }],
  },
  {
    hypercall: "domctl",
    subops: [
      "set_address_size",
      "hypercall_init",
      "setvcpucontext",
      "iomem_permission",
      "ioport_permission",
      "irq_permission",
      "memory_mapping",
      "ioport_mapping",
      "assign_device",
    ],
    class: "control-plane",
    whenDom0: "privileged",
    evidence: [
      {
        source: FILTER,
        says: "special cases: set_address_size and hypercall_init not for domain 0; unsafe devices tracked",
        ref: REF7,
      },
      {
        source: "XenServer 7c2f352c68, d0dbaba032",
        says: "privileged when the target is dom0 or a dom0-owned resource",
        ref: REF7,
      },
    ],
  },
  {
    hypercall: "domctl",
    subops: [
      "createdomain",
      "destroydomain",
      "pausedomain",
      "unpausedomain",
      "max_mem",
      "max_vcpus",
      "getdomaininfo",
      "scheduler_op",
      "setvcpuaffinity",
      "getvcpuaffinity",
      "setnodeaffinity",
      "getnodeaffinity",
      "get_cpu_policy",
      "set_cpu_policy",
      "gethvmcontext",
      "sethvmcontext",
    ],
    class: "control-plane",
    evidence: [
      {
        source: FILTER,
        says: "create, destroy, pause, memory, vCPU, scheduler and CPU-policy operations on domUs allowed",
        ref: REF7,
      },
      { source: "XSM dummy policy", says: "XSM_PRIV: the control domain's toolstack", ref: REF7 },
    ],
  },
  {
    hypercall: "sysctl",
    subops: ["readconsole"],
    class: "control-plane",
    evidence: [
      { source: FILTER, says: "allowed; reading the console is a confidentiality matter only", ref: REF7 },
    ],
  },
  {
    hypercall: "sysctl",
    subops: ["physinfo", "getdomaininfolist", "cpupool_op", "numainfo", "cputopoinfo", "pm_op", "get_pmstat"],
    class: "control-plane",
    evidence: [
      {
        source: FILTER,
        says: "physinfo, domain lists, cpupools, NUMA and topology, power management allowed",
        ref: REF7,
      },
    ],
  },
  {
    hypercall: "memory_op",
    subops: [
      "populate_physmap",
      "increase_reservation",
      "decrease_reservation",
      "claim_pages",
      "set_memory_map",
    ],
    class: "control-plane",
    evidence: [
      {
        source: FILTER,
        says: "populate, increase/decrease reservation, claim and memory maps of domUs allowed",
        ref: REF7,
      },
      { source: "XSM dummy policy", says: "XSM_TARGET on the domain the op names", ref: REF7 },
    ],
  },
  {
    hypercall: "memory_op",
    subops: ["acquire_resource"],
    class: "control-plane",
    via: "MMAP_RESOURCE",
    viaRef: "drivers/xen/privcmd.c#privcmd_ioctl_mmap_resource",
    evidence: [
      {
        source: "Linux privcmd",
        says: "IOCTL_PRIVCMD_MMAP_RESOURCE issues XENMEM_acquire_resource for the ioctl's dom, which a restricted fd must match, as DM_OP's",
        ref: "drivers/xen/privcmd.c#privcmd_ioctl_mmap_resource",
      },
      { source: "XSM dummy policy", says: "XSM_DM_PRIV (domain_resource_map)", ref: REF7 },
    ],
  },
  {
    hypercall: "dm_op",
    class: "control-plane",
    via: "DM_OP",
    viaRef: "drivers/xen/privcmd.c#privcmd_ioctl_dm_op",
    evidence: [
      {
        source: DMOP,
        says: "xen_dm_op may not contain guest handles: the kernel checks the domid and every buffer",
        ref: DMOP,
      },
      { source: "XSM dummy policy", says: "XSM_DM_PRIV", ref: REF7 },
    ],
  },
  ...(
    [
      ["event_channel_op", ["alloc_unbound", "status"]],
      ["sched_op", ["remote_shutdown", "watchdog"]],
      ["hvm_op", ["set_param", "get_param"]],
    ] as const
  ).map(
    ([hypercall, subops]): ClassRule => ({
      hypercall,
      subops,
      class: "control-plane",
      evidence: [
        {
          source: FILTER,
          says: "alloc_unbound/status, remote_shutdown/watchdog, get/set_param on a domU allowed",
          ref: REF7,
        },
      ],
    }),
  ),
  {
    hypercall: "xen_version",
    class: "informational",
    evidence: [{ source: FILTER, says: "every informational op allowed", ref: REF7 }],
  },
  {
    hypercall: "platform_op",
    subops: ["get_cpu_version", "get_ucode_revision"],
    class: "informational",
    evidence: [
      {
        source: "Xen 4.22.0",
        says: "get_cpu_version only copies a CPU's vendor, family, model and stepping to the caller",
        ref: "xen/arch/x86/platform_hypercall.c:669-703",
      },
      {
        source: "Xen 4.22.0",
        says: "get_ucode_revision only copies a CPU's microcode signature and revision to the caller",
        ref: "xen/arch/x86/platform_hypercall.c:705-731",
      },
      { source: FILTER, says: "allowed", ref: REF7 },
    ],
  },
  {
    hypercall: "platform_op",
    class: "privileged",
    evidence: [
      { source: ROGER, says: "platform ops reach EFI runtime services and firmware", ref: REF7 },
      { source: SUMMIT, says: "root in dom0 is untrusted under Secure Boot", ref: REF7 },
    ],
  },
];

/** The first rule for an operation, if any. */
export function classRule(hypercall: string, subop: string | undefined): ClassRule | undefined {
  return CLASS_RULES.find(
    (r) => r.hypercall === hypercall && (!r.subops || (subop !== undefined && r.subops.includes(subop))),
  );
}
