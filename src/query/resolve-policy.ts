import type { Catalogue } from "../catalog/schema.js";
import type { PolicyModule } from "../policy/types.js";
import { flaskPolicy } from "./flask-policy.js";
import { resolveBuiltinPolicy } from "./tree-policy.js";

/**
 * The policy a `--policy` or `xsm:` name means, for every command and the library: `flask:<file or
 * tree>` is Flask with that compiled policy (flask-policy.ts); any other name is resolveBuiltinPolicy's
 * (`tree`, a `POLICY_KINDS` kind, a module of the registry).
 */
export function resolvePolicy(catalogue: Catalogue, name: string): PolicyModule {
  return name.startsWith("flask:") ? flaskPolicy(catalogue, name) : resolveBuiltinPolicy(catalogue, name);
}
