import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { Decision } from "../model/decision.js";
import type { Domain } from "../model/domain.js";
import { evaluate } from "./evaluate.js";
import { type Model, resolveDomain, resolveOp } from "./model.js";

/** A decision with the operation's one-line summary. */
export type CheckResult = Decision & { readonly summary: string };

export interface CheckOptions {
  /** the target domain (name or domid), for an operation that acts on one */
  readonly target?: string | undefined;
  /** extra operands, `name=domain` each (`--with`) */
  readonly with?: readonly string[];
}

/**
 * May `src` perform `opRef` (on `o.target`)? The decision with every check behind it. Names that
 * do not resolve, a missing or unexpected target and a bad operand are `InputError`s.
 */
export function check(model: Model, src: string, opRef: string, o: CheckOptions = {}): CheckResult {
  const op = resolveOp(model, opRef);
  const caller = resolveDomain(model, src);
  let target: Domain | null = null;
  if (op.target.kind === "domain") {
    if (o.target === undefined)
      fail(
        error(
          "query/missing-target",
          `\`${op.id}\` acts on a domain: give a target`,
          undefined,
          `e.g. \`xenpriv check ${src} ${op.id} ${caller.name}\``,
        ),
      );
    target = resolveDomain(model, o.target);
  } else if (o.target !== undefined) {
    fail(
      error(
        "query/unexpected-target",
        `\`${op.id}\` takes no target domain, got \`${o.target}\``,
        undefined,
        "drop the target",
      ),
    );
  }
  const operands: Record<string, Domain> = {};
  for (const b of o.with ?? []) {
    const [name, value] = b.split("=");
    if (!name || !value || !(name in op.operands))
      fail(
        error(
          "query/bad-operand",
          `bad \`--with ${b}\``,
          undefined,
          Object.keys(op.operands).length
            ? `\`${op.id}\` takes ${Object.keys(op.operands)
                .map((n) => `\`${n}=<domain>\``)
                .join(", ")}`
            : `\`${op.id}\` has no extra operands`,
        ),
      );
    operands[name] = resolveDomain(model, value);
  }
  return { ...evaluate(model, op, caller, target, operands), summary: op.summary };
}
