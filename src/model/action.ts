/**
 * Default actions of XSM hooks (`enum xsm_default`, xen/include/xsm/xsm.h:34-42 at
 * RELEASE-4.22.0). `HW_PRIV` exists only in the proposed variants.
 */
export const ACTIONS = ["HOOK", "DM_PRIV", "TARGET", "PRIV", "XS_PRIV", "OTHER", "HW_PRIV"] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions of upstream Xen, in enum order. */
export const UPSTREAM_ACTIONS: readonly Action[] = ["HOOK", "DM_PRIV", "TARGET", "PRIV", "XS_PRIV", "OTHER"];
