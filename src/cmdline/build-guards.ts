/**
 * Whether a registration is in a given build: the guards the option catalogue keeps for it
 * (`CONFIG_X` from a Makefile's `obj-$(CONFIG_X)` or an `#ifdef`, `!CONFIG_X` from an `#ifndef`),
 * read against the build's `.config`. Without a `.config` every registration the arch can build is
 * kept, as before.
 */

/** A build's `.config` as cmdline needs it (system/xen-config.ts reads the file). */
export interface BuildConfig {
  /** written by Kconfig, so an option it does not list is not set */
  readonly complete: boolean;
  readonly values: ReadonlyMap<string, string>;
}

/**
 * The guards of `guards` that `config` leaves unmet: an option is in the build when none is. A
 * guard the config says nothing of (a hand-written, incomplete `.config`) counts as met.
 */
export function unmetGuards(guards: readonly string[], config: BuildConfig | undefined): string[] {
  if (!config) return [];
  return guards.filter((g) => {
    const negated = g.startsWith("!");
    const name = negated ? g.slice(1) : g;
    const v = config.values.get(name);
    if (v === undefined && !config.complete) return false;
    const set = v === "y";
    return negated ? set : !set;
  });
}
