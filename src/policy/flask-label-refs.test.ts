import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { flaskLabelRefs } from "./flask-label-refs.js";

const shipped = (v: string) => JSON.parse(readFileSync(`catalogues/flask/xen-${v}.json`, "utf8")).flask.hooks;

test("flaskLabelRefs: the lines giving labels in each version's hooks.c, from its functions' lines", () => {
  // RELEASE-4.22.0: flask_domain_alloc_security at hooks.c:191, SECINITSID_DOM0 at 217 (its `if` at 214);
  // RELEASE-4.21.0: at 171, SECINITSID_DOM0 at 197; RELEASE-4.17.7: flask_set_target's
  // security_transition_sid(..., &dsec->target_sid) at hooks.c:676-678
  const r22 = flaskLabelRefs(shipped("4.22.0"));
  assert.equal(r22.dom0, "xen/xsm/flask/hooks.c:214-217");
  assert.equal(r22.idle, "xen/xsm/flask/hooks.c:254");
  assert.equal(r22.target, "xen/xsm/flask/hooks.c:652-654");
  assert.equal(flaskLabelRefs(shipped("4.21.0")).dom0, "xen/xsm/flask/hooks.c:194-197");
  assert.equal(flaskLabelRefs(shipped("4.17.7")).target, "xen/xsm/flask/hooks.c:676-678");
  // hooks that do not say where those functions are: RELEASE-4.22.0's lines
  assert.deepEqual(flaskLabelRefs([]), r22);
});
