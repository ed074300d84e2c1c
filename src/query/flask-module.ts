import type { Catalogue, FlaskHooks } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import type { FlaskHook } from "../flask/hook-checks.js";
import { readPolicy } from "../flask/read-policy.js";
import type { RuleOrigins } from "../flask/rule-origins.js";
import { createFlaskPolicy } from "../policy/flask.js";
import type { PolicyModule } from "../policy/types.js";

/**
 * The Flask module named `name` for a catalogue, from a compiled policy's bytes and what each hook checks
 * (catalog/load-flask-hooks.ts); `o.origins`: the lines of its sources each rule comes from when the
 * policy was built from a tree; `o.booleans`: set other than the policy's defaults. Pure: the report's
 * page rebuilds a Flask model with it from what the page carries (`ReportData.flask`,
 * `ReportData.flaskOrigins`, `ReportData.flaskBooleans`).
 */
export function flaskModule(
  catalogue: Catalogue,
  name: string,
  bytes: Uint8Array,
  file: string,
  hooks: FlaskHooks | undefined,
  o: {
    readonly origins?: RuleOrigins | undefined;
    readonly booleans?: Readonly<Record<string, boolean>> | undefined;
  } = {},
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
    ...(o.origins && { origins: o.origins }),
    booleans: o.booleans ?? {},
  });
}
