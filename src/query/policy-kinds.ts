import type { Catalogue } from "../catalog/schema.js";
import type { PolicyModule } from "../policy/types.js";

/** Makes the policy `<kind>:<argument>` names (the argument is a file, for instance) for a catalogue. */
export type PolicyKind = (argument: string, catalogue: Catalogue) => PolicyModule;

/**
 * The policy kinds `resolvePolicy` knows by prefix, beside the registry's modules and `tree`.
 * NOTE: the extension point for policies that are not modules of the registry and that the report's
 * page can make too; `flask:<path>` reads files, so it is resolve-policy.ts's.
 */
export const POLICY_KINDS: Readonly<Record<string, PolicyKind>> = {};
