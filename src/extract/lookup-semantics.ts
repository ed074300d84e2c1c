import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LookupInfo } from "../catalog/schema.js";
import type { LookupFailure } from "./walker.js";
import { readSource, type XenTree } from "./xen-tree.js";

const SCHED_H = "xen/include/xen/sched.h";

type Semantics = Omit<LookupInfo, "name" | "ref">;

/**
 * What each lookup helper does with DOMID_SELF, the caller's own id and a missing domain,
 * read from their definitions (xen/common/domain.c, page_alloc.c at 4.19.0 .. master, unchanged;
 * reference §2.5). The extractor locates each definition in the tree for its ref.
 */
const HELPERS: Readonly<Record<string, Semantics>> = {
  rcu_lock_domain_by_id: { domidSelf: false, selfAllowed: true, missingError: "-ESRCH" },
  rcu_lock_domain_by_any_id: { domidSelf: true, selfAllowed: true, missingError: "-ESRCH" },
  rcu_lock_remote_domain_by_id: {
    domidSelf: false,
    selfAllowed: false,
    selfError: "-EPERM",
    missingError: "-ESRCH",
  },
  rcu_lock_live_remote_domain_by_id: {
    domidSelf: false,
    selfAllowed: false,
    selfError: "-EPERM",
    missingError: "-ESRCH",
  },
  get_domain_by_id: { domidSelf: false, selfAllowed: true, missingError: "-ESRCH" },
  get_pg_owner: { domidSelf: true, selfAllowed: false, selfError: "-ESRCH", missingError: "-ESRCH" },
};

/** The lookups the operations use, with refs in this tree; `domctl` is do_domctl's own. */
export function lookupsFor(
  tree: XenTree,
  used: ReadonlySet<string>,
  failures: Iterable<LookupFailure>,
): LookupInfo[] {
  const out: LookupInfo[] = [];
  for (const name of [...used].sort()) {
    if (name === "domctl") {
      const f = [...failures].find((x) => x.ref.startsWith("xen/common/domctl.c:"));
      out.push({
        name,
        ref: f?.ref ?? "xen/common/domctl.c:1",
        domidSelf: false,
        selfAllowed: true,
        missingError: (f?.error ?? "-ESRCH") as LookupInfo["missingError"],
        ...(f?.nonControlError && { nonControlError: f.nonControlError as LookupInfo["missingError"] }),
        note: f
          ? "do_domctl's own lookup: rcu_lock_domain_by_id(op->domain) and the error after it"
          : "do_domctl's failure branch was not recognised; -ESRCH assumed",
      });
      continue;
    }
    if (name === "for_each_domain") {
      const text = existsSync(join(tree.root, SCHED_H)) ? readSource(tree.root, SCHED_H) : "";
      const line = text.split("\n").findIndex((l) => /#\s*define\s+for_each_domain\(/.test(l));
      out.push({
        name,
        ref: `${SCHED_H}:${line + 1}`,
        domidSelf: false,
        selfAllowed: true,
        missingError: "filtered",
        note: "a walk of the domain list: every domain is visited, the caller too; system domains are not on it",
      });
      continue;
    }
    const s = HELPERS[name];
    const def = tree.functions.get(name)?.[0];
    if (!s || !def) continue;
    out.push({ name: name as LookupInfo["name"], ref: `${def.file}:${def.line}`, ...s });
  }
  return out;
}
