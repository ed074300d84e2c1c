import assert from "node:assert/strict";
import { test } from "node:test";
import { firstError } from "../../test/support/devicetree.js";
import { efiImage, layoutPe, sbatlevelData as sbatlevel } from "../../test/support/pe-writer.js";
import { readPe } from "../pe/read-pe.js";
import { shimPayloads } from "./shim-payloads.js";

const AUTOMATIC = "sbat,1,2024040900\nshim,4\ngrub,4\ngrub.peimage,2\n";
const LATEST = "sbat,1,2025051000\nshim,4\ngrub,5\ngrub.proxmox,2\n";

test("a shim's .sbatlevel (a long name, as shim's link gives it): the automatic and latest payloads", () => {
  const img = readPe(
    layoutPe({ symbols: 2, sections: [{ name: ".sbatlevel", data: sbatlevel(AUTOMATIC, LATEST) }] }).bytes,
    "shim.efi",
  );
  const p = shimPayloads(img);
  assert.ok(p);
  assert.deepEqual(
    [p.section, p.automatic.datestamp, p.latest.datestamp, p.latest.text],
    [".sbatlevel", "2024040900", "2025051000", LATEST],
  );
  assert.equal(p.automatic.source, "shim.efi(.sbatlevel automatic)");
});

test("a revocations_sbat.efi: .sbata and .sbatl", () => {
  const img = readPe(
    efiImage({ name: ".sbata", data: `${AUTOMATIC}\0` }, { name: ".sbatl", data: `${LATEST}\0` }),
    "r.efi",
  );
  const p = shimPayloads(img);
  assert.deepEqual(
    [p?.section, p?.automatic.datestamp, p?.latest.datestamp],
    [".sbata/.sbatl", "2024040900", "2025051000"],
  );
  assert.equal(shimPayloads(readPe(efiImage(), "x.efi")), undefined);
});

test("a bad .sbatlevel: too short, another format version, an offset outside, no NUL", () => {
  const at = (data: Buffer) => {
    const l = layoutPe({ symbols: 1, sections: [{ name: ".sbatlevel", data }] });
    const e = firstError(() => shimPayloads(readPe(l.bytes, "s.efi")));
    return [e.code, Number(e.at.split("@")[1]) - (l.dataOffsets[0] as number)];
  };
  assert.deepEqual(at(Buffer.alloc(8)), ["sbat/sbatlevel-section", 0]);
  assert.deepEqual(at(sbatlevel(AUTOMATIC, LATEST, 1)), ["sbat/sbatlevel-section", 0]);
  const far = sbatlevel(AUTOMATIC, LATEST);
  far.writeUInt32LE(0x1000, 8);
  assert.deepEqual(at(far), ["sbat/sbatlevel-section", 8]);
  const open = Buffer.concat([sbatlevel(AUTOMATIC, "").subarray(0, -1), Buffer.from("sbat,1,x")]);
  assert.deepEqual(at(open)[0], "sbat/sbatlevel-section");
});
