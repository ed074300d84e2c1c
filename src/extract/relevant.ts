import type { Node } from "./c-parser.js";
import { ROLE_TEST } from "./conditions.js";
import { LOOKUPS } from "./roles.js";
import type { CFunction } from "./xen-tree.js";

/** A test of who the caller is, outside XSM (`if ( current->domain == d ) return -EPERM;`). */
const ROLE_GATE =
  /\bcurrent->domain\s*==|==\s*current->domain\b|\bis_(control|hardware|xenstore)_domain\(\s*current->domain\b/;

/** `if ( is_pv_domain(d) ) return -EOPNOTSUPP;` (arch_get_paging_mempool_size()): a domain's type or role failing the call. */
const TYPE_GATE = new RegExp(
  `\\bif\\s*\\(\\s*!?\\s*(${Object.keys(ROLE_TEST).join("|")})\\([^()]*\\)\\s*\\)\\s*(/\\*[^*]*\\*/\\s*)?return\\s+-E`,
);

/**
 * A lookup written through a pointer parameter (`buf->domain = rcu_lock_domain_by_any_id(domid);`).
 * NOTE: `\b` makes each try start at a word's first character: without it a 200 KB identifier is
 * retried at each of its characters, in quadratic time.
 */
const LOOKUP_OUT = new RegExp(`\\b\\w+->\\w+\\s*=\\s*(${[...LOOKUPS].join("|")})\\s*\\(`);

/** What the search below reads of a function's body: what it calls by name, and whether it tests the caller's role itself. */
export interface CallSummary {
  /** the names called, each once, in the order of their first call */
  readonly calls: readonly string[];
  /** a role gate (ROLE_GATE), a type gate (TYPE_GATE) or a lookup through a pointer parameter (LOOKUP_OUT) */
  readonly gate: boolean;
}

/** A body's CallSummary: parse-worker.ts makes them where the file is parsed, and readXenTree keeps them. */
export function callSummary(body: Node): CallSummary {
  const calls = new Set<string>();
  for (const c of body.descendantsOfType("call_expression")) {
    const id = c?.childForFieldName("function");
    if (id?.type === "identifier") calls.add(id.text);
  }
  const text = body.text;
  return { calls: [...calls], gate: ROLE_GATE.test(text) || TYPE_GATE.test(text) || LOOKUP_OUT.test(text) };
}

/**
 * Names of the functions that reach an XSM hook or a test of the caller's role, directly or through
 * other functions: the walker only follows calls into these.
 */
export function functionsReachingHooks(
  functions: ReadonlyMap<string, readonly CFunction[]>,
  hooks: ReadonlySet<string>,
): Set<string> {
  const callers = new Map<string, Set<string>>();
  const reached = new Set<string>();
  for (const [name, defs] of functions) {
    const set = new Set<string>();
    for (const f of defs) {
      const { calls, gate } = f.summary ?? callSummary(f.body);
      if (gate) reached.add(name);
      for (const c of calls) set.add(c);
    }
    for (const c of set) {
      if (c.startsWith("xsm_") && hooks.has(c.slice(4))) reached.add(name);
      const s = callers.get(c) ?? new Set<string>();
      callers.set(c, s);
      s.add(name);
    }
  }
  const queue = [...reached];
  while (queue.length) {
    const f = queue.pop() as string;
    for (const c of callers.get(f) ?? []) {
      if (reached.has(c)) continue;
      reached.add(c);
      queue.push(c);
    }
  }
  return reached;
}
