import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InputError } from "../core/errors.js";
import { configOption, disabledOptions, parseXenConfig } from "./xen-config.js";

const DOT_CONFIG = `#
# Automatically generated file; DO NOT EDIT.
# Xen/arm 4.22.0 Configuration
#
CONFIG_ARM_64=y
# CONFIG_STATIC_MEMORY is not set
CONFIG_NR_CPUS=128
CONFIG_CMDLINE="console=dtuart"
`;

describe("parseXenConfig", () => {
  test("set, unset and valued options; an option the file does not name was not selected", () => {
    const config = parseXenConfig(DOT_CONFIG, "xen/.config");
    assert.equal(configOption(config, "CONFIG_ARM_64"), true);
    assert.equal(configOption(config, "CONFIG_STATIC_MEMORY"), false);
    assert.equal(configOption(config, "CONFIG_MPU"), false);
    assert.equal(config.values.get("CONFIG_CMDLINE"), "console=dtuart");
    assert.deepEqual(disabledOptions(config), ["CONFIG_STATIC_MEMORY"]);
    assert.equal(configOption(undefined, "CONFIG_ARM_64"), undefined);
    // a fragment leaves what it does not name to Xen's defaults
    const fragment = parseXenConfig("CONFIG_STATIC_MEMORY=y\n", "static.config");
    assert.equal(configOption(fragment, "CONFIG_STATIC_MEMORY"), true);
    assert.equal(configOption(fragment, "CONFIG_MPU"), undefined);
  });

  test("a line that is not Kconfig is bad input with its line", () => {
    assert.throws(
      () => parseXenConfig("CONFIG_A=y\nSTATIC_MEMORY=y\n", "xen/.config"),
      (e: unknown) =>
        e instanceof InputError &&
        e.diagnostics[0]?.code === "config/syntax" &&
        e.diagnostics[0]?.span?.line === 2,
    );
  });
});
