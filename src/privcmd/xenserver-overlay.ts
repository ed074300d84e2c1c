import { z } from "zod";

/**
 * A reference into a source the overlay lists: `owner/repo@<40-hex commit>:path:line[-line]`,
 * `…:path#symbol` where no line could be read, or a posting's `message-id:<…>`.
 */
const RefSchema = z
  .string()
  .regex(
    /^([\w.-]+\/[\w.-]+@[0-9a-f]{40}:[^\s:#]+(:\d+(-\d+)?|#\w+)|message-id:<[^>\s]+>)$/,
    "a ref is owner/repo@<commit>:path:line, owner/repo@<commit>:path#symbol or message-id:<…>",
  );

const DecidedBySchema = z.union([
  /** what decides it in XenServer's Xen, at its line */
  z.strictObject({ what: z.string(), ref: RefSchema }),
  /** why that could not be read */
  z.strictObject({ unverified: z.string().min(1) }),
]);

/** One sub-op XenServer's Xen adds: its number with the line that defines it, or why none can be given. */
export const OverlaySubopSchema = z
  .strictObject({
    name: z.string(),
    constant: z.string(),
    value: z.number().int().optional(),
    ref: RefSchema.optional(),
    /** why the number cannot be cited: it is then absent, never guessed */
    unverified: z.string().min(1).optional(),
    arch: z.array(z.enum(["x86", "arm"])),
    struct: z.string().optional(),
    handles: z.array(z.string()).optional(),
    decidedBy: DecidedBySchema,
    note: z.string().optional(),
  })
  .refine(
    (s) =>
      s.unverified === undefined
        ? s.value !== undefined && s.ref !== undefined
        : s.value === undefined && s.ref === undefined,
    {
      message: "a sub-op has either a value with its ref, or `unverified` with the reason and no value",
      path: ["value"],
    },
  );
export type OverlaySubop = z.infer<typeof OverlaySubopSchema>;

/**
 * A hypercall XenServer's Xen adds (number, ref and callers given), or one of upstream's it adds
 * sub-ops to (name and sub-ops only).
 */
export const OverlayHypercallSchema = z
  .strictObject({
    name: z.string(),
    number: z.number().int().optional(),
    ref: RefSchema.optional(),
    callers: z.strictObject({ x86pv: z.boolean(), x86hvm: z.boolean(), arm: z.boolean() }).optional(),
    callersRef: RefSchema.optional(),
    /** where the sub-op number is, as in the hypercall catalogue (`struct:subop_id`: each entry's field) */
    selector: z.string().optional(),
    decidedBy: DecidedBySchema.optional(),
    note: z.string().optional(),
    subops: z.array(OverlaySubopSchema),
  })
  .refine(
    (h) =>
      [h.number, h.ref, h.callers, h.decidedBy].every((x) => x === undefined) ||
      [h.number, h.ref, h.callers, h.decidedBy].every((x) => x !== undefined),
    {
      message:
        "a new hypercall gives its number, ref, callers and decidedBy; one that extends upstream's gives none",
      path: ["number"],
    },
  );
export type OverlayHypercall = z.infer<typeof OverlayHypercallSchema>;

/** The operations XenServer's Xen has beyond upstream that XenServer's dom0 filter names. */
export const XenServerOverlaySchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("privcmd-xenserver-overlay"),
  what: z.string(),
  /** each repository (or list) the refs point into, at the commit read */
  sources: z.array(z.strictObject({ repo: z.string(), commit: z.string(), what: z.string() })),
  hypercalls: z.array(OverlayHypercallSchema),
});
export type XenServerOverlay = z.infer<typeof XenServerOverlaySchema>;
