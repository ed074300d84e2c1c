import type { Catalogue, FlaskHooks } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { FlaskHook } from "../flask/hook-checks.js";
import { readPolicy } from "../flask/read-policy.js";
import { createFlaskPolicy } from "../policy/flask.js";
import type { PolicyModule } from "../policy/types.js";

/**
 * The Flask module named `name` for a catalogue, from a compiled policy's bytes and what each hook checks
 * (catalog/load-flask-hooks.ts), with `booleans` set other than the policy's defaults. Pure: the report's page rebuilds a Flask model with it from the bytes the
 * page carries (`ReportData.flask`).
 */
export function flaskModule(
  catalogue: Catalogue,
  name: string,
  bytes: Uint8Array,
  file: string,
  hooks: FlaskHooks | undefined,
  booleans: Readonly<Record<string, boolean>> = {},
): PolicyModule {
  if (!hooks)
    return fail(
      error(
        "policy/no-flask-hooks",
        `the Xen ${catalogue.meta.xen} catalogue (${catalogue.meta.origin}) does not say what the Flask hooks check`,
        undefined,
        "use a catalogue that has them (`--xen 4.22.0`)",
      ),
    );
  return createFlaskPolicy({
    name,
    policy: readPolicy(bytes, file),
    bytes,
    hooks: hooks.hooks as readonly FlaskHook[],
    flaskHooks: hooks,
    hooksSource: hooks.source,
    hookParams: Object.fromEntries(catalogue.hooks.map((h) => [h.name, h.params])),
    booleans,
  });
}
