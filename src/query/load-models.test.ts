import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { compilePolicy } from "../../test/support/flask-tools.js";
import { thrownCode } from "../../test/support/thrown-code.js";
import { check } from "./check.js";
import { loadModel, loadModels } from "./load-models.js";
import type { Model } from "./model.js";

// The Flask engine's fixture policy (test/fixtures/flask/engine/policy.conf), compiled at test time: its
// boolean guest_console (false) guards `allow domU_t xen_t:xen writeconsole;`.
const DIR = mkdtempSync(join(tmpdir(), "xenpriv-load-models-"));
after(() => rmSync(DIR, { recursive: true, force: true }));
const POLICY = `flask:${compilePolicy(readFileSync("test/fixtures/flask/engine/policy.conf", "utf8"), 30)}`;
const SYSTEM = join(DIR, "system.yaml");
writeFileSync(
  SYSTEM,
  `xen: 4.22.0
xsm: ${POLICY}
domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: guest, domid: 1, type: hvm, label: domU_t }
`,
);
const write = (o: Parameters<typeof loadModel>[0]) =>
  check(loadModel(o), "guest", "console_io/write").decision;

test("flaskBooleans: the booleans of every flask: policy loaded, named or the system's xsm", () => {
  assert.equal(write({ system: SYSTEM }), "deny");
  assert.equal(write({ system: SYSTEM, flaskBooleans: { guest_console: true } }), "allow");
  assert.equal(write({ system: SYSTEM, policy: POLICY, flaskBooleans: { guest_console: true } }), "allow");
  const m = loadModel({ system: SYSTEM, flaskBooleans: { guest_console: true } });
  assert.equal(m.policy.name, `${POLICY} with guest_console=true`);
  assert.deepEqual(m.policy.flask?.booleans, { guest_console: true });
  // a policy that is not Flask takes none of them; when no policy loaded is Flask, they are refused
  const [dummy, flask] = loadModels({ system: SYSTEM, flaskBooleans: { guest_console: true } }, [
    "dummy",
    POLICY,
  ]);
  assert.equal(dummy?.policy.flask, undefined);
  assert.equal(flask?.policy.name, `${POLICY} with guest_console=true`);
  assert.equal(
    thrownCode(() => loadModel({ system: SYSTEM, policy: "silo", flaskBooleans: { guest_console: true } })),
    "policy/not-flask",
  );
  assert.equal(
    thrownCode(() => loadModel({ system: SYSTEM, flaskBooleans: { nope: true } })),
    "policy/flask-boolean",
  );
});

test("a policy choice sets the booleans of one side only", () => {
  const [from, to] = loadModels({ system: SYSTEM }, [
    POLICY,
    { name: POLICY, flaskBooleans: { guest_console: true } },
  ]);
  assert.equal(check(from as Model, "guest", "console_io/write").decision, "deny");
  assert.equal(check(to as Model, "guest", "console_io/write").decision, "allow");
  assert.equal(
    thrownCode(() =>
      loadModels({ system: SYSTEM }, [{ name: "dummy", flaskBooleans: { guest_console: true } }]),
    ),
    "policy/not-flask",
  );
});
