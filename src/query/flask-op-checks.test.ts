import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalogue } from "../catalog/load-catalogue.js";
import { loadFlaskHooks } from "../catalog/load-flask-hooks.js";
import { flaskChecksOf } from "./flask-op-checks.js";

const catalogue = loadCatalogue("4.22.0");
const hooks = loadFlaskHooks(catalogue);
assert.ok(hooks);
const op = (id: string) => {
  const o = catalogue.operations.find((x) => x.id === id);
  assert.ok(o, id);
  return o;
};

test("flask checks of an operation: the hook's case for the call's value, in the operation's terms", () => {
  const pause = flaskChecksOf(catalogue, hooks, op("domctl/pausedomain"));
  assert.deepEqual(
    pause?.checks.map((c) => [c.function, c.class, c.permissions, c.subject, c.object, c.permissionRef]),
    [
      [
        "flask_domctl",
        "domain",
        ["pause"],
        "current",
        "domain_target_sid(current, target)",
        "xen/xsm/flask/hooks.c:693",
      ],
    ],
  );
  assert.deepEqual(pause?.refusals, []);
  // the console's permission is chosen by the call's `cmd`; the object is Xen itself
  const write = flaskChecksOf(catalogue, hooks, op("console_io/write"));
  assert.deepEqual(
    write?.checks.map((c) => [c.class, c.permissions, c.oneOf, c.subject, c.object]),
    [["xen", ["writeconsole"], false, "current", "SECINITSID_XEN"]],
  );
  // a device model's operation on its target: the target's device-model SID (dm_op calls the hook on
  // each arch's path)
  const dm = flaskChecksOf(catalogue, hooks, op("dm_op"));
  assert.ok((dm?.checks.length ?? 0) > 0);
  for (const c of dm?.checks ?? [])
    assert.deepEqual(
      [c.class, c.permissions, c.object],
      ["hvm", ["dm"], "domain_target_sid(current, target)"],
    );
});

test("flask checks of every operation: each XSM hook call has a Flask hook that checks or refuses", () => {
  const empty = catalogue.operations.filter((o) => {
    const f = flaskChecksOf(catalogue, hooks, o);
    return o.checks.some((c) => c.kind === "xsm") && f && f.checks.length + f.refusals.length === 0;
  });
  // the sub-ops flask_xen_version returns 0 for without a check (hooks.c:1835-1839 at RELEASE-4.22.0)
  assert.deepEqual(
    empty.map((o) => o.id),
    ["xen_version/version", "xen_version/platform_parameters", "xen_version/get_features"],
  );
});
