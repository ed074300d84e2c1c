import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SBAT_HEADER } from "../src/sbat/parse-sbat.js";
import { ensureBuilt, json, run } from "./support/cli.js";
import { efiImage, layoutPe, sbatlevelData, sbatSection } from "./support/pe-writer.js";

const DIR = mkdtempSync(join(tmpdir(), "xenpriv-cli-sbat-"));
/** Writes a fixture into the test's folder and returns its path. */
function fixture(name: string, bytes: Uint8Array | string): string {
  const path = join(DIR, name);
  writeFileSync(path, bytes);
  return path;
}

const XS = (gen: number | string) =>
  `xen.xs,${gen},Cloud Software Group,xen,4.17.5-1,mailto:security@xenserver.com`;
const xen = (gen: number | string) =>
  fixture(`xen-xs-${gen}.efi`, efiImage(sbatSection(`${SBAT_HEADER}\n${XS(gen)}\n`)));
const AUTOMATIC = "sbat,1,2024040900\nshim,4\ngrub,4\ngrub.peimage,2\n";
const LATEST = "sbat,1,2026010100\nshim,4\ngrub,5\nxen.xs,3\n";

before(ensureBuilt);
after(() => rmSync(DIR, { recursive: true, force: true }));

describe("xenpriv sbat show", () => {
  test("sections as objdump prints them, the .sbat records as shim reads them, notes on odd records", () => {
    const file = fixture(
      "odd.efi",
      efiImage(
        sbatSection(`${SBAT_HEADER}\nxen.xs, 2,CSG,xen,4.17,mailto:x\nxen.xs ,2,CSG,xen,4.17,mailto:x\n`),
      ),
    );
    const r = json("sbat", "show", file);
    assert.equal(r.code, 0);
    const v = r.value as {
      format: string;
      signed: boolean;
      sections: { name: string; vma: string; size: number }[];
      sbat: {
        state: string;
        records: { component: string; generation: number }[];
        warnings: { code: string; at: string }[];
      };
    };
    assert.deepEqual([v.format, v.signed], ["PE32+", false]);
    assert.deepEqual(
      v.sections.map((s) => [s.name, s.vma]),
      [
        [".text", "0x1000"],
        [".sbat", "0x2000"],
      ],
    );
    assert.deepEqual(
      v.sbat.records.map((x) => [x.component, x.generation]),
      [
        ["sbat", 1],
        ["xen.xs", 2],
        ["xen.xs ", 2],
      ],
    );
    assert.deepEqual(
      v.sbat.warnings.map((w) => [w.code, w.at]),
      [
        ["sbat/generation-not-decimal", `${file}(.sbat):2:8`],
        ["sbat/component-blank", `${file}(.sbat):3:1`],
      ],
    );
    const text = run("sbat", "show", file);
    assert.match(text.out, /PE32\+ x86-64, not signed, 2 sections/);
    assert.match(text.out, /warning\[sbat\/component-blank\]/);
  });

  test("a shim's .sbatlevel payloads; a signed image's certificate table", () => {
    const shim = fixture(
      "shim.efi",
      layoutPe({
        symbols: 1,
        certificate: new Uint8Array(40),
        sections: [
          { name: ".sbatlevel", data: sbatlevelData(AUTOMATIC, LATEST) },
          sbatSection(`${SBAT_HEADER}\nshim,4,UEFI shim,shim,1,https://github.com/rhboot/shim\n`),
        ],
      }).bytes,
    );
    const v = json("sbat", "show", shim).value as {
      signed: boolean;
      certificates: { type: number }[];
      payloads: { automatic: { datestamp: string }; latest: { datestamp: string } };
    };
    assert.deepEqual(
      [v.signed, v.certificates[0]?.type, v.payloads.automatic.datestamp, v.payloads.latest.datestamp],
      [true, 2, "2024040900", "2026010100"],
    );
    assert.match(run("sbat", "show", shim, "-f", "md").out, /\| idx \| name \|/);
  });
});

describe("xenpriv sbat check", () => {
  test("an image at its level passes (exit 0); below it is revoked (exit 1) with the entry and the bump", () => {
    const ok = json(
      "sbat",
      "check",
      xen(3),
      "--level",
      "latest",
      "--shim",
      fixture("s.efi", efiImage({ name: ".sbatlevel", data: sbatlevelData(AUTOMATIC, LATEST) })),
    );
    assert.equal(ok.code, 0);
    assert.equal(ok.value.verdict, "pass");

    const r = json("sbat", "check", xen(2), "--level", "latest", "--shim", join(DIR, "s.efi"));
    assert.equal(r.code, 1);
    const v = r.value as {
      verdict: string;
      revokedBy: { entry: { component: string; generation: number; line: number }; needed: number };
      recommendation: { moves: { line: number; newText: string }[] };
    };
    assert.equal(v.verdict, "revoked");
    assert.deepEqual(v.revokedBy.entry, { component: "xen.xs", generation: 3, line: 4 });
    assert.equal(v.revokedBy.needed, 3);
    assert.deepEqual(v.recommendation.moves, [
      {
        line: 2,
        component: "xen.xs",
        from: "2",
        to: 3,
        text: XS(2),
        newText: XS(3),
      },
    ]);
    const text = run("sbat", "check", xen(2), "--level", "latest", "--shim", join(DIR, "s.efi"));
    assert.match(text.out, /^REVOKED {2}/);
    assert.match(text.out, /line 2: `xen\.xs,2,[^`]*` -> `xen\.xs,3,/);
  });

  test("an advisory with --require on a published level; a datestamp; a level file", () => {
    const r = json("sbat", "check", xen(1), "--level", "2025051000", "--require", "xen.xs=2");
    assert.equal(r.code, 1);
    assert.match(
      r.value.reason as string,
      /`xen\.xs,1` \(line 2\) is below `xen\.xs,2` of the level: generation 2 or more is needed/,
    );
    assert.deepEqual((r.value.level as { advisories: string[] }).advisories, ["PSA-2025-00012-1"]);
    const file = fixture("level.txt", "sbat,1,2026020200\nxen.xs,1\n");
    assert.equal(run("sbat", "check", xen(1), "--level", file).code, 0);
    assert.equal(run("sbat", "check", xen(1), "--level", "original").code, 0);
  });

  test("no .sbat: refused when shim loads it (exit 1), passes through the protocol (exit 0)", () => {
    const none = fixture("none.efi", efiImage());
    const r = json("sbat", "check", none);
    assert.deepEqual([r.code, r.value.verdict], [1, "refused"]);
    assert.equal(json("sbat", "check", none, "--via-protocol").code, 0);
  });

  test("bad usage: an unknown level, a bad --require, a --shim without payloads", () => {
    const a = run("sbat", "check", xen(1), "--level", "2025051001");
    assert.equal(a.code, 2);
    assert.match(a.err, /error\[sbat\/unknown-level\]: no SbatLevel dated 2025051001/);
    assert.match(a.err, /did you mean 2025051000\?/);
    assert.equal(run("sbat", "check", xen(1), "--require", "xen.xs").code, 2);
    assert.match(run("sbat", "check", xen(1), "--shim", xen(1)).err, /error\[sbat\/no-payloads\]/);
  });
});

describe("bad input: a diagnostic with a byte offset or a line, exit 2, nothing on stdout", () => {
  test("a truncated PE image: file@0x..", () => {
    const bytes = efiImage(sbatSection(SBAT_HEADER));
    const cut = fixture("cut.efi", bytes.subarray(0, bytes.length - 10));
    for (const cmd of ["show", "check"]) {
      const r = run("sbat", cmd, cut);
      assert.equal(r.code, 2);
      assert.equal(r.out, "");
      assert.match(r.err, /cut\.efi@0x1c4: error\[pe\/section-bounds\]: section `\.sbat`/);
      assert.doesNotMatch(r.err, /at .*\.js:\d+/);
    }
    assert.match(
      run("sbat", "show", fixture("text.efi", "hello")).err,
      /text\.efi@0x0: error\[pe\/bad-dos-magic\]/,
    );
    assert.match(run("sbat", "show", join(DIR, "missing.efi")).err, /error\[pe\/unreadable\]/);
  });

  test("an invalid .sbat: file(.sbat):line:column, and why shim rejects it", () => {
    const bad = fixture(
      "bad.efi",
      efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,,mailto:x\nxen.ol,1\n`)),
    );
    for (const cmd of ["show", "check"]) {
      const r = run("sbat", cmd, bad);
      assert.equal(r.code, 2);
      assert.equal(r.out, "");
      assert.match(
        r.err,
        /bad\.efi\(\.sbat\):2:18: error\[sbat\/empty-field\]: field 5 \(vendor_version\) of `xen\.xs` is empty/,
      );
      assert.match(r.err, /bad\.efi\(\.sbat\):3:1: error\[sbat\/too-few-fields\]/);
      assert.match(r.err, /help: shim rejects the whole section/);
    }
  });

  test("an invalid level file: file:line:column", () => {
    const level = fixture("bad-level.txt", "sbat,1,2026010100\ngrub\n");
    const r = run("sbat", "check", xen(1), "--level", level);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad-level\.txt:2:1: error\[sbat\/level-too-few-fields\]/);
  });
});

describe("xenpriv sbat generate and levels", () => {
  test("generate: the section text on stdout, JSON, a file written whole; bad names are bad input", () => {
    const r = run("sbat", "generate", "--vendor", "xs", "--generation", "2", "--xen-version", "4.17.5-1");
    assert.equal(r.code, 0);
    assert.equal(r.out, `${SBAT_HEADER}\nxen.xs,2,xs,xen,4.17.5-1,https://xenproject.org/\n`);
    const j = json("sbat", "generate", "--vendor", "acme", "--generation", "7");
    assert.equal(j.value.component, "xen.acme");
    const out = join(DIR, "sbat.csv");
    assert.equal(run("sbat", "generate", "--vendor", "acme", "--generation", "7", "-o", out).code, 0);
    assert.ok(existsSync(out) && readFileSync(out, "utf8").startsWith("sbat,1,"));
    const bad = run("sbat", "generate", "--vendor", "Acme Corp", "--generation", "1");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /error\[sbat\/bad-vendor\].*\n.*try `acme-corp`/);
    assert.equal(run("sbat", "generate", "--vendor", "x", "--generation", "65536").code, 2);
    assert.equal(run("sbat", "generate", "--vendor", "x", "--generation", "two").code, 2);
  });

  test("levels: the bundled history, latest and automatic marked", () => {
    const v = json("sbat", "levels").value as {
      levels: { datestamp: string; latest?: boolean; automatic?: boolean }[];
    };
    assert.equal(v.levels.find((l) => l.latest)?.datestamp, "2025051000");
    assert.equal(v.levels.find((l) => l.automatic)?.datestamp, "2024040900");
    assert.equal(v.levels.filter((l) => l.automatic).length, 1);
    assert.match(run("sbat", "levels").out, /2025051000 {2}131 {3}shim,4 grub,5 grub\.proxmox,2/);
  });
});
