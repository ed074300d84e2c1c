import { z } from "zod";

/**
 * A condition under which the XenServer filter lets an allowed sub-op through, in a fixed
 * vocabulary the emulator evaluates; each carries the line that checks it.
 */
export const ConditionSchema = z.discriminatedUnion("kind", [
  /** the target domain is not domain 0 (`set_address_size`, `hypercall_init`) */
  z.strictObject({
    kind: z.literal("target-not-dom0"),
    errno: z.string(),
    ref: z.string(),
    detail: z.string().optional(),
  }),
  /** a numeric field of the argument must be 0 (`createdomain`: `altp2m_opts`) */
  z.strictObject({
    kind: z.literal("field-zero"),
    field: z.string(),
    errno: z.string(),
    ref: z.string(),
    detail: z.string().optional(),
  }),
  /** only these inner sub-ops (numa_op GET_NODE_PAGES, livepatch UPLOAD/GET/ACTION/LIST, mmuext PIN_L*) */
  z
    .strictObject({
      kind: z.literal("inner-subops"),
      field: z.string(),
      allowed: z.array(z.string()),
      /** the constant the filter compares the field with, for each of `allowed` (an exported C filter uses them) */
      constants: z.array(z.string()),
      errno: z.string(),
      ref: z.string(),
      detail: z.string().optional(),
    })
    .refine((c) => c.constants.length === c.allowed.length, {
      message: "constants must name one constant for each allowed inner sub-op",
      path: ["constants"],
    }),
  /**
   * segment 0 must carry a valid PE signature (`kexec_load`). What an image without one gets depends
   * on the kernel's build: with `config`, the verifier's error (`errno`, for an unsigned image); without
   * it, `withoutConfig` for every image
   */
  z.strictObject({
    kind: z.literal("signed-image"),
    config: z.string(),
    errno: z.string(),
    ref: z.string(),
    withoutConfig: z.strictObject({ errno: z.string(), ref: z.string() }),
    detail: z.string().optional(),
  }),
  /** only PCI devices (`assign_device`, `deassign_device`) */
  z.strictObject({
    kind: z.literal("pci-device"),
    errno: z.string(),
    ref: z.string(),
    detail: z.string().optional(),
  }),
  /** refused as an entry of a multicall, allowed only as a hypercall of its own (`assign_device`) */
  z.strictObject({
    kind: z.literal("not-in-multicall"),
    errno: z.string(),
    ref: z.string(),
    detail: z.string().optional(),
  }),
  /** anything else the filter checks, in words (shown, not evaluated) */
  z.strictObject({ kind: z.literal("other"), what: z.string(), ref: z.string() }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

export const AllowedSubopSchema = z.strictObject({
  /** the sub-op's name as in the hypercall catalogue (`createdomain`) */
  subop: z.string(),
  ref: z.string(),
  conditions: z.array(ConditionSchema),
  /** the filter bounces its structure into kernel memory (it holds pointers) */
  bounced: z.boolean().optional(),
  /** e.g. that the sub-op is XenServer's and not in upstream Xen's public headers */
  note: z.string().optional(),
});

export type AllowedSubop = z.infer<typeof AllowedSubopSchema>;

export const FilteredHypercallSchema = z.strictObject({
  /** the hypercall's name as in the hypercall catalogue (`domctl`) */
  hypercall: z.string(),
  ref: z.string(),
  /** the errno an unknown or unlisted sub-op gets */
  deniedErrno: z.string(),
  deniedRef: z.string(),
  /** `all`: every sub-op is allowed (no sub-op check); otherwise the list */
  allowed: z.union([z.literal("all"), z.array(AllowedSubopSchema)]),
  /** conditions on the hypercall as a whole, checked before the sub-op */
  conditions: z.array(ConditionSchema).optional(),
  /**
   * the bits of the sub-op number the filter compares (memory_op's `cmd & MEMOP_CMD_MASK`, an `(int)`
   * cast's low 32 bits), as a hexadecimal string; absent: the whole number
   */
  subopMask: z
    .strictObject({ mask: z.string().regex(/^0x[0-9a-f]+$/), what: z.string(), ref: z.string() })
    .optional(),
  /** e.g. that the sub-op is read from each entry of a batch, or that the hypercall is XenServer's */
  note: z.string().optional(),
});

export type FilteredHypercall = z.infer<typeof FilteredHypercallSchema>;

/** The XenServer / XCP-ng dom0 kernel filter (drivers/xen/filter-hypercall.c), as facts. */
export const XenServerFilterSchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("privcmd-filter-facts"),
  source: z.string(),
  commit: z.string(),
  file: z.string(),
  abiVersion: z.string(),
  /** when privcmd runs the filter at all (XenServer's privcmd: only when the kernel is locked down) */
  appliesWhen: z
    .strictObject({
      lockdownReason: z.string(),
      what: z.string(),
      file: z.string(),
      ref: z.string(),
      /** why `ref` could not be read against source, when it could not: every output then says so */
      unverified: z.string().optional(),
    })
    .optional(),
  /** a hypercall not in the list */
  unknownHypercall: z.strictObject({ errno: z.string(), ref: z.string() }),
  multicall: z.strictObject({
    /** how deep multicalls may nest: 1 means a multicall inside a multicall is refused */
    maxDepth: z.number().int(),
    nestedErrno: z.string(),
    ref: z.string(),
  }),
  hypercalls: z.array(FilteredHypercallSchema),
  /** other facts worth showing (bounce-buffer limits, the ABI version), each with its line */
  notes: z.array(z.strictObject({ what: z.string(), ref: z.string() })),
});
export type XenServerFilter = z.infer<typeof XenServerFilterSchema>;

/** One privcmd ioctl (include/uapi/xen/privcmd.h) and how the kernel treats it. */
export const IoctlSchema = z.strictObject({
  /** `HYPERCALL`, `DM_OP`, `MMAPBATCH_V2` (the name without `IOCTL_PRIVCMD_`) */
  name: z.string(),
  nr: z.number().int(),
  /** `_IOC(_IOC_NONE, 'P', 0, sizeof(privcmd_hypercall_t))` */
  definition: z.string(),
  ref: z.string(),
  /** the argument structure and its fields */
  arg: z.string(),
  /** the field naming the target domain, when there is one (`dom`) */
  domField: z.string().optional(),
  /** what a restricted fd (IOCTL_PRIVCMD_RESTRICT) gets: `EPERM` always, `EPERM` when dom differs, or allowed */
  restricted: z.enum(["always-eperm", "eperm-if-other-dom", "allowed"]),
  restrictedRef: z.string(),
});

/** Linux privcmd: its ioctls, RESTRICT, and the XSA-482 domU restriction, as facts. */
export const LinuxPrivcmdSchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("privcmd-linux-facts"),
  source: z.string(),
  commit: z.string(),
  ioctls: z.array(IoctlSchema),
  restrict: z.strictObject({
    /** the initial restriction of an fd in dom0 (`DOMID_INVALID`: none) */
    initialDom0: z.string(),
    /** a second RESTRICT to another domid */
    changeErrno: z.string(),
    ref: z.string(),
  }),
  /** XSA-482: a domU's fds start restricted to its Xenstore `target`, unless `unrestricted` and not locked down */
  domU: z.strictObject({
    initial: z.string(),
    missingTarget: z.string(),
    unrestrictedParam: z.string(),
    lockdownReason: z.string(),
    refs: z.array(z.string()),
  }),
  /** DM_OP limits: buffers and their size */
  dmOp: z.strictObject({ maxBufs: z.number().int(), maxBufSize: z.number().int(), ref: z.string() }),
  /** other facts worth showing (errnos past the limits, how the refs are anchored), each with its ref */
  notes: z.array(z.strictObject({ what: z.string(), ref: z.string() })).optional(),
});
export type LinuxPrivcmd = z.infer<typeof LinuxPrivcmdSchema>;
