/**
 * The command-line and lockdown cases of reference §10 (xen-lockdown-sbat-privcmd.md, cases 10-21),
 * through the public API: boot sources -> assembled strings -> parse_params -> lockdown model.
 * Cases 1-9 are in src/cmdline/parse-params.test.ts; 22-25 with the SBAT code.
 *
 * Expected values were written from the reference and Xen's source at RELEASE-4.22.0
 * (xen/arch/x86/setup.c, xen/common/efi/boot.c, xen/arch/*\/efi/efi-boot.h), not from running the code.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyseCommandLine, type CommandLineAnalysis } from "../src/cmdline/analyse-command-line.js";
import { assembleCommandLine, type BootSources } from "../src/cmdline/assemble-command-line.js";
import { loadOptionCatalogue } from "../src/cmdline/load-option-catalogue.js";
import { LOCKDOWN_MODELS, type LockdownModelId } from "../src/cmdline/lockdown-models.js";
import { SAFE_LISTS, type SafeListId } from "../src/cmdline/safe-lists.js";
import { parseXenCfg } from "../src/cmdline/xen-cfg.js";

const catalogue = loadOptionCatalogue("4.22.0");

function analyse(
  sources: Partial<BootSources> & { bootloader?: string },
  o: { model?: LockdownModelId; safe?: SafeListId; sb?: boolean; pvShim?: boolean } = {},
): CommandLineAnalysis {
  return analyseCommandLine(
    catalogue,
    { arch: "x86", boot: "multiboot", ...sources },
    {
      model: LOCKDOWN_MODELS[o.model ?? "none"],
      safeList: SAFE_LISTS[o.safe ?? "v2"],
      secureBoot: o.sb ?? false,
      lockdownDefault: false,
      pvShim: o.pvShim ?? false,
    },
  );
}

const token = (a: CommandLineAnalysis, text: string) => {
  const t = a.tokens.find((x) => x.text === text);
  assert.ok(t, `no token \`${text}\` in ${a.tokens.map((x) => x.text).join(" ")}`);
  return t;
};
const setting = (a: CommandLineAnalysis, name: string) => a.settings.find((s) => s.name === name)?.value;
const codes = (a: CommandLineAnalysis) => a.diagnostics.map((d) => d.code);

describe("where the command line comes from", () => {
  test("case 10: a non-GRUB2 multiboot loader loses the first word, even a real option", () => {
    const a = analyse({ bootloader: "  loglvl=all console=com1", loaderName: "GNU GRUB 0.97" });
    assert.equal(a.assembled.passes[0]?.text, "console=com1");
    assert.ok(codes(a).includes("cmdline/image-name-stripped"));
    // GRUB 2 leaves the image name out, so nothing is dropped; only the leading spaces go
    const g = analyse({ bootloader: "  loglvl=all console=com1", loaderName: "GRUB 2.06" });
    assert.equal(g.assembled.passes[0]?.text, "loglvl=all console=com1");
    // `placeholder` protects the first real option, and is itself ignored
    const p = analyse({ bootloader: "placeholder loglvl=all", loaderName: "iPXE" });
    assert.equal(p.assembled.passes[0]?.text, "loglvl=all");
    const q = analyse({ bootloader: "xen.gz placeholder loglvl=all", loaderName: "iPXE" });
    assert.equal(token(q, "placeholder").status, "ignored");
  });

  test("case 11: ` -- ` needs a space on each side; at the start it does not split; CONFIG_CMDLINE is never split", () => {
    const a = analyse({ bootloader: "console=com1 --   dom0_opt=1 x" });
    assert.equal(a.assembled.passes[0]?.text, "console=com1");
    assert.equal(a.assembled.dom0, " dom0_opt=1 x", "only the last leading space is kept");
    const b = analyse({ bootloader: "  -- dom0opts" });
    assert.equal(b.assembled.dom0, undefined);
    assert.deepEqual(
      b.tokens.map((t) => [t.text, t.status]),
      [
        ["--", "unknown"],
        ["dom0opts", "unknown"],
      ],
    );
    assert.ok(codes(b).includes("cmdline/dom0-separator-first"));
    const c = analyse({ builtin: "console=com1 -- quiet", bootloader: "" });
    assert.equal(c.assembled.passes[0]?.text, "console=com1 -- quiet");
    assert.equal(c.assembled.dom0, undefined);
  });

  test("case 12: an EFI section and an untrusted `--` tail after a signed image's options, which it overrides", () => {
    const uki = parseXenCfg(
      "[global]\ndefault=safe\n[safe]\nkernel=vmlinuz\noptions=loglvl=warning console=vga\n[mysection]\nkernel=vmlinuz\noptions=loglvl=error\n",
      "xen.efi(.config)",
    );
    const a = analyse(
      {
        boot: "efi",
        loadOptions: "xen.efi mysection -- loglvl=all",
        cfg: { cfg: uki, uki: true, signed: true },
      },
      { model: "summit" },
    );
    assert.equal(a.assembled.efi?.chosenSection, "mysection");
    assert.equal(a.assembled.passes[0]?.text, "loglvl=error loglvl=all");
    assert.deepEqual(
      a.tokens.map((t) => [t.text, t.source, t.trusted]),
      [
        ["loglvl=error", "uki-config", true],
        ["loglvl=all", "efi-load-options", false],
      ],
    );
    assert.equal(setting(a, "loglvl"), 'parse_loglvl("error") then parse_loglvl("all")');
    assert.ok(codes(a).includes("cmdline/untrusted-override"));
    assert.ok(codes(a).includes("cmdline/efi-section"), "the section name is untrusted input");
    // without a section word, [global] default= picks the section
    const d = analyse({ boot: "efi", loadOptions: "xen.efi", cfg: { cfg: uki, uki: true, signed: true } });
    assert.equal(d.assembled.passes[0]?.text, "loglvl=warning console=vga");
  });

  test("case 13: options= in [global] is not inherited, and `#` cuts a value", () => {
    const cfg = parseXenCfg(
      "[global]\noptions=console=com1\n[x]\nkernel=k\noptions=loglvl=all#comment\n[y]\nkernel=k\n",
      "xen.cfg",
    );
    const x = analyse({ boot: "efi", loadOptions: "xen.efi x", cfg: { cfg, uki: false, signed: false } });
    assert.equal(x.assembled.passes[0]?.text, "loglvl=all");
    const y = analyse({ boot: "efi", loadOptions: "xen.efi y", cfg: { cfg, uki: false, signed: false } });
    assert.equal(y.assembled.passes.length, 0);
    assert.ok(codes(y).includes("cmdline/efi-global-options"));
  });

  test("case 14: on Arm EFI the cfg options replace xen,xen-bootargs; 4096 bytes or more stops the boot", () => {
    const cfg = parseXenCfg("[a]\nkernel=k\noptions=console=dtuart\n", "xen.cfg");
    const chosen = { file: "board.dtb", xenBootargs: "dom0_mem=1G sync_console" };
    const a = analyse({
      arch: "arm",
      boot: "efi",
      loadOptions: "xen.efi a -- loglvl=all",
      cfg: { cfg, uki: false, signed: false },
      chosen,
    });
    assert.equal(a.assembled.passes[0]?.text, " console=dtuart loglvl=all");
    const b = analyse({ arch: "arm", boot: "efi", loadOptions: "xen.efi -- loglvl=all", chosen });
    assert.equal(b.assembled.passes[0]?.text, " dom0_mem=1G sync_console loglvl=all");
    const big = analyse({
      arch: "arm",
      boot: "efi",
      loadOptions: `xen.efi -- ${"x".repeat(4095)}`,
      chosen: { file: "b.dtb" },
    });
    assert.ok(
      big.diagnostics.some((d) => d.code === "cmdline/fdt-string-overflow" && d.severity === "error"),
    );
    const fits = analyse({
      arch: "arm",
      boot: "efi",
      loadOptions: `xen.efi -- ${"x".repeat(4094)}`,
      chosen: { file: "b.dtb" },
    });
    assert.ok(!codes(fits).includes("cmdline/fdt-string-overflow"));
  });

  test("case 15: CONFIG_CMDLINE_OVERRIDE ignores the bootloader; xl info shows nothing; variant A cannot see lockdown", () => {
    const a = analyse(
      { builtin: "console=com1", override: true, bootloader: "lockdown loglvl=all" },
      { model: "variant-a" },
    );
    assert.deepEqual(
      a.assembled.passes.map((p) => p.kind),
      ["builtin"],
    );
    assert.equal(a.assembled.saved, "");
    assert.equal(a.lockdown.enabled, false);
  });

  test("saved_cmdline keeps at most 1023 characters of the bootloader part", () => {
    const a = assembleCommandLine({
      arch: "x86",
      boot: "multiboot",
      bootloader: `console=${"v".repeat(2000)} -- dom0`,
      builtin: "x",
    });
    assert.equal(a.saved.length, 1023);
    assert.ok(a.saved.startsWith("console=vvv"));
  });

  test("Arm device trees: xen,xen-bootargs, else bootargs only when dom0 has arguments elsewhere", () => {
    const base = { arch: "arm" as const, boot: "dt" as const };
    assert.equal(
      assembleCommandLine({ ...base, chosen: { file: "b", xenBootargs: "a=1", bootargs: "b=2" } }).passes[0]
        ?.text,
      "a=1",
    );
    const none = assembleCommandLine({ ...base, chosen: { file: "b", bootargs: "b=2" } });
    assert.equal(none.passes.length, 0);
    assert.ok(none.notes.some((n) => n.code === "cmdline/dt-bootargs-unused"));
    assert.equal(
      assembleCommandLine({ ...base, chosen: { file: "b", bootargs: "b=2", dom0Bootargs: true } }).passes[0]
        ?.text,
      "b=2",
    );
    // Arm has no ` -- ` split
    assert.equal(
      assembleCommandLine({ ...base, chosen: { file: "b", xenBootargs: "a=1 -- c" } }).dom0,
      undefined,
    );
  });

  test("chain= in [global] loads another file when the section has no kernel=; a loop is reported", () => {
    const first = parseXenCfg("[global]\nchain=second.cfg\n[s]\noptions=ignored\n", "first.cfg");
    const second = parseXenCfg("[s]\nkernel=k\noptions=console=com1\n", "second.cfg");
    const a = analyse({
      boot: "efi",
      loadOptions: "xen.efi s",
      cfg: { cfg: first, uki: false, signed: false },
      readChained: () => second,
    });
    assert.equal(a.assembled.passes[0]?.text, "console=com1");
    const loop = analyse({
      boot: "efi",
      loadOptions: "xen.efi s",
      cfg: { cfg: first, uki: false, signed: false },
      readChained: () => first,
    });
    assert.ok(codes(loop).includes("cmdline/efi-chain-loop"));
  });
});

describe("lockdown variants", () => {
  test("case 17: `loglvl=all lockdown`: A locks before loglvl; B applies loglvl and warns; summit applies it", () => {
    const line = { bootloader: "loglvl=all lockdown" };
    const a = analyse(line, { model: "variant-a" });
    assert.equal(token(a, "loglvl=all").status, "dropped");
    assert.equal(token(a, "lockdown").status, "ignored");
    const b = analyse(line, { model: "variant-b" });
    assert.equal(token(b, "loglvl=all").status, "applied");
    assert.ok(b.diagnostics.some((d) => d.code === "lockdown/not-first" && d.severity === "warning"));
    assert.equal(b.lockdown.enabled, true);
    // each token says whether lockdown was on when it was parsed
    const after = analyse({ bootloader: "lockdown loglvl=all" }, { model: "variant-b" });
    assert.deepEqual(
      after.tokens.map((t) => [t.text, t.locked]),
      [
        ["lockdown", false],
        ["loglvl=all", true],
      ],
    );
    const s = analyse(line, { model: "summit" });
    assert.equal(token(s, "loglvl=all").status, "applied");
    assert.equal(s.lockdown.enabled, true);
  });

  test("case 18: A: first valid match wins; B: last wins and lockdown=0 turns it on; Secure Boot: always on", () => {
    assert.equal(
      analyse({ bootloader: "lockdown no-lockdown" }, { model: "variant-a" }).lockdown.enabled,
      true,
    );
    assert.equal(
      analyse({ bootloader: "no-lockdown lockdown" }, { model: "variant-a" }).lockdown.enabled,
      false,
    );
    assert.equal(
      analyse({ bootloader: "lockdown=maybe no-lockdown" }, { model: "variant-a" }).lockdown.enabled,
      false,
    );
    assert.equal(
      analyse({ bootloader: "lockdown no-lockdown" }, { model: "variant-b" }).lockdown.enabled,
      false,
    );
    const zero = analyse({ bootloader: "lockdown=0" }, { model: "variant-b" });
    assert.equal(zero.lockdown.enabled, true);
    assert.ok(codes(zero).includes("lockdown/zero-enables"));
    assert.equal(
      analyse({ bootloader: "lockdown=nonsense" }, { model: "variant-b" }).lockdown.enabled,
      false,
      'strncmp("no", s, 2)',
    );
    assert.equal(analyse({ bootloader: "lockdown no-lockdown" }, { model: "summit" }).lockdown.enabled, true);
    for (const model of ["variant-a", "variant-b", "summit"] as const)
      for (const bootloader of ["lockdown no-lockdown", "no-lockdown lockdown", "lockdown=0", "no-lockdown"])
        assert.equal(
          analyse({ bootloader }, { model, sb: true }).lockdown.enabled,
          true,
          `${model} ${bootloader}`,
        );
  });

  test("summit: `no-lockdown` and `lockdown=0` switch nothing off, so they are not `applied`, and say why", () => {
    for (const [bootloader, sb] of [
      ["no-lockdown", false],
      ["lockdown=0", false],
      ["no-lockdown", true],
      ["lockdown lockdown=off", false],
    ] as const) {
      const a = analyse({ bootloader }, { model: "summit", sb });
      const t = a.tokens.at(-1);
      assert.equal(t?.status, "no-effect", bootloader);
      assert.match(
        t?.why.join(" ") ?? "",
        /nothing is switched off: .* only turns lockdown on \(lockdown stays (on|off)\)/,
      );
      assert.ok(codes(a).includes("lockdown/no-off-switch"));
    }
    assert.match(
      token(analyse({ bootloader: "no-lockdown" }, { model: "summit", sb: true }), "no-lockdown").why[0] ??
        "",
      /stays on/,
    );
    assert.match(
      token(analyse({ bootloader: "lockdown=maybe" }, { model: "summit" }), "lockdown=maybe").why[0] ?? "",
      /`maybe` is not a boolean/,
    );
    // what does switch it on is applied; variant B under Secure Boot cannot switch it off either
    assert.equal(
      token(analyse({ bootloader: "lockdown=1" }, { model: "summit" }), "lockdown=1").status,
      "applied",
    );
    assert.equal(
      token(analyse({ bootloader: "no-lockdown" }, { model: "variant-b", sb: true }), "no-lockdown").status,
      "no-effect",
    );
    assert.equal(
      token(analyse({ bootloader: "no-lockdown" }, { model: "variant-b" }), "no-lockdown").status,
      "applied",
    );
  });

  test("variant A: the pre-scan splits on tabs and line breaks, unlike parse_params", () => {
    const a = analyse({ bootloader: "loglvl=all\tlockdown" }, { model: "variant-a" });
    assert.equal(a.lockdown.enabled, true);
    assert.equal(a.tokens.length, 1, "one token for parse_params, which is then dropped");
    assert.equal(a.tokens[0]?.status, "dropped");
  });

  test("variant A, 2026 posting: CONFIG_PV_SHIM forces lockdown off", () => {
    assert.equal(
      analyse({ bootloader: "lockdown" }, { model: "variant-a", pvShim: true }).lockdown.enabled,
      false,
    );
  });

  test("case 19: lockdown in CONFIG_CMDLINE: ignored by A, honoured by B; built-in options filtered by A and B, not by the summit design", () => {
    const src = { builtin: "lockdown", bootloader: "loglvl=all" };
    const a = analyse(src, { model: "variant-a" });
    assert.equal(a.lockdown.enabled, false);
    assert.ok(codes(a).includes("lockdown/builtin-not-scanned"));
    const b = analyse(src, { model: "variant-b" });
    assert.equal(b.lockdown.enabled, true);
    assert.equal(token(b, "loglvl=all").status, "dropped");
    const trusted = { builtin: "loglvl=all", bootloader: "sync_console" };
    assert.equal(token(analyse(trusted, { model: "variant-b", sb: true }), "loglvl=all").status, "dropped");
    assert.equal(token(analyse(trusted, { model: "variant-a", sb: true }), "loglvl=all").status, "dropped");
    const s = analyse(trusted, { model: "summit", sb: true });
    assert.equal(token(s, "loglvl=all").status, "applied");
    assert.equal(token(s, "sync_console").status, "dropped");
  });

  test("case 9 under lockdown: the `break` at an unsafe dbgp skips the second dbgp handler", () => {
    const a = analyse({ bootloader: "dbgp=xhci" }, { model: "summit", sb: true });
    const t = token(a, "dbgp=xhci");
    assert.equal(t.status, "dropped");
    assert.deepEqual(
      t.options.map((o) => [o.name, o.result]),
      [
        ["dbgp", "ignored (lockdown)"],
        ["dbgp", "not run (after an ignored entry)"],
      ],
    );
  });

  test("bracket keys are matched before the lockdown check, so ivrs_ioapic[ is not filtered", () => {
    const a = analyse({ bootloader: "ivrs_ioapic[4]=00:14.0" }, { model: "variant-b", sb: true });
    assert.equal(token(a, "ivrs_ioapic[4]=00:14.0").status, "applied");
  });

  test("unsafe options are ignored with a log line, never an unknown or invalid report", () => {
    const a = analyse({ bootloader: "maxcpus=4k" }, { model: "summit", sb: true });
    assert.equal(token(a, "maxcpus=4k").status, "dropped");
    assert.ok(!codes(a).includes("cmdline/invalid-value"));
    assert.equal(setting(a, "maxcpus"), undefined);
  });
});

describe("the warnings Xen prints", () => {
  test("one `invalid value` warning per token, as Xen prints it, with the error code Xen keeps", () => {
    const a = analyse({ bootloader: "no-dbgp=x no-dbgp hardware_dom=65536x" });
    const invalid = a.diagnostics.filter((d) => d.code === "cmdline/invalid-value");
    assert.deepEqual(
      invalid.map((d) => /Xen logs `([^`]*)`/.exec(d.message)?.[1]),
      [
        'parameter "no-dbgp" has invalid value "x", rc=-22!',
        'parameter "no" has invalid value "no", rc=-22!',
        'parameter "hardware_dom" has invalid value "65536x", rc=-22!',
      ],
    );
    assert.deepEqual(
      a.tokens.map((t) => [t.status, t.log]),
      [
        ["invalid", ['parameter "no-dbgp" has invalid value "x", rc=-22!']],
        ["invalid", ['parameter "no" has invalid value "no", rc=-22!']],
        ["invalid", ['parameter "hardware_dom" has invalid value "65536x", rc=-22!']],
      ],
    );
    // `no-dbgp` is not off: the xHCI handler never ran
    assert.deepEqual(
      token(a, "no-dbgp").options.map((o) => o.result),
      [
        'parse_ehci_dbgp("no")',
        "not assigned, rc=-22 (an entry before it rewrote the token to `no`, so `no-` comes with a value: the handler is not called)",
      ],
    );
  });
});

describe("sub-option filtering under lockdown (XenServer)", () => {
  test("case 20: com1's I/O base other than 0x3f8/0x2f8 is dropped, baud and format kept; upstream v2 does not look", () => {
    const xs = analyse(
      { bootloader: "com1=115200,8n1,0x3e8" },
      { model: "summit", sb: true, safe: "xenserver" },
    );
    const t = token(xs, "com1=115200,8n1,0x3e8");
    assert.equal(t.status, "partly-applied");
    assert.ok(t.why.some((w) => w.includes("0x3e8") && w.includes("default 0x3f8")));
    for (const ok of [
      "com1=115200,8n1,0x2f8",
      "com1=115200,8n1,io-base=0x2f8",
      "com1=115200,8n1",
      "com1=115200,8n1,pci",
    ])
      assert.equal(
        token(analyse({ bootloader: ok }, { model: "summit", sb: true, safe: "xenserver" }), ok).status,
        "applied",
        ok,
      );
    const named = "com2=115200,8n1,io-base=0x3e8";
    assert.equal(
      token(analyse({ bootloader: named }, { model: "summit", sb: true, safe: "xenserver" }), named).status,
      "partly-applied",
    );
    const v2 = analyse({ bootloader: "com1=115200,8n1,0x3e8" }, { model: "summit", sb: true, safe: "v2" });
    assert.equal(token(v2, "com1=115200,8n1,0x3e8").status, "applied");
  });

  test('case 21: ucode=scan,digest-check=no keeps scan and drops digest-check=no; no-ucode calls the handler with "no"', () => {
    const a = analyse(
      { bootloader: "ucode=scan,digest-check=no no-ucode" },
      { model: "summit", sb: true, safe: "xenserver" },
    );
    const t = token(a, "ucode=scan,digest-check=no");
    assert.equal(t.status, "partly-applied");
    assert.deepEqual(t.why, ["`digest-check=no`: turning digest-check off is ignored under lockdown"]);
    assert.equal(token(a, "no-ucode").status, "applied");
    assert.equal(setting(a, "ucode"), 'parse_ucode("scan,digest-check=no") then parse_ucode("no")');
    // the XenServer list adds the HAP superpage options to v2's
    assert.equal(
      token(
        analyse({ bootloader: "hap_1gb=0" }, { model: "summit", sb: true, safe: "xenserver" }),
        "hap_1gb=0",
      ).status,
      "applied",
    );
    assert.equal(
      token(analyse({ bootloader: "hap_1gb=0" }, { model: "summit", sb: true, safe: "v2" }), "hap_1gb=0")
        .status,
      "dropped",
    );
  });
});
