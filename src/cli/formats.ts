/** The output formats of the query commands, and of `lint` with its `--fail-on` levels. */
export const FORMATS = ["table", "json", "md", "csv"] as const;
export type Format = (typeof FORMATS)[number];

export const LINT_FORMATS = ["text", "json", "sarif"] as const;
export const FAIL_ON = ["error", "warning", "note", "never"] as const;

/**
 * What `cmdline --fail-on` gates a boot entry on: an option lockdown drops (or applies in part);
 * also any option from a source lockdown does not trust (what another model or safe list could
 * drop); or also any warning.
 */
export const CMDLINE_FAIL_ON = ["dropped", "untrusted", "warning"] as const;

/** What `privcmd export` writes: a PFC-like listing, a C header for a kernel filter, or JSON. */
export const EXPORT_FORMATS = ["pfc", "c", "json"] as const;
