import assert from "node:assert/strict";
import { test } from "node:test";
import { readSerialLog } from "./support/serial-log.js";

// the shape of Xen 4.22.0's arm64 serial console (lines as it prints them)
const LOG = [
  "(XEN) Checking for initrd in /chosen",
  "(XEN) Command line: frobnicate=1 dom0_mem=banana",
  '(XEN) parameter "frobnicate" unknown!',
  '(XEN) parameter "dom0_mem" has invalid value "banana", rc=-22!',
  "(XEN) Domain heap initialised",
  "Xen 4.22.0",
  "(XEN) *** LOADING DOMAIN 0 ***",
  "(XEN) ",
  "(XEN) ****************************************",
  "(XEN) Panic on CPU 0:",
  "(XEN) Could not set up d0 guest OS (rc = -2)",
  "(XEN) ****************************************",
  "(XEN) ",
  "(XEN) Reboot in five seconds...",
].join("\r\n");

test("the command line, parse_params' warnings and the panic are read from the log", () => {
  const f = readSerialLog(LOG);
  assert.equal(f.commandLine, "frobnicate=1 dom0_mem=banana");
  assert.deepEqual(f.warnings, [
    'parameter "frobnicate" unknown!',
    'parameter "dom0_mem" has invalid value "banana", rc=-22!',
  ]);
  assert.deepEqual(f.panic, ["Could not set up d0 guest OS (rc = -2)"]);
  assert.equal(f.parsed, true);
});

test("a log cut before the heap is set up has not shown every warning", () => {
  const cut = LOG.split("\r\n").slice(0, 3).join("\n");
  const f = readSerialLog(cut);
  assert.equal(f.parsed, false);
  assert.equal(f.panic, undefined);
  assert.equal(readSerialLog("").commandLine, undefined);
  // a warning's key and value may hold quotes and tabs
  assert.deepEqual(readSerialLog('(XEN) parameter "a\t"b" has invalid value "x"y", rc=-1!').warnings, [
    'parameter "a\t"b" has invalid value "x"y", rc=-1!',
  ]);
});
