import assert from "node:assert/strict";
import { test } from "node:test";
import { InputError } from "../core/errors.js";
import { efiSecureBoot, parseSecureBootVariable } from "./efi-secure-boot.js";

const on = (text: string) => efiSecureBoot(parseSecureBootVariable(text)).on;

test("case 16: efi_secure_boot is off only without the variable or for one byte 0 with exactly BS|RT", () => {
  assert.equal(on("absent"), false);
  assert.equal(on("6:00"), false, "Setup Mode or Secure Boot disabled");
  assert.equal(on("6:01"), true);
  assert.equal(on("7:00"), true, "NV|BS|RT: unexpected attributes, play it safe");
  assert.equal(on("2:00"), true);
  assert.equal(on("6:0000"), true, "two bytes do not fit Xen's buffer");
  assert.equal(on("6:"), true, "an empty variable is not `0`");
});

test("a malformed --secure-boot-variable is bad input", () => {
  assert.throws(() => parseSecureBootVariable("yes"), InputError);
  assert.throws(() => parseSecureBootVariable("6:1"), InputError);
});
