import type { Catalogue, Check } from "../catalog/schema.js";
import { buildModel, type Model } from "./model.js";

/** A call site whose action contradicts its hook's `XSM_ASSERT_ACTION`, as the extractor recorded it. */
export type Mismatch = NonNullable<Catalogue["extraction"]>["mismatches"][number];

/** The key of a hook call at a line: a check and a mismatch meet on it. */
export const callKey = (hook: string, ref: string): string => `${hook}@${ref}`;

/**
 * The model as Xen builds it. A call site whose action contradicts its hook's `XSM_ASSERT_ACTION`
 * decides nothing: with CONFIG_XSM=n it does not link (`LINKER_BUG_ON`), and where it builds (the
 * dummy module with CONFIG_XSM=y, or a hook that ignores the caller's action) the hook uses its own
 * action. So its check is evaluated with the hook's action; the catalogue keeps the call's literal.
 */
export function asBuilt(m: Model): Model {
  const mismatches = m.catalogue.extraction?.mismatches ?? [];
  if (mismatches.length === 0) return m;
  const own = new Map(mismatches.map((x) => [callKey(x.hook, x.callSite), x.asserted]));
  const fix = (c: Check): Check => {
    const action = c.kind === "xsm" ? own.get(callKey(c.hook, c.ref)) : undefined;
    return c.kind === "xsm" && action ? { ...c, action } : c;
  };
  const catalogue: Catalogue = {
    ...m.catalogue,
    operations: m.catalogue.operations.map((op) =>
      op.checks.some((c) => fix(c) !== c) ? { ...op, checks: op.checks.map(fix) } : op,
    ),
  };
  return buildModel(catalogue, m.system, m.policy);
}
