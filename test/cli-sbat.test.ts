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

  test("unparsable .sbat text: state invalid with every bad record, exit 0", () => {
    const file = fixture(
      "show-bad.efi",
      efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,,mailto:x\nxen.ol,1\n`)),
    );
    const r = json("sbat", "show", file);
    assert.equal(r.code, 0);
    const v = r.value as { sbat: { state: string; invalid: { code: string; at: string }[] } };
    assert.equal(v.sbat.state, "invalid");
    assert.deepEqual(
      v.sbat.invalid.map((d) => [d.code, d.at]),
      [
        ["sbat/empty-field", `${file}(.sbat):2:18`],
        ["sbat/too-few-fields", `${file}(.sbat):3:1`],
      ],
    );
    const text = run("sbat", "show", file);
    assert.equal(text.code, 0);
    assert.match(text.out, /\.sbat: shim cannot parse it/);
    assert.match(text.out, /show-bad\.efi\(\.sbat\):3:1: error\[sbat\/too-few-fields\]/);
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

  test(".sbat text shim cannot parse is a verdict: REFUSED, exit 1, the first bad record and its rule", () => {
    // shim stops at line 2 (an empty field) before it sees line 3 (two fields)
    const bad = fixture(
      "bad.efi",
      efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,,mailto:x\nxen.ol,1\n`)),
    );
    const r = json("sbat", "check", bad);
    assert.equal(r.code, 1);
    const v = r.value as { verdict: string; reason: string; invalid: { code: string; at: string }[] };
    assert.equal(v.verdict, "refused");
    assert.match(
      v.reason,
      /field 5 \(vendor_version\) of `xen\.xs` is empty \(line 2\), rule sbat\/empty-field \(row->columns\[i\]\[0\] == '\\000', sbat\.c:64-69\)/,
    );
    assert.deepEqual(
      v.invalid.map((d) => [d.code, d.at]),
      [
        ["sbat/empty-field", `${bad}(.sbat):2:18`],
        ["sbat/too-few-fields", `${bad}(.sbat):3:1`],
      ],
    );
    const text = run("sbat", "check", bad);
    assert.equal(text.code, 1);
    assert.equal(text.err, "");
    assert.match(text.out, /^REFUSED {2}/);
    assert.match(text.out, /bad\.efi\(\.sbat\):2:18: error\[sbat\/empty-field\]/);
    assert.match(text.out, /help: shim rejects the whole section at the first such record/);
    const md = run("sbat", "check", bad, "-f", "md");
    assert.equal(md.code, 1);
    assert.match(md.out, /^\*\*REFUSED\*\*/);
  });

  test("a record with fewer than 6 fields is refused by rule sbat/too-few-fields; a 7th empty field is not read", () => {
    const short = fixture("short.efi", efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,4.17\n`)));
    const r = json("sbat", "check", short);
    assert.equal(r.code, 1);
    assert.match(
      r.value.reason as string,
      /`xen\.xs,2,CSG,xen,4\.17` has 5 fields: a record needs 6 .*\(line 2\), rule sbat\/too-few-fields \(row->n_columns < SBAT_SECTION_COLUMNS, sbat\.c:55-60\)/,
    );
    // parse_csv_line fills at most SBAT_SECTION_COLUMNS columns (csv.c:19-34): the rest are never checked
    const seventh = fixture(
      "seventh.efi",
      efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2,CSG,xen,4.17,mailto:x,,\n`)),
    );
    assert.equal(run("sbat", "check", seventh).code, 0);
  });

  test("exit 2 stays for a file that is not a readable PE image, never for what shim decides", () => {
    const bytes = efiImage(sbatSection(`${SBAT_HEADER}\nxen.xs,2\n`));
    const cut = fixture("cut-bad-sbat.efi", bytes.subarray(0, bytes.length - 10));
    const r = run("sbat", "check", cut);
    assert.deepEqual([r.code, r.out], [2, ""]);
    assert.match(r.err, /error\[pe\/section-bounds\]/);
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

  test("an invalid level file: file:line:column", () => {
    const level = fixture("bad-level.txt", "sbat,1,2026010100\ngrub\n");
    const r = run("sbat", "check", xen(1), "--level", level);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad-level\.txt:2:1: error\[sbat\/level-too-few-fields\]/);
  });
});

describe("the exit-code rule", () => {
  test("README states the rule `sbat --help` and `sbat check --help` print, word for word", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const args of [
      ["sbat", "--help"],
      ["sbat", "check", "--help"],
    ]) {
      const help = run(...args).out;
      const rule = help.slice(help.indexOf("Exit codes:")).trim();
      assert.match(rule, /^Exit codes: 0 the image passes; 1 shim would not load it/);
      assert.ok(readme.includes(rule), `README lacks:\n${rule}`);
    }
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
