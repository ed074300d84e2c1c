import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { PolicyModule } from "../policy/types.js";
import { flaskPolicy } from "./flask-policy.js";
import { resolveBuiltinPolicy } from "./tree-policy.js";

/** How a policy is set up beyond its name. */
export interface PolicyOptions {
  /** a `flask:` policy's booleans set other than its defaults, by name (`--flask-boolean name=value`) */
  readonly flaskBooleans?: Readonly<Record<string, boolean>> | undefined;
}

/**
 * The policy a `--policy` or `xsm:` name means, for every command and the library: `flask:<file or
 * tree>` is Flask with that compiled policy (flask-policy.ts), its booleans set as `o.flaskBooleans`
 * says; any other name is resolveBuiltinPolicy's (`tree`, a `POLICY_KINDS` kind, a module of the
 * registry), which has no booleans to set.
 */
export function resolvePolicy(catalogue: Catalogue, name: string, o: PolicyOptions = {}): PolicyModule {
  if (name.startsWith("flask:")) return flaskPolicy(catalogue, name, o.flaskBooleans);
  const set = Object.keys(o.flaskBooleans ?? {});
  if (set.length)
    fail(
      error(
        "policy/not-flask",
        `Flask booleans (\`${set.join("`, `")}\`) set for \`${name}\`, which is not a Flask policy`,
        undefined,
        "booleans belong to a `flask:<xenpolicy file or Xen tree>` policy",
      ),
    );
  return resolveBuiltinPolicy(catalogue, name);
}
