import { z } from "zod";

/** The roles a toolstack's calls are listed for: a domain's capabilities, and serving a guest as its device model. */
export const TOOLSTACK_ROLES = ["control", "hardware", "xenstore", "device-model"] as const;
export type ToolstackRole = (typeof TOOLSTACK_ROLES)[number];

/** Drivers other than privcmd that issue a hypercall for the process: not privcmd needs. */
export const KERNEL_MEDIATED = ["gntdev", "evtchn"] as const;

/** One call a role's toolstack makes, with the library function that makes it and the line naming the sub-op. */
export const ToolstackCallSchema = z.strictObject({
  /** `hypercall/subop` as the hypercall catalogue names it, the hypercall (`dm_op`), or the ioctl itself (`MMAPBATCH_V2`) */
  op: z.string(),
  /**
   * how it reaches Xen: `HYPERCALL` (IOCTL_PRIVCMD_HYPERCALL), another privcmd ioctl (`DM_OP`,
   * `MMAP_RESOURCE`, `MMAPBATCH_V2`), or a driver that issues it for the process (`gntdev`, `evtchn`)
   */
  via: z.string(),
  /** the domain it acts on: a guest the toolstack manages, the device model's own target, or none */
  target: z.enum(["guest", "dm-target", "none"]),
  issuer: z.string(),
  /** `path:line` in the tools at `tag` */
  ref: z.string(),
});
export type ToolstackCall = z.infer<typeof ToolstackCallSchema>;

/** The calls each role's toolstack is known to make (catalogues/privcmd/toolstack-calls.json). */
export const ToolstackCallsSchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("privcmd-toolstack-calls"),
  toolstack: z.string(),
  source: z.string(),
  tag: z.string(),
  commit: z.string(),
  what: z.string(),
  roles: z.strictObject(
    Object.fromEntries(TOOLSTACK_ROLES.map((r) => [r, z.array(ToolstackCallSchema)])) as Record<
      ToolstackRole,
      z.ZodArray<typeof ToolstackCallSchema>
    >,
  ),
});
export type ToolstackCalls = z.infer<typeof ToolstackCallsSchema>;
