import assert from "node:assert/strict";
import { test } from "node:test";
import { applySbatPolicy } from "./apply-sbat-policy.js";
import { parseSbat } from "./parse-sbat.js";
import { SBAT_VAR_ORIGINAL } from "./sbat-level.js";

const AUTOMATIC = "sbat,1,2024040900\nshim,4\ngrub,4\ngrub.peimage,2\n";
const LATEST = "sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n";
const base = { automatic: AUTOMATIC, latest: LATEST };
const NV_BS = 3;

test("no SbatPolicy: automatic under Secure Boot, the original level without", () => {
  assert.deepEqual(applySbatPolicy({ ...base, secureBoot: true }), {
    candidate: "automatic",
    action: "written",
    level: AUTOMATIC,
    messages: [],
  });
  const off = applySbatPolicy({ ...base, secureBoot: false, current: { text: LATEST, attributes: NV_BS } });
  assert.deepEqual([off.candidate, off.action, off.level], ["original", "written", SBAT_VAR_ORIGINAL]);
});

test("latest and automatic policies; a newer current level is kept", () => {
  const up = applySbatPolicy({
    ...base,
    policy: 1,
    secureBoot: true,
    current: { text: AUTOMATIC, attributes: NV_BS },
  });
  assert.deepEqual([up.candidate, up.action, up.level], ["latest", "written", LATEST]);
  const down = applySbatPolicy({
    ...base,
    policy: 2,
    secureBoot: true,
    current: { text: LATEST, attributes: NV_BS },
  });
  assert.deepEqual([down.candidate, down.action, down.level], ["automatic", "kept", LATEST]);
});

test("a current value with other attributes, or not starting with sbat, is rewritten", () => {
  const rt = applySbatPolicy({
    ...base,
    policy: 2,
    secureBoot: true,
    current: { text: LATEST, attributes: 7 },
  });
  assert.equal(rt.action, "written");
  const junk = applySbatPolicy({
    ...base,
    policy: 2,
    secureBoot: true,
    current: { text: "junk,1,2099010100\n", attributes: NV_BS },
  });
  assert.equal(junk.action, "written");
});

test("a level that would revoke the running shim is not applied", () => {
  const shimSbat = parseSbat("sbat,1,S,sbat,1,u\nshim,3,UEFI shim,shim,1,u\n", "shim.sbat");
  const r = applySbatPolicy({
    ...base,
    policy: 1,
    secureBoot: true,
    current: { text: SBAT_VAR_ORIGINAL, attributes: NV_BS },
    shimSbat,
  });
  assert.deepEqual(
    [r.action, r.level, r.messages],
    ["kept", SBAT_VAR_ORIGINAL, ["New SbatLevel would self-revoke current shim. Not applied"]],
  );
});

test("an invalid policy value falls back like no policy, with a message", () => {
  const r = applySbatPolicy({ ...base, policy: 9, secureBoot: true });
  assert.deepEqual([r.candidate, r.messages], ["automatic", ["SBAT policy state 9 is invalid"]]);
});
