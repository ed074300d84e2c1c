/**
 * How the target domid is turned into a domain (reference §2.5): the catalogue's lookups
 * (schema.ts's LookupSchema), as a list the extractor's threads read without loading zod.
 */
export const LOOKUP_NAMES = [
  "rcu_lock_domain_by_id",
  "rcu_lock_domain_by_any_id",
  "rcu_lock_remote_domain_by_id",
  "rcu_lock_live_remote_domain_by_id",
  "get_domain_by_id",
  "get_pg_owner",
  "domctl",
  "current",
  /** each domain of the domain list (`for_each_domain`): absent ones are just not listed */
  "for_each_domain",
] as const;
