import { type Catalogue, type Cond, FIXED_OPERANDS, type Operation } from "../catalog/schema.js";
import { counterpart } from "./diff.js";

/**
 * Where an extracted catalogue and a reference one (the curated catalogue) disagree on the XSM part of
 * an operation: which hooks it calls, with which action and operands, on which arch.
 * Gates that are not XSM checks (argument validation, guest-type tests, `runtime:` conditions) are
 * outside what the extractor derives, so they are not compared.
 */
export interface XsmDifference {
  readonly op: string;
  /** `missing`: only in the reference; `extra`: only extracted; `checks`: both, different checks */
  readonly kind: "missing" | "extra" | "checks";
  /** the reference's checks, one `arch:hook(ACTION;param=operand)[when]` per line */
  readonly reference: readonly string[];
  readonly extracted: readonly string[];
}

const atoms = (c: Cond | undefined): string[] => {
  if (c === undefined) return [];
  if (typeof c === "string") return [c];
  if ("all" in c) return c.all.flatMap(atoms);
  return [JSON.stringify(c)];
};

/**
 * The XSM checks an operation makes on each of its arches, as comparable lines. Extra operands
 * (set_target's `e`) are named by whoever writes the catalogue, so only their being extra counts.
 * `coarse` keeps hook and action only, run-time conditioned checks included: what a variant is
 * compared on.
 */
export function xsmLines(op: Operation, arches: readonly string[] = op.arch, coarse = false): string[] {
  const out = new Set<string>();
  for (const arch of arches)
    for (const c of op.checks) {
      if (c.kind !== "xsm") continue;
      const when = atoms(c.when);
      if (when.some((a) => a.startsWith("arch.") && a !== `arch.${arch}`)) continue;
      if (coarse) {
        out.add(`${arch}:${c.hook}(${c.action})`);
        continue;
      }
      const rest = when.filter((a) => !a.startsWith("arch."));
      // a check that only holds under a run-time condition is not part of the static model
      if (rest.some((a) => a.includes("runtime:"))) continue;
      const args = Object.entries(c.args)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([p, o]) => `${p}=${FIXED_OPERANDS.has(o) ? o : "operand"}`)
        .join(",");
      out.add(`${arch}:${c.hook}(${c.action};${args})${rest.length ? `[${rest.join("&")}]` : ""}`);
    }
  return [...out].sort();
}

/**
 * Compares every operation of the reference with its extracted counterpart: the same id, or for a
 * variant the operation it refines (`memory_op/add_to_physmap/dev_mmio` -> `memory_op/add_to_physmap`).
 */
export function xsmAgreement(reference: Catalogue, extracted: Catalogue): XsmDifference[] {
  const byId = new Map(extracted.operations.map((o) => [o.id, o]));
  const refIds = reference.operations.map((o) => o.id);
  const out: XsmDifference[] = [];
  for (const op of reference.operations) {
    const same = byId.get(op.id);
    const other = counterpart(op.id, byId);
    if (!other) {
      // one operation in the reference, one per sub-op extracted (mmuext_op): their checks together
      const parts = extracted.operations.filter((o) => o.id.startsWith(`${op.id}/`));
      const a = xsmLines(op);
      const b = [...new Set(parts.flatMap((o) => xsmLines(o)))].sort();
      if (parts.length === 0) out.push({ op: op.id, kind: "missing", reference: a, extracted: [] });
      else if (a.join("\n") !== b.join("\n"))
        out.push({ op: op.id, kind: "checks", reference: a, extracted: b });
      continue;
    }
    if (same) {
      // `hvm_op/set_param` on x86 and its variant `hvm_op/set_param/arm`: each is compared on its arches
      const byVariants = reference.operations.some(
        (v) => v.id.startsWith(`${op.id}/`) && v.arch.some((a) => !op.arch.includes(a)),
      );
      const a = xsmLines(op);
      const b = xsmLines(other, byVariants ? op.arch.filter((x) => other.arch.includes(x)) : other.arch);
      if (a.join("\n") !== b.join("\n")) out.push({ op: op.id, kind: "checks", reference: a, extracted: b });
      continue;
    }
    // a variant (one value of an argument) makes some of the checks its operation makes, on its arches
    const a = xsmLines(op, op.arch, true);
    const b = xsmLines(other, op.arch, true);
    if (!a.every((l) => b.includes(l))) out.push({ op: op.id, kind: "checks", reference: a, extracted: b });
  }
  for (const op of extracted.operations)
    if (!refIds.some((id) => id === op.id || id.startsWith(`${op.id}/`) || op.id.startsWith(`${id}/`)))
      out.push({ op: op.id, kind: "extra", reference: [], extracted: xsmLines(op) });
  return out;
}
