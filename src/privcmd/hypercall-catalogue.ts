import { z } from "zod";

/** One sub-op of a hypercall, as its public header defines it. */
export const SubopSchema = z.strictObject({
  /** the constant without its prefix, lower case: `createdomain`, `populate_physmap`, `pin_l1_table` */
  name: z.string(),
  /** `XEN_DOMCTL_createdomain` */
  constant: z.string(),
  value: z.number().int(),
  /** `path:line` of the `#define` */
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
