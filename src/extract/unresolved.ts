/** A place where the extractor could not decide and says so instead of guessing. */
export interface Unresolved {
  /** `path:line` in the Xen tree */
  readonly ref: string;
  /** what was being extracted, e.g. `hook xsm_foo` or `domctl/pausedomain` */
  readonly what: string;
  /** why it could not be decided, e.g. `indirect call through ops->fn` */
  readonly reason: string;
}
