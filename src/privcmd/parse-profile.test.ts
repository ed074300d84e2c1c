import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { CATALOGUE, LINUX } from "../../test/support/privcmd-facts.js";
import { InputError } from "../core/errors.js";
import { formatSpan } from "../core/span.js";
import { evaluateCall } from "./evaluate-call.js";
import { parseProfile } from "./parse-profile.js";

const F = "test/fixtures/privcmd";
const load = (name: string) =>
  parseProfile(readFileSync(`${F}/${name}`, "utf8"), `${F}/${name}`, CATALOGUE, LINUX);
/** The diagnostics a bad profile gives, as `line:column code help`. */
const problems = (name: string) => {
  try {
    load(name);
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.diagnostics.map((d) =>
      `${d.span ? formatSpan(d.span).replace(`${F}/${name}:`, "") : "-"} ${d.code} ${d.help ?? ""}`.trim(),
    );
  }
  assert.fail("no error");
};

describe("user profiles", () => {
  test("rules apply in order, the first match wins, then the default", () => {
    const p = load("toolstack-only.yaml");
    const v = (call: Parameters<typeof evaluateCall>[0]) => {
      const d = evaluateCall(call, { domain: "dom0" }, p, { linux: LINUX });
      return d.allowed ? "allowed" : d.errno;
    };
    assert.equal(v({ ioctl: "HYPERCALL", hypercall: "domctl", subop: "pausedomain" }), "allowed");
    assert.equal(v({ ioctl: "HYPERCALL", hypercall: "domctl", subop: "set_address_size" }), "EPERM");
    assert.equal(v({ ioctl: "HYPERCALL", hypercall: "sysctl", subop: "physinfo" }), "ENOSYS");
    assert.equal(v({ ioctl: "DM_OP", dom: 3 }), "allowed");
    assert.equal(v({ ioctl: "RESTRICT", dom: 3 }), "allowed");
    const d = evaluateCall(
      { ioctl: "HYPERCALL", hypercall: "sysctl", subop: "physinfo" },
      { domain: "dom0" },
      p,
      { linux: LINUX },
    );
    assert.ok(d.steps.some((s) => s.what === `rule at ${F}/toolstack-only.yaml:9:5: deny`));
  });

  test("misspelt names are errors at their line and column, with suggestions", () => {
    assert.deepEqual(problems("misspelt-names.yaml"), [
      "4:14 privcmd-profile/unknown-sub-op did you mean `pausedomain`?",
      "6:16 privcmd-profile/unknown-hypercall did you mean `sysctl`?",
      "8:12 privcmd-profile/unknown-ioctl did you mean `DM_OP`?",
      "10:12 privcmd-profile/unknown-errno did you mean `EPERM`?",
    ]);
  });

  test("an unknown key and a YAML syntax error are reported where they are", () => {
    // the rule lacks `action` (it is misspelt), and has a key no rule has
    assert.deepEqual(problems("unknown-key.yaml"), [
      "3:5 privcmd-profile/invalid",
      "4:5 privcmd-profile/unknown-key did you mean `action`?",
    ]);
    assert.throws(() => parseProfile("profile: [", "x.yaml", CATALOGUE, LINUX), InputError);
  });
});
