import { lineOf, type Node } from "./c-parser.js";
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
/** Whether a text names a role test or a lookup at all: one pass each, where a search per name took three times as long. */
const ANY_ROLE_NAME = new RegExp(Object.keys(ROLE_TEST).join("|"));
const ANY_LOOKUP = new RegExp([...LOOKUPS].join("|"));

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
  /** the calls of `xsm_*` names, in order: call-sites.ts reads them without the body */
  readonly xsm: readonly XsmCall[];
}

/** A call of an `xsm_*` name: its line and its arguments' text, blanks made one space. */
export interface XsmCall {
  readonly name: string;
  readonly line: number;
  readonly args: readonly string[];
}

/**
 * Whether a text may hold a function with a gate of its own: a body that has one has it in its
 * file's text. Each pattern runs only on a text with a name it needs: the scan of every file of a
 * tree asks this of 11 MB.
 */
export const mayGate = (text: string): boolean =>
  (text.includes("current->domain") && ROLE_GATE.test(text)) ||
  (ANY_ROLE_NAME.test(text) && TYPE_GATE.test(text)) ||
  (ANY_LOOKUP.test(text) && LOOKUP_OUT.test(text));

/** A body's CallSummary: parse-worker.ts makes them where the file is parsed, and readXenTree keeps them. */
export function callSummary(body: Node): CallSummary {
  const calls = new Set<string>();
  const xsm: XsmCall[] = [];
  for (const c of body.descendantsOfType("call_expression")) {
    const id = c?.childForFieldName("function");
    if (id?.type !== "identifier") continue;
    calls.add(id.text);
    if (id.text.startsWith("xsm_"))
      xsm.push({
        name: id.text,
        line: lineOf(c as Node),
        args: (c?.childForFieldName("arguments")?.namedChildren ?? [])
          .filter((a) => a !== null && a.type !== "comment")
          .map((a) => (a?.text ?? "").replace(/\s+/g, " ")),
      });
  }
  const text = body.text;
  return { calls: [...calls], gate: mayGate(text), xsm };
}

/**
 * Names of the functions that reach an XSM hook or a test of the caller's role, directly or through
 * other functions (the walker only follows calls into these), a definition at a time: what is known
 * to reach grows as definitions come.
 */
export class ReachingHooks {
  /** the names known to reach a hook or a gate */
  readonly reached = new Set<string>();
  readonly #hooks: ReadonlySet<string>;
  readonly #callers = new Map<string, Set<string>>();
  #fresh: string[] = [];

  constructor(hooks: ReadonlySet<string>) {
    this.#hooks = hooks;
  }

  add(f: CFunction): void {
    const { calls, gate } = f.summary ?? callSummary(f.body);
    let reaches = gate;
    for (const c of calls) {
      if ((c.startsWith("xsm_") && this.#hooks.has(c.slice(4))) || this.reached.has(c)) reaches = true;
      const s = this.#callers.get(c);
      if (s) s.add(f.name);
      else this.#callers.set(c, new Set([f.name]));
    }
    if (reaches) this.#reach(f.name);
  }

  /** The names that reached since the last call. */
  fresh(): string[] {
    const out = this.#fresh;
    this.#fresh = [];
    return out;
  }

  #reach(name: string): void {
    if (this.reached.has(name)) return;
    const queue = [name];
    this.reached.add(name);
    while (queue.length) {
      const f = queue.pop() as string;
      this.#fresh.push(f);
      for (const c of this.#callers.get(f) ?? [])
        if (!this.reached.has(c)) {
          this.reached.add(c);
          queue.push(c);
        }
    }
  }
}
