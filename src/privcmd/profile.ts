import type { XenServerFilter } from "./filter-facts.js";

/** A rule of a profile written by a user (privcmd-profile.ts reads them from YAML). */
export interface ProfileRule {
  /** `HYPERCALL` rules name a hypercall and optionally sub-ops; other rules name an ioctl */
  readonly ioctl: string;
  readonly hypercall?: string;
  /** absent: every sub-op of the hypercall */
  readonly subops?: readonly string[];
  readonly action: "allow" | "deny";
  readonly errno: string;
  /** `file:line:column` of the rule, for the path of checks */
  readonly at: string;
}

/** How a profile filters the calls that reach it (the fd's restriction is checked before, by privcmd). */
export type Profile =
  /** mainline Linux privcmd in dom0: no filter */
  | { readonly kind: "none"; readonly id: string; readonly title: string }
  /** the XenServer / XCP-ng allow-list on IOCTL_PRIVCMD_HYPERCALL */
  | {
      readonly kind: "xenserver";
      readonly id: string;
      readonly title: string;
      readonly facts: XenServerFilter;
    }
  /**
   * Only operations the kernel can check generically: DM_OP and the domid-checked ioctls, and
   * hypercalls whose arguments hold no guest pointer and that are control-plane or informational
   */
  | {
      readonly kind: "pointer-free";
      readonly id: string;
      readonly title: string;
      /** `hypercall/subop` ids the raw HYPERCALL may carry */
      readonly allowed: ReadonlySet<string>;
      readonly errno: string;
    }
  /** first matching rule wins; otherwise the default */
  | {
      readonly kind: "rules";
      readonly id: string;
      readonly title: string;
      readonly rules: readonly ProfileRule[];
      readonly defaultAction: "allow" | "deny";
      readonly defaultErrno: string;
      readonly file: string;
    };
