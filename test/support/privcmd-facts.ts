import type { LinuxPrivcmd, XenServerFilter } from "../../src/privcmd/filter-facts.js";
import type { HypercallCatalogue } from "../../src/privcmd/hypercall-catalogue.js";

// Small facts in the shape of the shipped ones, so these tests pin the engine, not the data.
export const LINUX: LinuxPrivcmd = {
  kind: "privcmd-linux-facts",
  source: "torvalds/linux",
  commit: "0000000000000000000000000000000000000000",
  ioctls: [
    {
      name: "HYPERCALL",
      nr: 0,
      definition: "_IOC(_IOC_NONE, 'P', 0, 48)",
      ref: "privcmd.h:1",
      arg: "privcmd_hypercall",
      restricted: "always-eperm",
      restrictedRef: "privcmd.c:10",
    },
    {
      name: "DM_OP",
      nr: 5,
      definition: "_IOC(_IOC_NONE, 'P', 5, 16)",
      ref: "privcmd.h:5",
      arg: "privcmd_dm_op",
      domField: "dom",
      restricted: "eperm-if-other-dom",
      restrictedRef: "privcmd.c:50",
    },
    {
      name: "RESTRICT",
      nr: 6,
      definition: "_IOC(_IOC_NONE, 'P', 6, 2)",
      ref: "privcmd.h:6",
      arg: "domid_t",
      restricted: "allowed",
      restrictedRef: "privcmd.c:60",
    },
  ],
  restrict: { initialDom0: "DOMID_INVALID", changeErrno: "EINVAL", ref: "privcmd.c:60" },
  domU: {
    initial: "Xenstore target",
    missingTarget: "DOMID_IDLE",
    unrestrictedParam: "unrestricted",
    lockdownReason: "LOCKDOWN_XEN_USER_ACTIONS",
    refs: ["privcmd.c:90"],
  },
  dmOp: { maxBufs: 16, maxBufSize: 4096, ref: "privcmd.c:40" },
};

export const FILTER: XenServerFilter = {
  kind: "privcmd-filter-facts",
  source: "xcp-ng/linux",
  commit: "0000000000000000000000000000000000000000",
  file: "drivers/xen/filter-hypercall.c",
  abiVersion: "0x90001",
  unknownHypercall: { errno: "ENOSYS", ref: "filter.c:1" },
  multicall: { maxDepth: 1, nestedErrno: "ELOOP", ref: "filter.c:2" },
  hypercalls: [
    {
      hypercall: "xen_version",
      ref: "filter.c:10",
      deniedErrno: "ENOSYS",
      deniedRef: "filter.c:11",
      allowed: "all",
    },
    {
      hypercall: "domctl",
      ref: "filter.c:20",
      deniedErrno: "EOPNOTSUPP",
      deniedRef: "filter.c:21",
      allowed: [
        { subop: "pausedomain", ref: "filter.c:22", conditions: [] },
        {
          subop: "createdomain",
          ref: "filter.c:23",
          conditions: [{ kind: "field-zero", field: "altp2m_opts", errno: "EPERM", ref: "filter.c:24" }],
        },
        {
          subop: "set_address_size",
          ref: "filter.c:25",
          conditions: [{ kind: "target-not-dom0", errno: "EPERM", ref: "filter.c:26" }],
        },
      ],
    },
    {
      hypercall: "sysctl",
      ref: "filter.c:30",
      deniedErrno: "ENOSYS",
      deniedRef: "filter.c:31",
      allowed: [{ subop: "physinfo", ref: "filter.c:32", conditions: [] }],
    },
  ],
  notes: [],
};

export const CATALOGUE: HypercallCatalogue = {
  kind: "privcmd-hypercalls",
  xen: "test",
  commit: "0",
  hypercalls: [
    {
      name: "xen_version",
      number: 17,
      ref: "xen.h:17",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "arg0",
      subops: [
        { name: "version", constant: "XENVER_version", value: 0, ref: "version.h:1", arch: ["x86", "arm"] },
      ],
    },
    {
      name: "multicall",
      number: 13,
      ref: "xen.h:13",
      callers: { x86pv: true, x86hvm: true, arm: true },
      subops: [],
    },
    {
      name: "domctl",
      number: 36,
      ref: "xen.h:36",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "struct:cmd",
      subops: [
        {
          name: "createdomain",
          constant: "XEN_DOMCTL_createdomain",
          value: 1,
          ref: "domctl.h:1",
          arch: ["x86", "arm"],
        },
        {
          name: "pausedomain",
          constant: "XEN_DOMCTL_pausedomain",
          value: 3,
          ref: "domctl.h:3",
          arch: ["x86", "arm"],
        },
        {
          name: "set_address_size",
          constant: "XEN_DOMCTL_set_address_size",
          value: 35,
          ref: "domctl.h:35",
          arch: ["x86"],
        },
      ],
    },
    {
      name: "sysctl",
      number: 35,
      ref: "xen.h:35",
      callers: { x86pv: true, x86hvm: true, arm: true },
      selector: "struct:cmd",
      subops: [
        {
          name: "physinfo",
          constant: "XEN_SYSCTL_physinfo",
          value: 3,
          ref: "sysctl.h:3",
          arch: ["x86", "arm"],
        },
      ],
    },
  ],
};
