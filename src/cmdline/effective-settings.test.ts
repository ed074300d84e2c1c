import assert from "node:assert/strict";
import { test } from "node:test";
import { effectiveSettings } from "./effective-settings.js";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import { parseParams } from "./parse-params.js";

const X86 = loadOptionCatalogue("4.22.0").options.filter((o) => o.builds.x86);

test("left to right: the last write wins; handlers run once per occurrence; a refused value writes nothing", () => {
  const line = "maxcpus=4 loglvl=all maxcpus=8 loglvl=warning x2apic=maybe x2apic=off";
  const s = effectiveSettings(parseParams(line, X86));
  const of = (name: string) => s.find((x) => x.entry.name === name);
  assert.equal(of("maxcpus")?.value, 8n);
  assert.deepEqual(of("maxcpus")?.from, [0, 2]);
  assert.deepEqual(of("loglvl")?.calls, ["all", "warning"]);
  assert.equal(of("x2apic")?.value, false);
  assert.deepEqual(of("x2apic")?.from, [4, 5]);
});
