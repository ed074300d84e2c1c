import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { brokenRules, domain } from "../../test/support/boards.js";

const EVT = "xen/common/device-tree/static-evtchn.c";
/** One end of a static event channel, in the style of booting.txt's example. */
const end = (label: string, port: number, other: string, compatible = "xen,evtchn-v1") => `
			${label}: evtchn-${label} {
				compatible = "${compatible}";
				xen,evtchn = <${port} &${other}>;
			};`;
const pair = (a: string, b: string, aProps = "", bProps = "") =>
  brokenRules(domain("a", aProps + a, 1) + domain("b", bProps + b, 2)).map(([code, at, ref]) => [
    code,
    at,
    ref?.replace(`${EVT}:`, ""),
  ]);

describe("eventChannelRules", () => {
  test("two ends that name each other, on free ports", () => {
    assert.deepEqual(pair(end("ea", 10, "eb"), end("eb", 11, "ea")), []);
  });

  test("booting.txt's `xen,evtchn` is not what Xen looks for", () => {
    assert.deepEqual(pair(end("ea", 10, "eb", "xen,evtchn"), end("eb", 11, "ea", "xen,evtchn")), [
      ["boot/event-channel-compatible", "compatible", "45"],
      ["boot/event-channel-compatible", "compatible", "45"],
    ]);
  });

  test("an end that does not point back, or a cell short", () => {
    // eb names itself: a's end fails, and eb then binds its own port twice
    assert.deepEqual(pair(end("ea", 10, "eb"), end("eb", 11, "eb")), [
      ["boot/event-channel", "xen,evtchn", "71-75"],
      ["boot/event-channel", "xen,evtchn", "100-120"],
    ]);
    const short = `
			ea: evtchn-ea {
				compatible = "xen,evtchn-v1";
				xen,evtchn = <10>;
			};`;
    assert.deepEqual(pair(short, end("eb", 11, "ea")), [["boot/event-channel", "xen,evtchn", "23-27"]]);
  });

  test("ports: 1023 at most for ordinary domains, any below 4096 for the hardware domain; one use each", () => {
    assert.deepEqual(pair(end("ea", 1024, "eb"), end("eb", 11, "ea")), [
      ["boot/event-channel", "xen,evtchn", "100-120"],
    ]);
    assert.deepEqual(pair(end("ea", 1024, "eb"), end("eb", 11, "ea"), "capabilities = <0x2>;"), []);
    // b asks for xenstore and a is the xenstore domain: b's store channel takes port 1 first
    assert.deepEqual(
      pair(end("ea", 10, "eb"), end("eb", 1, "ea"), "capabilities = <0x4>;", 'xen,enhanced = "enabled";'),
      [["boot/event-channel", "xen,evtchn", "100-120"]],
    );
  });

  test("ends under /chosen belong to the hardware domain, and are skipped without one", () => {
    const chosen = `${end("e0", 10, "eb").replaceAll("\t\t\t", "\t\t")}${domain("b", end("eb", 11, "e0"), 1)}`;
    // b's end is still bound, and its other end's owner is domain 0 (used_by's default), which does not exist
    assert.deepEqual(brokenRules(chosen), [
      ["boot/event-channel-ignored", "compatible", `${EVT}:135-144`],
      ["boot/event-channel", "xen,evtchn", `${EVT}:91-98`],
    ]);
    const withHardware = chosen + domain("hw", "capabilities = <0x2>;", 2);
    assert.deepEqual(brokenRules(withHardware), []);
  });

  test("a build without CONFIG_STATIC_EVTCHN makes none", () => {
    const chosen = domain("a", end("ea", 10, "eb"), 1) + domain("b", end("eb", 11, "ea"), 2);
    assert.deepEqual(
      brokenRules(chosen, { config: "# CONFIG_STATIC_EVTCHN is not set\n" }).map(([code]) => code),
      ["boot/event-channel-not-built"],
    );
  });
});
