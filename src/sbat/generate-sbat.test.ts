import assert from "node:assert/strict";
import { test } from "node:test";
import { inputError } from "../../test/support/devicetree.js";
import { generateSbat } from "./generate-sbat.js";
import { SBAT_HEADER } from "./parse-sbat.js";

test("a downstream xen.<vendor> line after the header, which shim's rules read back", () => {
  const g = generateSbat({
    vendor: "xs",
    generation: 2,
    xenVersion: "4.17.5-1",
    vendorName: "Cloud Software Group",
    url: "mailto:security@xenserver.com",
  });
  assert.equal(
    g.text,
    `${SBAT_HEADER}\nxen.xs,2,Cloud Software Group,xen,4.17.5-1,mailto:security@xenserver.com\n`,
  );
  assert.deepEqual(
    g.records.map((r) => [r.component, r.generation]),
    [
      ["sbat", 1],
      ["xen.xs", 2],
    ],
  );
  assert.equal(
    generateSbat({ vendor: "acme", generation: 1 }).text.split("\n")[1],
    "xen.acme,1,acme,xen,@@VERSION@@,https://xenproject.org/",
  );
});

test("vendor names: lowercase letters, digits, - and _; a suggestion for others", () => {
  for (const vendor of ["Acme", "my vendor", "a.b", "", "-x", "x,y"]) {
    const [d] = inputError(() => generateSbat({ vendor, generation: 1 }));
    assert.equal(d?.code, "sbat/bad-vendor", vendor);
  }
  assert.match(
    inputError(() => generateSbat({ vendor: "My Vendor", generation: 1 }))[0]?.help ?? "",
    /try `my-vendor`/,
  );
});

test("generations 1 to 65535, and fields shim would split or keep blanks in are refused", () => {
  for (const generation of [0, -1, 1.5, 65536])
    assert.equal(inputError(() => generateSbat({ vendor: "x", generation }))[0]?.code, "sbat/bad-generation");
  for (const xenVersion of ["4.17,1", "4.17\n", " 4.17", ""])
    assert.equal(
      inputError(() => generateSbat({ vendor: "x", generation: 1, xenVersion }))[0]?.code,
      "sbat/bad-field",
    );
});
