import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { dummy } from "./dummy.js";
import { hwPriv202506 } from "./hw-priv-2025-06.js";
import { hwPrivV1 } from "./hw-priv-v1.js";
import { hwPrivV2 } from "./hw-priv-v2.js";
import { silo } from "./silo.js";
import type { PolicyModule } from "./types.js";

const MODULES: readonly PolicyModule[] = [dummy, silo, hwPrivV1, hwPriv202506, hwPrivV2];
const BY_NAME = new Map(MODULES.map((m) => [m.name, m]));

/** Names of the registered policy modules, upstream first. */
export const POLICY_NAMES: readonly string[] = MODULES.map((m) => m.name);

/** Every registered policy module. */
export function listPolicies(): readonly PolicyModule[] {
  return MODULES;
}

/** The policy module called `name`; unknown names are bad input with suggestions. */
export function getPolicy(name: string): PolicyModule {
  const m = BY_NAME.get(name);
  if (m) return m;
  return fail(
    error(
      "policy/unknown",
      `unknown policy \`${name}\``,
      undefined,
      didYouMean(name, POLICY_NAMES) ?? `known policies: ${POLICY_NAMES.join(", ")}`,
    ),
  );
}
