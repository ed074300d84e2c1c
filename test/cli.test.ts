import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { generatedSchemas } from "../src/report/json-schema-files.js";
import { ensureBuilt, json, run } from "./support/cli.js";

/** The Arm example with `xs` asking to be a second hardware domain: a board Xen would not boot. */
function secondHardwareDomainBoard(): string {
  const bad = join(mkdtempSync(join(tmpdir(), "xenpriv-")), "bad.dts");
  const text = readFileSync("examples/arm-dom0less-split.dts", "utf8");
  writeFileSync(bad, text.replace("capabilities = <0x4>;", "capabilities = <0x6>;"));
  return bad;
}

before(ensureBuilt);

describe("check", () => {
  test("an allowed request exits 0 and explains itself", () => {
    const r = json("check", "ctl", "domctl/pausedomain", "guest");
    assert.equal(r.code, 0);
    assert.equal(r.value.decision, "allow");
    const steps = r.value.steps as { what: string; value?: boolean; ref?: string }[];
    assert.ok(
      steps.some(
        (s) =>
          s.what === "is_control_domain(src)" && s.value === true && s.ref === "xen/include/xsm/dummy.h:98",
      ),
    );
  });

  test("a denied request exits 1 and names how the denial shows", () => {
    const r = json("check", "guest", "domctl/pausedomain", "ctl");
    assert.equal(r.code, 1);
    assert.equal(r.value.decision, "deny");
    assert.equal(r.value.error, "-EPERM");
  });

  test("the text form shows the hook, the predicates and the Xen lines", () => {
    const r = run("check", "hwdom", "physdev_op/setup_gsi");
    assert.equal(r.code, 1);
    assert.match(r.out, /^DENY {2}hwdom physdev_op\/setup_gsi/);
    assert.match(r.out, /xsm_resource_setup_gsi\(XSM_PRIV\)\s+\[xen\/arch\/x86\/physdev\.c:\d+\]/);
    assert.match(r.out, /✘ is_control_domain\(src\)/);
  });

  test("unknown names are bad input with suggestions, and nothing on stdout", () => {
    const a = run("check", "ctrl", "domctl/pausedomain", "guest");
    assert.equal(a.code, 2);
    assert.equal(a.out, "");
    assert.match(a.err, /unknown domain `ctrl`/);
    assert.match(a.err, /did you mean `ctl`/);
    const b = run("check", "ctl", "domctl/pausedomian", "guest");
    assert.equal(b.code, 2);
    assert.match(b.err, /did you mean `domctl\/pausedomain`/);
  });

  test("a missing or surplus target is bad usage", () => {
    assert.equal(run("check", "ctl", "domctl/pausedomain").code, 2);
    assert.equal(run("check", "ctl", "platform_op/settime64", "guest").code, 2);
    assert.equal(run("who-can", "platform_op/settime64", "--on", "guest").code, 2);
  });
});

describe("bad system files", () => {
  const cases: [string, RegExp][] = [
    ["malformed.yaml", /malformed\.yaml:[45]:\d+: error\[system\/syntax\]/],
    [
      "duplicate-domid.yaml",
      /duplicate-domid\.yaml:5:\d+: error\[system\/duplicate-domid\]: duplicate domid 1/,
    ],
    [
      "missing-target.yaml",
      /missing-target\.yaml:4:\d+: error\[system\/unknown-target\].*\n {2}help: did you mean `web`/,
    ],
    [
      "two-hardware-domains.yaml",
      /two-hardware-domains\.yaml:7:\d+: error\[system\/second-hardware-domain\]/,
    ],
    ["late-hwdom-disabled.yaml", /late-hwdom-disabled\.yaml:9:\d+: error\[system\/late-hwdom-disabled\]/],
    ["wrong-types.json", /wrong-types\.json:1:\d+: error\[system\/invalid\]: `arch`: unknown value `riscv`/],
  ];
  for (const [file, pattern] of cases) {
    test(file, () => {
      const r = run("matrix", "--system", `test/fixtures/systems/${file}`);
      assert.equal(r.code, 2);
      assert.equal(r.out, "");
      assert.match(r.err, pattern);
      assert.doesNotMatch(r.err, /at .*\.js:\d+/);
    });
  }
  test("typos in keys and capability names get suggestions", () => {
    const r = run("matrix", "--system", "test/fixtures/systems/wrong-types.json");
    assert.match(r.err, /unknown value `controll`[\s\S]*did you mean `control`/);
  });
  test("a missing file is bad input", () => {
    const r = run("matrix", "--system", "test/fixtures/systems/nope.yaml");
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read `test\/fixtures\/systems\/nope\.yaml`: ENOENT/);
  });
});

describe("queries", () => {
  test("who-can lists callers per relation, and per target with --on", () => {
    const all = json("who-can", "dm_op");
    assert.equal(all.code, 0);
    const cells = all.value.cells as { domain: string; others?: string }[];
    assert.deepEqual(
      cells.filter((c) => c.others === "all").map((c) => c.domain),
      ["ctl"],
    );
    const on = json("who-can", "dm_op", "--on", "guest", "--policy", "hw-priv-v1");
    const allowed = (on.value.decisions as { src: string; decision: string }[]).filter(
      (d) => d.decision === "allow",
    );
    assert.deepEqual(allowed.map((d) => d.src).sort(), ["ctl", "hwdom"]);
  });

  test("what-can lists what a domain may do", () => {
    const r = json("what-can", "xs");
    const ops = (r.value.cells as { op: string }[]).map((c) => c.op);
    assert.ok(ops.includes("domctl/getdomaininfo"));
    assert.ok(!ops.includes("domctl/pausedomain"));
  });

  test("matrix filters by hypercall and renders every format", () => {
    const r = json("matrix", "--hypercall", "platform_op");
    assert.ok((r.value.ops as string[]).every((o) => o.startsWith("platform_op/")));
    assert.match(
      run("matrix", "--hypercall", "sysctl", "-f", "md").out,
      /^\| operation \| hwdom \| ctl \| xs \| guest \|/m,
    );
    assert.match(run("matrix", "--hypercall", "sysctl", "-f", "csv").out, /^operation,hwdom,ctl,xs,guest$/m);
  });

  test("ops and policies", () => {
    const ops = json("ops", "--hook", "platform_op");
    assert.ok((ops.value.operations as unknown[]).length >= 20);
    const p = json("policies");
    assert.deepEqual(
      (p.value.policies as { name: string }[]).map((x) => x.name),
      ["dummy", "silo", "hw-priv-v1", "hw-priv-2025-06", "hw-priv-v2"],
    );
  });
});

describe("diff on the seed scenario", () => {
  const r = json("diff", "--policy", "dummy", "--vs", "hw-priv-v1");
  const changes = r.value.changes as {
    kind: string;
    domain: string;
    op: string;
    target: string | null;
    relation: string;
  }[];
  test("hw-priv-v1 gives the hardware domain DM_PRIV operations over every domain, the control domain included", () => {
    for (const target of ["ctl", "xs", "guest"])
      assert.ok(
        changes.some(
          (c) => c.kind === "widened" && c.domain === "hwdom" && c.op === "dm_op" && c.target === target,
        ),
        `dm_op on ${target}`,
      );
    assert.ok(
      changes.some(
        (c) =>
          c.kind === "widened" &&
          c.domain === "hwdom" &&
          c.op === "domctl/memory_mapping" &&
          c.target === "ctl",
      ),
    );
  });
  test("the control domain loses platform_op and the other operations moved to HW_PRIV", () => {
    for (const op of ["platform_op/settime64", "platform_op/microcode_update", "platform_op/get_cpuinfo"])
      assert.ok(
        changes.some((c) => c.kind === "narrowed" && c.domain === "ctl" && c.op === op),
        op,
      );
    // a PVH control domain never reached the physdev ones: hvm_physdev_op answers -ENOSYS first
    assert.ok(!changes.some((c) => c.domain === "ctl" && c.op === "physdev_op/setup_gsi"));
  });
  test("a PV control domain loses the physdev operations too", () => {
    const pv = json(
      "diff",
      "-p",
      "dummy",
      "--vs",
      "hw-priv-v1",
      "--system",
      "test/fixtures/systems/pv-control-split.yaml",
    );
    const lost = (pv.value.changes as { kind: string; domain: string; op: string }[])
      .filter((c) => c.kind === "narrowed" && c.domain === "dom0")
      .map((c) => c.op);
    for (const op of [
      "physdev_op/setup_gsi",
      "physdev_op/apic_read",
      "physdev_op/pci_mmcfg_reserved",
      "physdev_op/manage_pci_add",
      "platform_op/settime64",
    ])
      assert.ok(lost.includes(op), op);
  });
  test("a policy compared with itself changes nothing, and --exit-code reports changes", () => {
    assert.deepEqual(json("diff", "-p", "dummy", "--vs", "dummy").value.changes, []);
    assert.equal(run("diff", "-p", "dummy", "--vs", "hw-priv-v2", "--exit-code").code, 1);
  });
  test("diff --xen: --exit-code counts changed checks, hooks and lookups too; --hypercall narrows it", () => {
    // beyond allow/deny, the domctl lookup and checks change
    assert.equal(run("diff", "--xen", "4.20.0", "--vs", "4.22.0", "--exit-code").code, 1);
    assert.equal(run("diff", "--xen", "4.22.0", "--vs", "4.22.0", "--exit-code").code, 0);
    const d = json("diff", "--xen", "4.20.0", "--vs", "4.22.0", "--hypercall", "domctl").value as {
      checks: { op: string }[];
      effective: { addedOps: string[]; removedOps: string[] };
    };
    const ops = [...d.checks.map((c) => c.op), ...d.effective.addedOps, ...d.effective.removedOps];
    assert.ok(ops.includes("domctl/get_domain_state") && ops.includes("domctl/vm_event_op"));
    assert.deepEqual(
      ops.filter((o) => !o.startsWith("domctl/")),
      [],
    );
  });

  test("diff --xen 4.20.0 --vs 4.22.0: GET_VERSION lost its check, a widening with the deciding line on each side", () => {
    const d = json("diff", "--xen", "4.20.0", "--vs", "4.22.0").value as {
      effective: { changes: { kind: string; op: string; domain: string; fromRef: string; toRef: string }[] };
    };
    const widened = d.effective.changes.filter((c) => c.kind === "widened");
    assert.deepEqual([...new Set(widened.map((c) => c.op))], ["domctl/vm_event_op/get_version"]);
    // every domain; the control domain only on itself, which 4.20.0 refused after its XSM check
    assert.deepEqual([...new Set(widened.map((c) => c.domain))].sort(), ["ctl", "guest", "hwdom", "xs"]);
    for (const c of widened) {
      // 4.20.0 refused at xsm_domctl(XSM_OTHER), or the control domain on itself at vm_event_domctl()'s
      // self test; 4.22.0 answers before any check and needs no domain, so the table row decides
      const self = c.domain === "ctl";
      assert.equal(c.fromRef, self ? "xen/common/vm_event.c:607" : "xen/common/domctl.c:326");
      assert.equal(c.toRef, "xen/include/hypercall-defs.c:230");
    }
    assert.deepEqual(
      widened.filter((c) => c.domain === "ctl").map((c) => (c as unknown as { target: string }).target),
      ["ctl"],
    );
  });
});

describe("examples", () => {
  // the system descriptions; examples/profiles/ holds privcmd profiles, tested by cli-privcmd-check
  const systems = readdirSync("examples", { withFileTypes: true }).filter((e) => e.isFile());
  for (const { name: file } of systems) {
    test(`${file} loads and gives a matrix`, () => {
      const r = json("matrix", "--system", `examples/${file}`);
      assert.equal(r.code, 0);
      assert.ok((r.value.domains as string[]).length >= 3);
    });
  }
  test("a device tree is a system: the dom0less DTS gives the matrix of its YAML twin, and so does its DTB", () => {
    const yaml = json("matrix", "--system", "examples/arm-dom0less-split.yaml").value;
    const dts = json("matrix", "--system", "examples/arm-dom0less-split.dts").value;
    assert.deepEqual(dts.domains, ["ctl", "hw", "xs", "rtos", "linux"]);
    assert.deepEqual(dts.cells, yaml.cells);
    const dtb = join(mkdtempSync(join(tmpdir(), "xenpriv-")), "board.dtb");
    const made = spawnSync("dtc", ["-I", "dts", "-O", "dtb", "-o", dtb, "examples/arm-dom0less-split.dts"]);
    assert.equal(made.status, 0, `dtc: ${made.stderr}`);
    assert.deepEqual(json("matrix", "--system", dtb).value.cells, yaml.cells);
    assert.equal(json("check", "ctl", "domctl/pausedomain", "hw", "--system", dtb).value.decision, "allow");
  });
  test("--hyperlaunch builds the domains of the hyperlaunch design; without it they are a note of lint", () => {
    const dts = join(mkdtempSync(join(tmpdir(), "xenpriv-")), "hl.dts");
    writeFileSync(
      dts,
      readFileSync("examples/arm-dom0less-split.dts", "utf8").replace(
        /\t};\n};\n$/,
        `		hypervisor {
			compatible = "hypervisor,xen";
			boss { compatible = "xen,domain"; domid = <0>; permissions = <0x1>; };
			store { compatible = "xen,domain"; domid = <9>; functions = <0x40000000>; };
		};
	};
};
`,
      ),
    );
    const design = json("matrix", "--system", dts, "--hyperlaunch").value;
    assert.deepEqual(design.domains, ["boss", "store"]);
    assert.deepEqual(json("matrix", "--system", dts).value.domains, ["ctl", "hw", "xs", "rtos", "linux"]);
    assert.match(
      run("lint", dts).out,
      /note\[xen-boot\/hyperlaunch-design\]: `\/chosen\/hypervisor` follows the hyperlaunch design/,
    );
    assert.doesNotMatch(run("lint", dts, "--rule", "console-access").out, /hyperlaunch/);
  });
  test("a device tree Xen would not boot is bad input: every broken boot rule, its span and Xen line, exit 2", () => {
    const bad = secondHardwareDomainBoard();
    const r = run("who-can", "domctl/pausedomain", "--system", bad);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /bad\.dts:\d+:\d+: error\[boot\/second-hardware-domain\]: `xs` asks to be the hardware domain/,
    );
    assert.match(r.err, /xen: xen\/common\/device-tree\/dom0less-bindings\.c:44-48/);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    assert.equal(r.out, "");
  });
  test("stub domains act on their own target only", () => {
    const r = json("check", "qemu-web", "dm_op", "web", "--system", "examples/x86-stubdoms.yaml");
    assert.equal(r.value.decision, "allow");
    assert.equal(
      json("check", "qemu-web", "dm_op", "mail", "--system", "examples/x86-stubdoms.yaml").value.decision,
      "deny",
    );
  });
});

describe("lint", () => {
  test("a board Xen would not boot is linted, not refused: boot rules and disaggregation rules, with code frames", () => {
    const bad = secondHardwareDomainBoard();
    const r = run("lint", bad);
    assert.equal(r.code, 1, "errors fail by default");
    assert.match(r.out, /error\[xen-boot\/second-hardware-domain\]: `xs` asks to be the hardware domain/);
    assert.match(r.out, /\n\d+ \| \s+capabilities = <0x6>;\s+\/\* DOMAIN_CAPS_XENSTORE \*\/\n\s+\| \s+\^+/);
    assert.match(r.out, / {2}xen: xen\/common\/device-tree\/dom0less-bindings\.c:44-48/);
    assert.match(r.out, /error\[single-hardware-xenstore\]: `xs` is a second hardware domain/);
    assert.match(r.out, /\d+ error\(s\), \d+ warning\(s\), \d+ note\(s\)$/m);
  });

  test("--fail-on sets the severity that exits 1; json and SARIF carry the same findings", () => {
    const dts = "examples/arm-dom0less-split.dts";
    assert.equal(run("lint", dts).code, 0, "warnings and notes only");
    assert.equal(run("lint", dts, "--fail-on", "warning").code, 1);
    assert.equal(run("lint", dts, "--fail-on", "note", "--rule", "console-access").code, 1);
    assert.equal(run("lint", dts, "--fail-on", "note", "--rule", "stubdom-target-privileged").code, 0);
    const j = JSON.parse(run("lint", dts, "-f", "json").out) as {
      kind: string;
      findings: { rule: string; code: string }[];
    };
    assert.equal(j.kind, "lint");
    const sarif = JSON.parse(run("lint", dts, "-f", "sarif").out) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    assert.equal(sarif.version, "2.1.0");
    // a boot condition is its own SARIF rule
    assert.deepEqual(
      sarif.runs[0]?.results.map((x) => x.ruleId),
      j.findings.map((f) => (f.rule === "xen-boot" ? `xen-boot/${f.code.slice(5)}` : f.rule)),
    );
  });

  test("SARIF for code scanning: paths under %SRCROOT% (the git work tree by default), helpUri from --docs-uri", () => {
    const board = "examples/arm-dom0less-split.dts";
    type Sarif = {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: object } }[] }[];
      }[];
    };
    const own = JSON.parse(run("lint", board, "-f", "sarif", "--fail-on", "never").out) as Sarif;
    const r0 = own.runs[0];
    assert.equal(r0?.originalUriBaseIds["%SRCROOT%"]?.uri, `${pathToFileURL(process.cwd()).href}/`);
    assert.deepEqual(r0?.results[0]?.locations[0]?.physicalLocation.artifactLocation, {
      uri: board,
      uriBaseId: "%SRCROOT%",
    });
    assert.equal(
      r0?.tool.driver.rules[0]?.helpUri,
      `${pathToFileURL(process.cwd()).href}/docs/rules/xen-boot.md`,
    );
    const given = JSON.parse(
      run(
        "lint",
        board,
        "-f",
        "sarif",
        "--source-root",
        "examples",
        "--docs-uri",
        "https://example.org/xenpriv",
      ).out,
    ) as Sarif;
    assert.deepEqual(given.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation, {
      uri: "arm-dom0less-split.dts",
      uriBaseId: "%SRCROOT%",
    });
    assert.equal(
      given.runs[0]?.tool.driver.rules.find((r) => r.id === "xen-boot/hardware-needs-iommu")?.helpUri,
      "https://example.org/xenpriv/docs/rules/xen-boot/hardware-needs-iommu.md",
    );
    const bad = run("lint", board, "-f", "sarif", "--docs-uri", "docs/");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /error\[lint\/docs-uri\]: `docs\/` is not an absolute URI/);
    assert.equal(bad.out, "");
    assert.equal(run("lint", board, "-f", "sarif", "--source-root", "no-such-dir").code, 2);
  });

  test("a system file that says its platform has no IOMMU: the hardware domain's device models are flagged", () => {
    const dir = mkdtempSync(join(tmpdir(), "xenpriv-iommu-"));
    const yaml = readFileSync("examples/arm-dom0less-split.yaml", "utf8");
    const noIommu = join(dir, "no-iommu.yaml");
    writeFileSync(noIommu, yaml.replace(/^xsm: dummy$/m, "xsm: hw-priv-v1\nbuild:\n  iommu: false"));
    const r = run("lint", noIommu, "--rule", "hwdom-dm-without-iommu");
    assert.match(
      r.out,
      /warning\[hwdom-dm-without-iommu\]: the hardware domain `hw` may act as device model on \d+ guest/,
    );
    // unknown (no `iommu`) or true: nothing to say
    const unknown = join(dir, "unknown.yaml");
    writeFileSync(unknown, yaml.replace(/^xsm: dummy$/m, "xsm: hw-priv-v1"));
    assert.match(
      run("lint", unknown, "--rule", "hwdom-dm-without-iommu").out,
      /^0 error\(s\), 0 warning\(s\)/m,
    );
  });

  test("cpp output under another name is still a device tree", () => {
    const dir = mkdtempSync(join(tmpdir(), "xenpriv-cpp-"));
    const pre = join(dir, "board.i");
    writeFileSync(pre, `# 1 "board.dts"\n${readFileSync("examples/arm-dom0less-split.dts", "utf8")}`);
    const r = run("lint", pre, "--rule", "xen-boot");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /0 error\(s\)/);
  });

  test("--secure-boot flags a split dom0; an unknown rule is bad input", () => {
    const r = run("lint", "examples/arm-dom0less-split.yaml", "--secure-boot", "--rule", "secure-boot-split");
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /error\[secure-boot-split\]: Secure Boot is on and the privileged roles are split across `ctl`, `hw`, `xs`/,
    );
    assert.equal(run("lint", "examples/arm-dom0less-split.yaml", "--rule", "secure-boot-split").code, 0);
    const u = run("lint", "--rule", "no-such-rule");
    assert.equal(u.code, 2);
    assert.match(u.err, /error\[lint\/unknown-rule\]/);
  });
});

describe("--kconfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-kconfig-"));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  test("the boot rules read the build: a whole .config without the vUART refuses `vpl011`", () => {
    const whole = write(
      "whole.config",
      "#\n# Automatically generated file; DO NOT EDIT.\n#\nCONFIG_ARM_64=y\n# CONFIG_SBSA_VUART_CONSOLE is not set\n",
    );
    const r = run("lint", "examples/arm-dom0less-split.dts", "--kconfig", whole, "--rule", "xen-boot");
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /error\[xen-boot\/vpl011\]: `rtos`: `vpl011` and Xen is built without CONFIG_SBSA_VUART_CONSOLE/,
    );
    // a fragment names only what it changes: the vUART keeps its default
    const fragment = write("fragment.config", "CONFIG_ARM64_SVE=y\n");
    assert.equal(
      run("lint", "examples/arm-dom0less-split.dts", "--kconfig", fragment, "--rule", "xen-boot").code,
      0,
    );
  });

  test("options it turns off remove their operations; a line that is not Kconfig is bad input", () => {
    const off = write("off.config", "# CONFIG_GRANT_TABLE is not set\n");
    assert.match(run("matrix", "-f", "json").out, /grant_table_op/);
    assert.doesNotMatch(run("matrix", "-f", "json", "--kconfig", off).out, /grant_table_op/);
    const bad = write("bad.config", "CONFIG_A=y\nSTATIC_MEMORY=y\n");
    const r = run("lint", "examples/arm-dom0less-split.dts", "--kconfig", bad);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.config:2:1: error\[config\/syntax\]/);
    assert.equal(r.out, "");
  });
});

describe("options", () => {
  test("the shipped catalogue: registrations joined with their documentation, both kinds of difference", () => {
    const r = json("options", "--arch", "arm");
    assert.equal(r.code, 0);
    const v = r.value as {
      options: { name: string; builds: { arm: boolean }; doc?: { syntax?: string } }[];
      undocumented: string[];
    };
    assert.ok(v.options.length > 0 && v.options.every((o) => o.builds.arm));
    assert.equal(v.options.find((o) => o.name === "llc-coloring")?.doc?.syntax, "= <boolean>");
    assert.ok(v.undocumented.includes("placeholder"));
    assert.match(run("options").out, /documented, not registered: no-real-mode/);
    const bad = run("options", "--xen", "4.2");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /did you mean `4\.22\.0`/);
  });

  test("options extract reads a tree; a directory that is none is bad input", () => {
    const out = join(mkdtempSync(join(tmpdir(), "xenpriv-options-")), "options.json");
    const r = run(
      "options",
      "extract",
      "test/fixtures/extract/options",
      "-o",
      out,
      "--xen-version",
      "fixture",
    );
    assert.equal(r.code, 0);
    assert.match(r.err, /11 registrations, 10 names/);
    assert.equal(JSON.parse(readFileSync(out, "utf8")).xen, "fixture");
    const none = run("options", "extract", "test/fixtures/devicetree");
    assert.equal(none.code, 2);
    assert.match(none.err, /error\[extract\/not-a-xen-tree\]/);
  });
});

describe("extract", () => {
  const TREE = "test/fixtures/extract/patterns/case-labels";

  test("a tree whose policy it cannot read exits 2 with file:line:column, and writes nothing", () => {
    const root = join(mkdtempSync(join(tmpdir(), "xenpriv-extract-")), "tree");
    cpSync(TREE, root, { recursive: true });
    writeFileSync(
      join(root, "xen/include/xsm/dummy.h"),
      readFileSync("test/fixtures/extract/hooks-default-jumps/xen/include/xsm/dummy.h", "utf8"),
    );
    const out = join(root, "out.json");
    const r = run("extract", root, "-o", out);
    assert.equal(r.code, 2);
    assert.equal(r.out, "");
    assert.match(
      r.err,
      /xen\/include\/xsm\/dummy\.h:14:5: error\[extract\/default-action-unread\]: xsm_default_action: `case XSM_TARGET:` inside a block/,
    );
    assert.match(r.err, /help: xenpriv reads `xsm_default_action\(\)` whole or not at all/);
    assert.doesNotMatch(r.err, /internal error| {4}at /);
    assert.equal(readdirSync(root).includes("out.json"), false);
  });

  test("a commit that is not the checkout's is said first, with a cache directory that cannot be made too", () => {
    const root = mkdtempSync(join(tmpdir(), "xenpriv-extract-checkout-"));
    cpSync(TREE, root, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", root, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        encoding: "utf8",
      });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "tree");
    const notDir = join(root, "file");
    writeFileSync(notDir, "");
    const r = run(
      "extract",
      root,
      "--commit",
      "d45d5687f1441495f4ee20d5e9940066c5fa5beb",
      "--cache-dir",
      join(notDir, "cache"),
      "-o",
      join(root, "out.json"),
    );
    assert.equal(r.code, 2);
    assert.match(r.err, /error\[extract\/commit-mismatch\]/);
    assert.doesNotMatch(r.err, /internal error| {4}at |InputError/);
    assert.equal(existsSync(join(root, "out.json")), false);
  });

  test("--commit names the commit of a tree without git; without it the commit is unknown, and said so", () => {
    const dir = mkdtempSync(join(tmpdir(), "xenpriv-extract-"));
    const sha = "d45d5687f1441495f4ee20d5e9940066c5fa5beb";
    const named = run("extract", TREE, "-o", join(dir, "a.json"), "--commit", sha);
    assert.equal(named.code, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, "a.json"), "utf8")).meta.commit, sha);
    assert.doesNotMatch(named.err, /commit unknown/);
    const unnamed = run("extract", TREE, "-o", join(dir, "b.json"));
    assert.equal(unnamed.code, 0);
    assert.equal(JSON.parse(readFileSync(join(dir, "b.json"), "utf8")).meta.commit, "");
    assert.match(unnamed.err, /commit unknown: not a git checkout; --commit names it/);
    const bad = run("extract", TREE, "--commit", "d45d568");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /error\[extract\/bad-commit\]: `d45d568` is not a full commit id/);
  });
});

describe("usage", () => {
  test("unknown options and commands exit 2", () => {
    assert.equal(run("matrix", "--nope").code, 2);
    assert.equal(run("frobnicate").code, 2);
    assert.equal(run("check", "ctl", "dm_op", "guest", "--format", "xml").code, 2);
  });
  test("the demo runs the main job", () => {
    const r = run("demo");
    assert.equal(r.code, 0);
    assert.match(r.out, /decision matrix under dummy/);
    assert.match(r.out, /dummy -> hw-priv-v1: \d+ widened, \d+ narrowed/);
  });
});

test("published JSON schemas are generated from the code's schemas", () => {
  for (const [file, text] of Object.entries(generatedSchemas()))
    assert.equal(
      readFileSync(`schemas/${file}`, "utf8"),
      text,
      `schemas/${file} is stale: run npm run schemas`,
    );
});
