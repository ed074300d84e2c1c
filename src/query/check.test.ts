import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { check } from "./check.js";
import { loadModel } from "./load-models.js";
import { whatCan } from "./what-can.js";
import { whoCan } from "./who-can.js";

const model = loadModel();

test("check: the decision, its steps and the operation's summary; a missing target is located bad input", () => {
  const d = check(model, "hwdom", "dm_op", { target: "guest" });
  assert.equal(d.decision, "deny");
  assert.equal(d.error, "-EPERM");
  assert.ok(d.summary.length > 0);
  assert.throws(
    () => check(model, "hwdom", "dm_op"),
    (e) => e instanceof InputError && e.diagnostics[0]?.code === "query/missing-target",
  );
});

test("who-can and what-can agree with check", () => {
  const on = whoCan(model, "dm_op", { on: "guest" });
  assert.ok("decisions" in on);
  for (const d of on.decisions)
    assert.equal(d.decision, check(model, d.src, "dm_op", { target: "guest" }).decision);
  const xs = whatCan(model, "xs", { all: true });
  assert.equal(xs.cells.length, xs.total);
  assert.equal(whatCan(model, "xs").cells.length, xs.allowed);
});
