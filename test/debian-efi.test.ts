/**
 * Real EFI binaries from Debian packages (shim, MokManager and fallback, GRUB, systemd-boot and its stub),
 * fetched by scripts/test-setup.mjs: our section table equals `objdump -h`, every section's bytes equal
 * `objcopy -O binary --only-section`, and the `.sbat` text equals objcopy's.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { findSection } from "../src/pe/find-section.js";
import { readPe } from "../src/pe/read-pe.js";
import { sectionBytes } from "../src/pe/section-bytes.js";
import { checkSbat } from "../src/sbat/check-sbat.js";
import { imageSbat } from "../src/sbat/image-sbat.js";
import { SBAT_HEADER } from "../src/sbat/parse-sbat.js";
import { resolveSbatLevel } from "../src/sbat/resolve-sbat-level.js";
import { loadSbatLevels } from "../src/sbat/sbat-levels.js";
import { shimPayloads } from "../src/sbat/shim-payloads.js";
import { asObjdump, objcopySection, objdumpSections } from "./support/binutils.js";

// the same list and folder as scripts/test-setup.mjs
const DEBS_DIR = join("node_modules", ".cache", "xenpriv-debs");
const PACKAGES = ["shim-signed", "shim-helpers-amd64-signed", "grub-efi-amd64-signed", "systemd-boot-efi"];
const EFI = /\.efi(\.signed)?$|\.efi\.stub$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : EFI.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every EFI binary of the packages; a package that is not there fails with how to fetch it. */
export function debianEfiBinaries(): string[] {
  const missing = PACKAGES.filter((p) => !existsSync(join(DEBS_DIR, p, ".complete")));
  if (missing.length > 0) {
    assert.fail(
      `the Debian packages ${missing.join(", ")} are not in ${DEBS_DIR}: run \`node scripts/test-setup.mjs\` ` +
        "(npm test runs it first), which fetches them with `apt-get download` and unpacks them with " +
        `\`dpkg-deb -x\`; by hand: mkdir -p ${DEBS_DIR}/<package> && cd ${DEBS_DIR}/<package> && ` +
        "apt-get download <package> && dpkg-deb -x <package>_*.deb root && ls > .complete",
    );
  }
  return PACKAGES.flatMap((p) => files(join(DEBS_DIR, p, "root"))).sort();
}

describe("Debian's EFI binaries", () => {
  const binaries = debianEfiBinaries();

  test("the packages hold the expected binaries", () => {
    const names = binaries.map((f) => f.split("/").pop());
    for (const want of [
      "shimx64.efi.signed",
      "mmx64.efi.signed",
      "fbx64.efi.signed",
      "grubx64.efi.signed",
      "systemd-bootx64.efi",
      "linuxx64.efi.stub",
    ])
      assert.ok(names.includes(want), want);
  });

  for (const file of binaries) {
    const name = relative(DEBS_DIR, file);
    test(`${name}: sections equal objdump -h, contents equal objcopy -O binary`, () => {
      const image = readPe(readFileSync(file), file);
      assert.deepEqual(asObjdump(image.sections), objdumpSections(file));
      for (const s of image.sections)
        assert.deepEqual(Buffer.from(sectionBytes(image, s)), objcopySection(file, s.name), s.name);
      // signed packages carry an Authenticode signature; systemd-boot's binaries are signed later
      assert.equal(image.certificateTable !== undefined, file.endsWith(".signed"));
      if (image.certificateTable) assert.equal(image.certificateTable.certificates[0]?.type, 2);
    });
  }

  for (const file of binaries) {
    const name = relative(DEBS_DIR, file);
    test(`${name}: the .sbat text shim reads equals objcopy's, and passes every published level`, () => {
      const image = readPe(readFileSync(file), file);
      const sbat = imageSbat(image);
      assert.ok(sbat.sbat, sbat.missing ?? sbat.refused);
      const text = objcopySection(file, ".sbat").toString("utf8").replace(/\0+$/, "");
      assert.equal(`${sbat.sbat.records.map((r) => r.text).join("\n")}\n`, text);
      assert.equal(sbat.sbat.records[0]?.text, SBAT_HEADER);
      assert.equal(
        Buffer.from(sectionBytes(image, findSection(image, ".sbat")!))
          .toString("utf8")
          .replace(/\0+$/, ""),
        text,
      );
      assert.deepEqual(sbat.sbat.warnings, []);
      for (const spec of ["original", "automatic", "latest"])
        assert.equal(checkSbat(sbat, resolveSbatLevel(spec).level).verdict, "pass", spec);
    });
  }

  test("shim's .sbatlevel: the automatic and latest payloads Debian built it with", () => {
    const shim = binaries.find((f) => f.endsWith("shimx64.efi.signed")) as string;
    const p = shimPayloads(readPe(readFileSync(shim), shim));
    assert.ok(p);
    assert.equal(p.section, ".sbatlevel");
    // both payloads are levels of the published history (Debian sets SBAT_AUTOMATIC_DATE), byte for byte
    const history = loadSbatLevels();
    for (const payload of [p.automatic, p.latest]) {
      assert.match(payload.datestamp ?? "", /^\d{10}$/);
      const published = history.levels.find((l) => l.datestamp === payload.datestamp);
      if (published) assert.equal(payload.text, published.payload);
    }
    assert.ok(Number(p.automatic.datestamp) <= Number(p.latest.datestamp));
  });

  test("shim has long section names and a symbol table", () => {
    const shim = binaries.find((f) => f.endsWith("shimx64.efi.signed")) as string;
    const image = readPe(readFileSync(shim), shim);
    assert.ok(image.coff.numberOfSymbols > 0);
    const long = image.sections.filter((s) => s.rawName.startsWith("/")).map((s) => s.name);
    assert.ok(long.includes(".sbatlevel") && long.includes(".vendor_cert"), long.join(" "));
  });
});
