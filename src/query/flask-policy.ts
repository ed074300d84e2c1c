import { statSync } from "node:fs";
import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { buildPolicy } from "../flask/build-policy.js";
import type { FlaskHook } from "../flask/hook-checks.js";
import { readPolicy, readPolicyFile } from "../flask/read-policy.js";
import { createFlaskPolicy } from "../policy/flask.js";
import type { PolicyModule } from "../policy/types.js";

/**
 * The policy `flask:<path>` names for a catalogue: a compiled policy file (`xenpolicy-4.22.0`), or a Xen
 * tree whose policy is compiled with checkpolicy first (`xenpriv flask build`). What each hook checks is
 * the catalogue's `flask` part; a catalogue without one is refused with a located diagnostic.
 * Kept apart from `resolvePolicy` (tree-policy.ts), which the report's page runs in the browser.
 */
export function flaskPolicy(catalogue: Catalogue, spec: string): PolicyModule {
  const path = spec.replace(/^flask:/, "");
  const name = `flask:${path}`;
  if (!path)
    fail(error("policy/flask-path", "`flask:` needs a path: `flask:<xenpolicy file>` or `flask:<xen-tree>`"));
  const hooks = catalogue.flask;
  if (!hooks)
    return fail(
      error(
        "policy/no-flask-hooks",
        `the Xen ${catalogue.meta.xen} catalogue (${catalogue.meta.origin}) does not say what the Flask hooks check`,
        undefined,
        "use a catalogue that has them (`--xen 4.22.0`)",
      ),
    );
  const policy = statSync(path, { throwIfNoEntry: false })?.isDirectory()
    ? (() => {
        const built = buildPolicy(path);
        return readPolicy(built.bytes, `${path}/tools/flask/policy/${built.name}`);
      })()
    : readPolicyFile(path);
  return createFlaskPolicy({
    name,
    policy,
    hooks: hooks.hooks as readonly FlaskHook[],
    hooksSource: hooks.source,
    hookParams: Object.fromEntries(catalogue.hooks.map((h) => [h.name, h.params])),
  });
}
