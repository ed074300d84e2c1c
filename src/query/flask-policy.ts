import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadFlaskHooks } from "../catalog/load-flask-hooks.js";
import type { Catalogue } from "../catalog/schema.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import { buildPolicy } from "../flask/build-policy.js";
import { readPolicy } from "../flask/read-policy.js";
import { ruleOrigins } from "../flask/rule-origins.js";
import type { PolicyModule } from "../policy/types.js";
import { flaskModule } from "./flask-module.js";

/**
 * The policy `flask:<path>` names for a catalogue: a compiled policy file (`xenpolicy-4.22.0`), or a Xen
 * tree whose policy is compiled with checkpolicy first (`xenpriv flask build`). What each hook checks is
 * the catalogue's `flask` part; a catalogue without one is refused with a diagnostic. A tree's policy
 * brings the lines of its sources each rule comes from (flask/rule-origins.ts) into the explanations.
 * `booleans` are set other than the policy's defaults (`--flask-boolean`); the module's name then says so:
 * `flask:xenpolicy-4.22.0 with guest_writeconsole=false`.
 * Kept apart from `resolveBuiltinPolicy` (tree-policy.ts), which the report's page runs in the browser.
 */
export function flaskPolicy(
  catalogue: Catalogue,
  spec: string,
  booleans: Readonly<Record<string, boolean>> = {},
): PolicyModule {
  const path = spec.replace(/^flask:/, "");
  const set = Object.keys(booleans)
    .sort()
    .map((b) => `${b}=${booleans[b]}`);
  const name = `flask:${path}${set.length ? ` with ${set.join(",")}` : ""}`;
  if (!path)
    fail(error("policy/flask-path", "`flask:` needs a path: `flask:<xenpolicy file>` or `flask:<xen-tree>`"));
  const hooks = () => loadFlaskHooks(catalogue);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    const built = buildPolicy(path);
    const file = `${path}/${built.confDir}/${built.name}`;
    const origins = ruleOrigins(readPolicy(built.bytes, file), built.conf, built.confDir, (p) =>
      existsSync(join(path, p)) ? readFileSync(join(path, p), "utf8") : undefined,
    );
    return flaskModule(catalogue, name, built.bytes, file, hooks(), { origins, booleans });
  }
  const bytes = readInput(path, {
    code: "flask/unreadable",
    what: "Flask policy",
    help: "a compiled policy, e.g. xenpolicy-4.22.0 (`xenpriv flask build <xen-tree>` makes one), or a Xen tree",
  });
  return flaskModule(catalogue, name, bytes, path, hooks(), { booleans });
}
