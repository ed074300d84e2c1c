import { z } from "zod";
import { ARCHES, BOOT_PHASES } from "../model/build.js";
import { BUILT_BY, CAPABILITY_NAMES, GUEST_TYPES } from "../model/domain.js";

/** One domain as users write it. */
export const DomainEntrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "names are letters, digits, `_`, `.` and `-`"),
  domid: z.number().int().min(0).max(0x7fef),
  caps: z.array(z.enum(CAPABILITY_NAMES)).optional(),
  type: z.enum(GUEST_TYPES).optional(),
  built: z.enum(BUILT_BY).optional(),
  console: z.boolean().optional(),
  /** the domain this one serves as device model: a name or a domid */
  target: z.union([z.string(), z.number().int()]).optional(),
  /** its Flask label: `user:role:type[:range]` as xl's `seclabel`, or a type; unset: Xen's default */
  label: z
    .string()
    .regex(/^[A-Za-z0-9_.]+(:[A-Za-z0-9_.,-]+){0,4}$/, "a label is `user:role:type[:range]` or a type")
    .optional(),
  description: z.string().optional(),
});

export const BuildEntrySchema = z.strictObject({
  verbose_debug: z.boolean().default(false),
  late_hwdom: z.boolean().default(false),
  pv_shim_exclusive: z.boolean().default(false),
  phase: z.enum(BOOT_PHASES).default("running"),
  disabled: z.array(z.string().regex(/^CONFIG_[A-Z0-9_]+$/)).default([]),
  secure_boot: z.boolean().default(false),
  /** the platform's DMA-capable devices are behind an IOMMU Xen uses; absent when not known */
  iommu: z.boolean().optional(),
});

/** A system description file (YAML or JSON). The vocabulary is stable: users' files must keep working. */
export const SystemFileSchema = z.strictObject({
  $schema: z.string().optional(),
  xen: z.string().default("4.22.0"),
  arch: z.enum(ARCHES).default("x86"),
  xsm: z.string().default("dummy"),
  build: BuildEntrySchema.prefault({}),
  description: z.string().optional(),
  domains: z.array(DomainEntrySchema).min(1, "a system needs at least one domain"),
});

export type SystemFile = z.infer<typeof SystemFileSchema>;
export type DomainEntry = z.infer<typeof DomainEntrySchema>;
