/**
 * Issue 21's reproducers, as a user runs them: no input crashes xenpriv (exit 3), hangs it or eats
 * the machine. Each bad input is a located diagnostic with exit 2, in bounded memory (some runs get
 * a small heap on purpose), and big inputs render in every format.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, ensureBuilt } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "xenpriv-guards-"));
before(ensureBuilt);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI, with a heap of `heapMb` when given: using more than that would kill it. */
function xenpriv(args: readonly string[], heapMb?: number) {
  const r = spawnSync(
    process.execPath,
    [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), CLI, ...args],
    {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Exit 2, no stack trace, and the first diagnostic is `file:line:col: error[code]`. */
function refusedAt(r: ReturnType<typeof xenpriv>, path: string, code: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.doesNotMatch(r.err, /internal error| {4}at /);
  const first = r.err.split("\n")[0] ?? "";
  const m = /^(.*):(\d+):(\d+): error\[([^\]]+)\]/.exec(first);
  assert.ok(m, `located: ${first}`);
  assert.equal(m[1], path);
  assert.match(m[4] as string, code);
}

const bomb = (levels = 9) =>
  [
    `a0: &a0 [${Array(9).fill("lol").join(", ")}]`,
    ...Array.from(
      { length: levels },
      (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`,
    ),
  ].join("\n");
/** A reader's code for a problem: its prefix and the problem, or a data file's one code. */
const code = (c: string, problem: string) => new RegExp(`^${c.endsWith("/") ? `${c}${problem}` : c}$`);
const deepDashes = `${"- ".repeat(20_000)}x\n`;

/** Each YAML/JSON reader, the command that reads a file with it, and its code (or code prefix). */
const READERS = [
  {
    reader: "system file",
    name: "sys.yaml",
    run: (p: string) => ["matrix", "--system", p],
    code: "system/",
  },
  {
    reader: "privcmd profile",
    name: "profile.yaml",
    run: (p: string) => ["privcmd", "emu", "HYPERCALL", "domctl", "createdomain", "--profile", p],
    code: "privcmd-profile/",
  },
  {
    reader: "catalogue",
    name: "catalogue.json",
    run: (p: string) => ["matrix", "--xen", p],
    code: "catalogue/",
  },
  {
    reader: "option catalogue (a JSON data file)",
    name: "options.json",
    run: (p: string) => ["options", "--xen", p],
    // a data file has one code, and the message says what is wrong
    code: "options/corrupt",
  },
] as const;

describe("one guarded YAML/JSON reader", () => {
  for (const r of READERS) {
    test(`${r.reader}: an alias whose anchor does not exist (\`name: *nope\`) is located, exit 2`, () => {
      const p = file(r.name, "xen: 4.22.0\ndomains:\n  - name: *nope\n");
      const out = xenpriv(r.run(p));
      refusedAt(out, p, code(r.code, "unresolved-alias"));
      assert.match(out.err, /^[^\n]*:3:11: [^\n]*alias `\*nope` names no anchor before it/);
    });
    test(`${r.reader}: an alias bomb (billion laughs) is located, exit 2, within a 256 MB heap`, () => {
      const p = file(r.name, bomb());
      const out = xenpriv(r.run(p), 256);
      refusedAt(out, p, code(r.code, "alias-bomb"));
      assert.match(out.err, /aliases expand to more than 1,000,000 nodes/);
    });
    test(`${r.reader}: deep \`- - -\` nesting is located, exit 2`, () => {
      const p = file(r.name, deepDashes);
      refusedAt(xenpriv(r.run(p)), p, code(r.code, "too-deep"));
      const q = file(r.name, `{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
      const out = xenpriv(r.run(q));
      refusedAt(out, q, code(r.code, "too-deep"));
      assert.match(out.err, /collections nested more than 100 deep/);
    });
  }

  test("a trace line nested 100,000 deep is located, exit 2", () => {
    const nested = `${'{"ioctl":"HYPERCALL","hypercall":"multicall","entries":['.repeat(100_000)}${"]}".repeat(100_000)}`;
    const p = file("calls.jsonl", `{"ioctl":"HYPERCALL","hypercall":"xen_version"}\n${nested}\n`);
    const r = xenpriv(["privcmd", "emu", "--trace", p]);
    refusedAt(r, p, /^privcmd\/trace-too-deep$/);
    assert.match(r.err, /:2:1: /);
  });

  test("an unknown `xen:` or `xsm:` value in a system file names its file, line and column", () => {
    const xen = file(
      "xen.yaml",
      "xsm: dummy\nxen: 4.99.0\ndomains:\n  - {name: a, domid: 0, caps: [control]}\n",
    );
    for (const args of [
      ["matrix", "--system", xen],
      ["privcmd", "check", "--system", xen],
    ]) {
      const r = xenpriv(args);
      refusedAt(r, xen, /unknown-version$/);
      assert.match(r.err, /^[^\n]*xen\.yaml:2:6: /);
    }
    const xsm = file(
      "xsm.yaml",
      "xen: 4.22.0\nxsm: dumy\ndomains:\n  - {name: a, domid: 0, caps: [control]}\n",
    );
    const r = xenpriv(["matrix", "--system", xsm]);
    refusedAt(r, xsm, /^policy\/unknown$/);
    assert.match(
      r.err,
      /xsm\.yaml:2:6: error\[policy\/unknown\]: unknown policy `dumy`\n {2}help: did you mean `dummy`\?/,
    );
  });
});

describe("output that cannot crash", () => {
  test("cmdline --efi-cfg of a 300 KB xen.cfg (150,000 tokens) renders in table, md and json", () => {
    const cfg = file("big.cfg", `[global]\ndefault=x\n[x]\noptions=${Array(150_000).fill("a").join(" ")}\n`);
    assert.ok(readFileSync(cfg).length >= 300_000);
    for (const format of ["table", "md", "json"]) {
      const r = xenpriv(["cmdline", "--efi-cfg", cfg, "-f", format]);
      assert.equal(r.code, 0, `${format}: ${r.err.slice(0, 500)}`);
      if (format === "json")
        assert.equal((JSON.parse(r.out) as { tokens: unknown[] }).tokens.length, 150_000);
      else {
        // 150,000 unknown options: the first 100 warnings, then a count
        const item =
          format === "md" ? /^- \*\*(error|warning|note)\*\*/gm : /^(\S+: )?(error|warning|note)\[/gm;
        assert.equal((r.out.match(item) ?? []).length, 100, format);
        assert.match(r.out, /\.\.\. and 149,9\d\d more \(149,9\d\d warnings\)/);
      }
    }
  });

  test("a very wide command line (a 100 KB token) renders in table, md and json", () => {
    const wide = `console=${"x".repeat(100 * 1024)}`;
    for (const format of ["table", "md", "json"]) {
      const r = xenpriv(["cmdline", "-f", format, "--", `loglvl=all ${wide}`]);
      assert.equal(r.code, 0, `${format}: ${r.err.slice(0, 500)}`);
      assert.ok(r.out.includes(wide), format);
    }
  });

  test("400 KB of `]` stops at 100 diagnostics, within a 256 MB heap", () => {
    for (const [name, args] of [
      ["brackets.yaml", (p: string) => ["matrix", "--system", p]],
      ["brackets.dts", (p: string) => ["lint", p]],
    ] as const) {
      const p = file(name, "]".repeat(400_000));
      const r = xenpriv(args(p), 256);
      refusedAt(r, p, /syntax$/);
      assert.ok((r.err.match(/error\[/g) ?? []).length <= 100, name);
    }
  });

  test("a 100,000-domain system prints 100 diagnostics, then how many more", () => {
    // every domain the same mapping, through an alias: 100,000 domains in 1 MB, each a duplicate name
    // and a domid Xen does not have
    const p = file("many.yaml", `d: &d {name: d, domid: 40000}\ndomains:\n${"  - *d\n".repeat(100_000)}`);
    const r = xenpriv(["matrix", "--system", p]);
    assert.equal(r.code, 2);
    assert.equal((r.err.match(/error\[/g) ?? []).length, 100);
    assert.match(r.err, /\n\.\.\. and [\d,]+ more \([\d,]+ errors\)\n$/);
    assert.ok(r.err.split("\n").length < 400);
  });
});

describe("stated limits, enforced", () => {
  test("input files above 64 MiB are refused with a diagnostic, before they are read", () => {
    const big = (name: string) => {
      const p = file(name, "");
      truncateSync(p, 64 * 2 ** 20 + 1); // sparse
      return p;
    };
    for (const args of [
      ["matrix", "--system", big("big.yaml")],
      ["lint", big("big.dts")],
      ["sbat", "show", big("big.efi")],
      ["cmdline", "--efi-cfg", big("big2.cfg")],
      ["cmdline", "--kconfig", big("big.config")],
      ["privcmd", "emu", "--trace", big("big.jsonl")],
    ]) {
      const r = xenpriv(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.err, /: larger than the input limit of 64 MiB\n {2}help: README's Limits section/);
    }
  });

  test('/incbin/("/dev/zero") and a FIFO are refused, not read forever or waited on', () => {
    const zero = file("zero.dts", '/dts-v1/;\n/ { p = /incbin/("/dev/zero"); };\n');
    refusedAt(xenpriv(["lint", zero]), zero, /^devicetree\/incbin-unreadable$/);
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    for (const args of [
      ["lint", fifo],
      ["matrix", "--system", fifo],
      ["sbat", "show", fifo],
      ["cmdline", "--efi-cfg", fifo],
    ]) {
      const r = xenpriv(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.err, /: not a regular file/);
    }
  });

  test("a board with a 1 MB DTS byte string lints as the board without it", () => {
    const board = readFileSync("examples/arm-dom0less-split.dts", "utf8");
    const hex = "0123456789abcdef".repeat(65_536);
    const withBlob = file("blob.dts", board.replace("/ {", `/ {\n\tblob = [${hex}];`));
    const plain = xenpriv(["lint", "examples/arm-dom0less-split.dts", "-f", "json"]);
    const r = xenpriv(["lint", withBlob, "-f", "json"]);
    assert.equal(r.code, plain.code);
    const rules = (out: string) =>
      (JSON.parse(out) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    assert.deepEqual(rules(r.out), rules(plain.out));
  });

  test("more than 10,000 arguments are refused, not a stack overflow in the option parser", () => {
    const r = xenpriv(["cmdline", "--runtime", "--", ...Array(150_000).fill("")]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^error\[cli\/too-many-arguments\]: 150003 arguments: xenpriv takes at most 10000/);
  });
});

describe("safe writes", () => {
  test("-o onto a read-only (0444) file is refused with exit 2 and the file is unchanged", () => {
    const p = file("ro.txt", "old");
    chmodSync(p, 0o444);
    const r = xenpriv(["sbat", "generate", "--vendor", "xs", "--generation", "1", "-o", p]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot write `.*ro\.txt`: the file is read-only/);
    assert.equal(readFileSync(p, "utf8"), "old");
  });
});
