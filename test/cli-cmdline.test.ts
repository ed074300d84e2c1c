import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { ensureBuilt, json, run } from "./support/cli.js";
import { efiImage, writePe } from "./support/pe-writer.js";

interface Token {
  text: string;
  source: string;
  trusted: boolean;
  status: string;
  why: string[];
  log: string[];
}
interface Diag {
  code: string;
  severity: string;
  message: string;
  span?: { file: string; line: number; column: number };
  help?: string;
}

const F = "test/fixtures/cmdline";
const tokens = (v: Record<string, unknown>) => v.tokens as Token[];
const diags = (v: Record<string, unknown>) => v.diagnostics as Diag[];

before(ensureBuilt);

describe("xenpriv cmdline", () => {
  test("a multiboot line under Secure Boot with variant B and the XenServer list", () => {
    const r = json(
      "cmdline",
      "--secure-boot",
      "--lockdown-model",
      "variant-b",
      "--safe-list",
      "xenserver",
      "loglvl=all lockdown com1=115200,8n1,0x3e8 x2apic=maybe -- console=hvc0",
    );
    assert.equal(r.code, 0);
    assert.deepEqual(
      tokens(r.value).map((t) => [t.text, t.source, t.status]),
      [
        ["loglvl=all", "multiboot", "dropped"],
        ["lockdown", "multiboot", "applied"],
        ["com1=115200,8n1,0x3e8", "multiboot", "partly-applied"],
        ["x2apic=maybe", "multiboot", "dropped"],
      ],
    );
    assert.equal((r.value.assembled as { dom0: string }).dom0, " console=hvc0");
    assert.equal((r.value.lockdown as { enabled: boolean }).enabled, true);
    assert.ok(diags(r.value).some((d) => d.code === "lockdown/not-first"));
  });

  test("--arch arm32: its own options and an unsigned long of 4 bytes; no-dbgp on x86 is one warning, from the xHCI entry", () => {
    const r = json(
      "cmdline",
      "--arch",
      "arm32",
      "--boot",
      "dt",
      "xenheap_megabytes=0x100000000 xenheap_megabytes=-1",
    );
    assert.equal(r.code, 0);
    assert.equal(r.value.arch, "arm32");
    assert.deepEqual(
      (r.value.tokens as (Token & { log: string[] })[]).map((t) => [t.status, t.log]),
      [
        ["invalid", ['parameter "xenheap_megabytes" has invalid value "0x100000000", rc=-75!']],
        ["applied", []],
      ],
    );
    // an arm64 build has no such option
    const arm64 = json("cmdline", "--arch", "arm", "--boot", "dt", "xenheap_megabytes=1");
    assert.equal(tokens(arm64.value)[0]?.status, "unknown");
    const x86 = json("cmdline", "no-dbgp");
    const invalid = diags(x86.value).filter((d) => d.code === "cmdline/invalid-value");
    assert.equal(invalid.length, 1);
    assert.match(invalid[0]?.message ?? "", /Xen logs `parameter "no" has invalid value "no", rc=-22!`/);
    assert.match(JSON.stringify(invalid[0]), /xhci-dbc\.c:1410/);
  });

  test("EFI: xen.cfg's section, its options located in the file, and an unknown option with a suggestion", () => {
    const r = json("cmdline", "--efi-cfg", `${F}/xen.cfg`, "xen.efi -- loglvl=warning");
    assert.equal(r.code, 0);
    assert.deepEqual(
      tokens(r.value).map((t) => [t.text, t.source, t.trusted]),
      [
        ["console=com1", "efi-cfg", false],
        ["com1=115200,8n1", "efi-cfg", false],
        ["loglvl=all", "efi-cfg", false],
        ["x2apci", "efi-cfg", false],
        ["loglvl=warning", "efi-load-options", false],
      ],
    );
    const unknown = diags(r.value).find((d) => d.code === "cmdline/unknown-option");
    assert.deepEqual(unknown?.span, { file: `${F}/xen.cfg`, line: 8, column: 49 });
    assert.match(unknown?.help ?? "", /x2apic/);
  });

  test("--kconfig: CONFIG_CMDLINE is parsed and CONFIG_CMDLINE_OVERRIDE drops the loader's line", () => {
    const r = json("cmdline", "--kconfig", `${F}/builtin-override.config`, "maxcpus=2");
    const passes = (r.value.assembled as { passes: { kind: string; text: string }[]; saved: string }).passes;
    assert.deepEqual(passes, [
      {
        kind: "builtin",
        text: "console=com1 loglvl=all",
        pieces: [{ source: "builtin", trusted: true, origin: "CONFIG_CMDLINE", start: 0, end: 23 }],
      },
    ]);
    assert.ok(diags(r.value).some((d) => d.code === "cmdline/override"));
  });

  test("--kconfig: a registration whose guards the build's .config leaves unmet is unknown to that build", () => {
    // pci= is registered under CONFIG_HAS_PASSTHROUGH and CONFIG_HAS_PCI (xen/drivers/passthrough/pci.c)
    const r = json(
      "cmdline",
      "--arch",
      "arm",
      "--kconfig",
      `${F}/arm64-no-pci.config`,
      "pci=1",
      "hmp-unsafe=1",
    );
    assert.deepEqual(
      tokens(r.value).map((t) => [t.text, t.status, t.log]),
      [
        ["pci=1", "unknown", ['parameter "pci" unknown!']],
        ["hmp-unsafe=1", "applied", []],
      ],
    );
    const unknown = diags(r.value).find((d) => d.code === "cmdline/unknown-option");
    assert.match(
      unknown?.message ?? "",
      /only under `CONFIG_HAS_PCI`, which this build's \.config leaves unmet/,
    );
    // without a .config, every registration an arm64 build can have is there
    const any = json("cmdline", "--arch", "arm", "pci=1");
    assert.equal(tokens(any.value)[0]?.status, "applied");
  });

  test("--dt: an Arm device tree's xen,xen-bootargs", () => {
    const r = json("cmdline", "--dt", `${F}/xen-bootargs.dts`);
    assert.deepEqual(
      tokens(r.value).map((t) => [t.text, t.source, t.status]),
      [
        ["console=dtuart", "dt-bootargs", "applied"],
        ["dtuart=serial0", "dt-bootargs", "applied"],
        ["dom0_mem=1G", "dt-bootargs", "applied"],
      ],
    );
    assert.equal((r.value as { arch: string }).arch, "arm");
  });

  test("table and Markdown show each option, the effective settings and the warnings", () => {
    const t = run("cmdline", "console=vga console=com1 no-x2apic=0 maxcpus=4k");
    assert.equal(t.code, 0);
    assert.match(t.out, /effective settings:/);
    assert.match(t.out, /console\s+string\s+"com1"/);
    assert.match(t.out, /x2apic\s+bool\s+true/);
    assert.match(t.out, /warning\[cmdline\/invalid-value\]/);
    const md = run("cmdline", "--format", "md", "console=com1");
    assert.match(md.out, /^# Command line/);
    assert.match(md.out, /## Effective settings/);
  });

  test("--uki: the .config section of a signed unified image is trusted; the `--` tail is not", () => {
    const dir = mkdtempSync(join(tmpdir(), "xenpriv-uki-"));
    const config = "[global]\ndefault=xen\n[xen]\nkernel=vmlinuz\noptions=console=com1 loglvl=warning\n";
    const sections = [
      { name: ".text", data: "\xc3" },
      { name: ".config", data: config, virtualSize: config.length },
      {
        name: ".sbat",
        data: "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\nxen.xs,2,CSG,xen,4.22,mailto:x\n",
      },
    ];
    const signed = join(dir, "xen-signed.efi");
    writeFileSync(signed, writePe({ sections, certificate: new Uint8Array(64).fill(7) }));
    const r = json("cmdline", "--uki", signed, "--secure-boot", "xen.efi -- loglvl=all");
    assert.deepEqual(
      tokens(r.value).map((t) => [t.text, t.source, t.trusted, t.status]),
      [
        ["console=com1", "uki-config", true, "applied"],
        ["loglvl=warning", "uki-config", true, "applied"],
        ["loglvl=all", "efi-load-options", false, "dropped"],
      ],
    );
    assert.deepEqual(
      (r.value.uki as { sbat: { component: string; generation: number }[] }).sbat.map((x) => [
        x.component,
        x.generation,
      ]),
      [
        ["sbat", 1],
        ["xen.xs", 2],
      ],
    );
    const unsigned = join(dir, "xen.efi");
    writeFileSync(unsigned, writePe({ sections }));
    const u = json("cmdline", "--uki", unsigned, "xen.efi");
    assert.ok(tokens(u.value).every((t) => t.source === "uki-config" && !t.trusted));
    const truncated = join(dir, "truncated.efi");
    writeFileSync(truncated, efiImage().subarray(0, 100));
    const bad = run("cmdline", "--uki", truncated);
    assert.equal(bad.code, 2);
    assert.equal(bad.out, "");
    assert.match(bad.err, /truncated\.efi@0x[0-9a-f]+: error\[pe\//);
  });

  test("bad input: an unreadable or non-ASCII xen.cfg, an unknown catalogue: exit 2, nothing on stdout", () => {
    const missing = run("cmdline", "--efi-cfg", `${F}/missing.cfg`);
    assert.equal(missing.code, 2);
    assert.equal(missing.out, "");
    assert.match(missing.err, /cannot read the EFI configuration file `.*missing\.cfg`: ENOENT/);
    const ascii = run("cmdline", "--efi-cfg", `${F}/not-ascii.cfg`);
    assert.equal(ascii.code, 2);
    assert.equal(ascii.out, "");
    assert.match(ascii.err, /not-ascii\.cfg:2:12: error\[efi-cfg\/not-ascii\]/);
    const xen = run("cmdline", "--xen", "4.2", "console=com1");
    assert.equal(xen.code, 2);
    assert.doesNotMatch(xen.err, /at .*\.js:\d+/);
  });
});

describe("xenpriv cmdline --runtime (xl set-parameters)", () => {
  interface Write {
    text: string;
    path: string;
    value: string;
    result: string;
    errno?: string;
    atBoot?: string;
  }
  const writes = (v: Record<string, unknown>) =>
    (v.writes as Write[]).map((w) => [w.path, w.value, w.result]);

  test("case 28 from the command line: nologlvl is accepted, no-loglvl fails with ENOENT (exit 1)", () => {
    const ok = json("cmdline", "--runtime", "nologlvl guest_loglvl=all");
    assert.equal(ok.code, 0);
    assert.deepEqual(writes(ok.value), [
      ["/params/loglvl", "no", "handler-called"],
      ["/params/guest_loglvl", "all", "handler-called"],
    ]);
    const bad = json("cmdline", "--runtime", "no-loglvl guest_loglvl=all");
    assert.equal(bad.code, 1);
    assert.deepEqual(writes(bad.value), [["/params/-loglvl", "no", "failed"]]);
    assert.deepEqual(bad.value.notReached, ["guest_loglvl=all"]);
    assert.ok(
      diags(bad.value).some((d) => d.code === "runtime/boot-negation" && d.help === "write `nologlvl`"),
    );
  });

  test("under Secure Boot every accepted write is flagged: lockdown does not cover hypfs", () => {
    const r = run("cmdline", "--runtime", "--secure-boot", "crash-debug-panic=0");
    assert.equal(r.code, 0);
    assert.match(r.out, /lockdown on \(summit, safe list v2\)/);
    assert.match(r.out, /warning\[lockdown\/runtime-write\]: `crash-debug-panic` is set at runtime/);
    const none = run(
      "cmdline",
      "--runtime",
      "--secure-boot",
      "--lockdown-model",
      "none",
      "crash-debug-panic=0",
    );
    assert.doesNotMatch(none.out, /runtime-write/);
  });

  test("a .config without CONFIG_HYPFS: nothing is set; its CONFIG_LOCKDOWN_DEFAULT turns lockdown on", () => {
    const r = json(
      "cmdline",
      "--runtime",
      "--kconfig",
      `${F}/no-hypfs-lockdown-default.config`,
      "loglvl=all",
    );
    assert.equal(r.code, 1);
    assert.equal(r.value.hypfs, false);
    assert.deepEqual(r.value.lockdown, { model: "summit", safeList: "v2", enabled: true });
    assert.deepEqual(r.value.notReached, ["loglvl=all"]);
    // the same .config turns lockdown on at boot too
    const boot = json("cmdline", "--kconfig", `${F}/no-hypfs-lockdown-default.config`, "loglvl=all");
    assert.equal((boot.value.lockdown as { enabled: boolean }).enabled, true);
    assert.equal(tokens(boot.value)[0]?.status, "dropped");
  });

  test("boot-only options with --runtime: exit 2, nothing on stdout", () => {
    const r = run("cmdline", "--runtime", "--efi-cfg", `${F}/xen.cfg`, "loglvl=all");
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
    assert.match(r.err, /error\[cmdline\/runtime-options\]: --efi-cfg describes a boot/);
  });
});

describe("xenpriv cmdline --fail-on (a CI gate on boot entries)", () => {
  const gate = (...args: string[]) => run("cmdline", ...args);

  test("dropped: exit 1 when lockdown drops an option, naming it; 0 when it drops none", () => {
    const r = gate("--fail-on", "dropped", "--secure-boot", "console=com1", "iommu=off");
    assert.equal(r.code, 1);
    assert.match(r.out, /\nfails --fail-on dropped: lockdown drops `iommu=off`\n$/);
    const ok = gate("--fail-on", "dropped", "--secure-boot", "console=com1");
    assert.equal(ok.code, 0);
    assert.doesNotMatch(ok.out, /fails --fail-on/);
    // without Secure Boot lockdown is off: nothing is dropped
    assert.equal(gate("--fail-on", "dropped", "console=com1", "iommu=off").code, 0);
    // JSON keeps its shape; the exit code is the gate
    assert.equal(json("cmdline", "--fail-on", "dropped", "--secure-boot", "iommu=off").code, 1);
  });

  test("untrusted: also an option from a source lockdown does not trust, even when it is applied", () => {
    const r = gate("--fail-on", "untrusted", "--secure-boot", "console=com1");
    assert.equal(r.code, 1);
    assert.match(r.out, /fails --fail-on untrusted: `console=com1` from an untrusted source/);
    // the build's own line (CONFIG_CMDLINE with CONFIG_CMDLINE_OVERRIDE) is trusted
    assert.equal(gate("--fail-on", "untrusted", "--builtin", "console=com1", "--override").code, 0);
  });

  test("warning: also any warning, an unknown option's included", () => {
    const r = gate("--fail-on", "warning", "console=com1", "no-such-option=1");
    assert.equal(r.code, 1);
    assert.match(r.out, /fails --fail-on warning: 1 warning\(s\)/);
    assert.equal(gate("--fail-on", "warning", "console=com1").code, 0);
    assert.equal(gate("--fail-on", "dropped", "console=com1", "no-such-option=1").code, 0);
  });

  test("an unknown level is bad usage (exit 2)", () => {
    const r = gate("--fail-on", "sometimes", "console=com1");
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
  });
});
