import { z } from "zod";

/**
 * Where an operation that upstream's headers lack comes from: XenServer's overlay
 * (catalogues/privcmd/xenserver-overlay.json), with what decides it in XenServer's Xen.
 */
export const OverlayMarkSchema = z.strictObject({
  /** the overlay file, relative to the package */
  source: z.string(),
  /** why the number could not be cited, when it could not */
  unverified: z.string().optional(),
  /** what decides it in XenServer's Xen, or why that is not known */
  decidedBy: z.union([
    z.strictObject({ what: z.string(), ref: z.string() }),
    z.strictObject({ unverified: z.string() }),
  ]),
  note: z.string().optional(),
});
export type OverlayMark = z.infer<typeof OverlayMarkSchema>;

/** One sub-op of a hypercall, as its public header defines it. */
export const SubopSchema = z.strictObject({
  /** the constant without its prefix, lower case: `createdomain`, `populate_physmap`, `pin_l1_table` */
  name: z.string(),
  /** `XEN_DOMCTL_createdomain` */
  constant: z.string(),
  /** absent only for an overlay sub-op whose number no readable source gives (`overlay.unverified`) */
  value: z.number().int().optional(),
  /** `path:line` of the `#define` (for an overlay sub-op without a number: the overlay's entry) */
  ref: z.string(),
  /** the arches whose public headers define it (an `#if defined(__x86_64__)` leaves out arm) */
  arch: z.array(z.enum(["x86", "arm"])),
  /** the argument structure the sub-op reads (`xen_domctl_createdomain`), when the header ties one to it */
  struct: z.string().optional(),
  /**
   * Guest handles (pointers into the caller's memory) inside that structure, by field path
   * (`u.getmemlist.buffer`), nested structures and unions included; `[]` means pointer-free.
   * Absent when the structure is not known.
   */
  handles: z.array(z.string()).optional(),
  /** `path:line` of the structure */
  structRef: z.string().optional(),
  /** the sub-op is not in upstream's headers: XenServer's overlay adds it */
  overlay: OverlayMarkSchema.optional(),
});
export type Subop = z.infer<typeof SubopSchema>;

/** One hypercall of the table, and who may call it. */
export const HypercallSchema = z.strictObject({
  /** `domctl` (the `__HYPERVISOR_` constant without its prefix) */
  name: z.string(),
  number: z.number().int(),
  /** `path:line` of `#define __HYPERVISOR_<name>` */
  ref: z.string(),
  /** which guests' hypercall tables have it (xen/include/hypercall-defs.c) */
  callers: z.strictObject({ x86pv: z.boolean(), x86hvm: z.boolean(), arm: z.boolean() }),
  /** `path:line` of its row in hypercall-defs.c (absent when it has none) */
  callersRef: z.string().optional(),
  /** where the sub-op number is: `arg0` (the first argument), `struct:cmd` (a field of the structure arg points to), or absent when there is none */
  selector: z.string().optional(),
  subops: z.array(SubopSchema),
  /** the hypercall is not in upstream's headers: XenServer's overlay adds it */
  overlay: OverlayMarkSchema.optional(),
});
export type Hypercall = z.infer<typeof HypercallSchema>;

/** Every hypercall and sub-op of one Xen tree (scripts/extract-privcmd-ops.ts). */
export const HypercallCatalogueSchema = z.strictObject({
  $schema: z.string().optional(),
  kind: z.literal("privcmd-hypercalls"),
  xen: z.string(),
  commit: z.string(),
  hypercalls: z.array(HypercallSchema),
});
export type HypercallCatalogue = z.infer<typeof HypercallCatalogueSchema>;

/** A sub-op's number, where the caller needs one: an overlay sub-op without a number is a bug there. */
export function numberOf(s: Subop): number {
  if (s.value === undefined) throw new Error(`${s.constant} has no number (${s.overlay?.unverified ?? "?"})`);
  return s.value;
}
