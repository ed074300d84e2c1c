/**
 * The formats `npm run fuzz:all` mutates, each with its seeds (files of the repository, or inputs
 * built by the tests' writers), the tokens its mutations insert, and how a case runs: through the
 * command line as a user types it (`main(argv)` in the fuzzing process, every output format in
 * turn), or, for extraction, through the public `extractCatalogue`.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../../src/core/errors.js";
import { parseDts } from "../../../src/devicetree/parse-dts.js";
import { writeDtb } from "../../../src/devicetree/write-dtb.js";
import { extractCatalogue } from "../../../src/extract/extract-catalogue.js";
import { efiImage, SCN, sbatlevelData, sbatSection, writePe } from "../pe-writer.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const at = (...p: string[]) => join(ROOT, ...p);
const bytes = (s: string) => Buffer.from(s, "latin1");
const files = (dir: string, ext: RegExp) =>
  readdirSync(at(dir))
    .filter((n) => ext.test(n))
    .sort()
    .map((n) => readFileSync(at(dir, n)));

/** What a case runs with: its file, the CLI, and a folder of its own. */
export interface CaseContext {
  /** the case written to a file named for its format */
  readonly path: string;
  readonly input: Uint8Array;
  /** the case's number: it chooses the command and the output format */
  readonly index: number;
  /** the seed it was mutated from */
  readonly seed: number;
  /** runs the CLI in this process; a crash (exit 3) throws */
  readonly cli: (argv: string[]) => Promise<number>;
  /** a folder this process may use for the run */
  readonly work: string;
}

export interface FuzzTarget {
  readonly name: string;
  /** the name the case's file gets (its extension matters to the CLI) */
  readonly file: string;
  readonly seeds: () => Uint8Array[];
  readonly dict: readonly string[];
  /** runs one case: returns for a result or bad input; anything thrown is a crash */
  readonly run: (c: CaseContext) => Promise<void>;
}

const pick = <T>(c: CaseContext, xs: readonly T[]): T => xs[c.index % xs.length] as T;
const textFormat = (c: CaseContext) => pick(c, ["table", "json", "md", "csv"]);
const shortFormat = (c: CaseContext) => pick(c, ["table", "json", "md"]);

const YAML_TOKENS = [
  "&a ",
  "*a",
  "*nope",
  "- ",
  ": ",
  "[",
  "]",
  "{",
  "}",
  ", ",
  "<<: *a\n",
  "!!binary ",
  "!!str ",
  "!custom ",
  "---\n",
  "...\n",
  "? ",
  "|\n",
  ">-\n",
  "'",
  '"',
  "# c\n",
  "\t",
  "~",
  "null",
  "true",
  "0x",
  "1e400",
  "-1",
  "4294967296",
  "32752",
  "\n  ",
  "__proto__: ",
  "%YAML 1.1\n",
  "\ufeff",
];
const SYSTEM_TOKENS = [
  ...YAML_TOKENS,
  "domid: ",
  "caps: [control, hardware, xenstore, device-model]",
  "target: ",
  "name: ",
  "type: hvm",
  "type: pv",
  "built: dom0less",
  "built: late-hwdom",
  "xsm: silo",
  "xsm: hw-priv-v1",
  "xen: 4.17.7",
  "arch: arm",
  "  - name: x\n    domid: 7\n",
  "build:\n  late_hwdom: true\n",
  "is_console: true",
];
const JSON_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "\\u0000",
  "\\",
  "null",
  "true",
  "-0",
  "1e999",
  '"id"',
  '"hooks"',
  '"operations"',
  '"checks"',
  '"action"',
  '"XSM_PRIV"',
  '"__proto__"',
];
const DTS_TOKENS = [
  "/dts-v1/;",
  "/plugin/;",
  "/ {",
  "};",
  "{",
  "}",
  ";",
  "<",
  ">",
  "[",
  "]",
  "(",
  ")",
  '"',
  "'a'",
  "0xffffffffffffffff",
  "&x",
  "&{/a}",
  "x: ",
  "/delete-node/ ",
  "/delete-property/ ",
  "/bits/ 8 ",
  "/bits/ 64 ",
  "/memreserve/ 0 1;",
  "/omit-if-no-ref/ ",
  '/incbin/("x")',
  '/include/ "x"',
  "/*",
  "*/",
  "//",
  "=",
  ",",
  "#",
  '\n# 3 "f.dts"\n',
  "0x",
  "-",
  "\\",
  "?",
  ":",
  "<<",
  ">>",
  "/ 0",
  "% 0",
  "00 11 22",
  'compatible = "xen,domain";',
  "capabilities = <7>;",
  "chosen {",
  'xen,xen-bootargs = "console=dtuart";',
  "multiboot,kernel",
  "reg = <0x0 0x1000>;",
  "#address-cells = <2>;",
  "#size-cells = <0>;",
  "iommus = <&x 1>;",
  "xen,passthrough;",
  "ranges;",
];
const BINARY_WORDS = [
  "\x00\x00\x00\x00",
  "\x00\x00\x00\x01",
  "\x00\x00\x00\x02",
  "\x00\x00\x00\x03",
  "\x00\x00\x00\x04",
  "\x00\x00\x00\x09",
  "\xd0\x0d\xfe\xed",
  "\xff\xff\xff\xff",
  "\x7f\xff\xff\xff",
  "\x80\x00\x00\x00",
  "\x00\x00\x10\x00",
];
const PE_TOKENS = [
  ...BINARY_WORDS,
  "MZ",
  "PE\x00\x00",
  "\x0b\x01",
  "\x0b\x02",
  ".sbat\x00\x00\x00",
  ".sbatlev",
  ".config\x00",
  "/4\x00\x00\x00\x00\x00\x00",
  "\x64\x86",
];
const CSV_TOKENS = [
  ",",
  "\n",
  "\r",
  "\r\n",
  "\x00",
  "sbat,1,",
  "shim,4",
  "grub,3",
  "xen,1",
  "65535",
  "65536",
  "99999999999999999999",
  "-1",
  "sbat,1,2023012900\n",
  " ",
  "\xff",
];
const CMDLINE_TOKENS = [
  " ",
  "\t",
  "=",
  ",",
  "no-",
  "console=",
  "com1=115200,8n1",
  "dom0_mem=",
  "max:",
  "iommu=",
  "no-intremap",
  "loglvl=all",
  "lockdown",
  "efi=",
  "--",
  '"',
  "'",
  "\\",
  "0x",
  "-1",
  "18446744073709551616",
  "1G",
  "k",
  "\x00",
  "\xe9",
  "cpufreq=xen:performance,verbose",
  "sched=credit2",
  "dom0=pvh,verbose",
  "ucode=scan",
];
const CFG_TOKENS = [
  "[global]\n",
  "[xen]\n",
  "default=",
  "options=",
  "kernel=",
  "ramdisk=",
  "chain=",
  "dtb=",
  "ucode=",
  "xsm=",
  "#",
  ";",
  "[",
  "]",
  "=",
  "\n",
  "\r\n",
  "\t",
  "\x00",
  "\xe9",
  ...CMDLINE_TOKENS,
];
const CONFIG_TOKENS = [
  "CONFIG_X=y\n",
  "# CONFIG_X is not set\n",
  'CONFIG_CMDLINE="',
  "CONFIG_CMDLINE_OVERRIDE=y\n",
  "CONFIG_LOCKDOWN_DEFAULT=y\n",
  "CONFIG_PV_SHIM=y\n",
  "CONFIG_XSM=y\n",
  "CONFIG_LATE_HWDOM=y\n",
  "CONFIG_IOMMU=n\n",
  "=",
  '"',
  "\\",
  '\\"',
  "#",
  "\n",
  "\r",
  "\x00",
  "m",
  "0x10",
];
const TRACE_TOKENS = [
  ...JSON_TOKENS,
  "\n",
  '{"ioctl":"HYPERCALL","hypercall":"domctl","subop":"createdomain","fields":{"altp2m_opts":1}}\n',
  '{"ioctl":"HYPERCALL","hypercall":"multicall","entries":[',
  '{"ioctl":"RESTRICT","dom":',
  '"ioctl"',
  '"DM_OP"',
  '"MMAPBATCH_V2"',
  '"fd":',
  '"dom":',
  "32767",
  "4294967296",
];
const C_TOKENS = [
  "#if 0\n",
  "#ifdef CONFIG_X\n",
  "#else\n",
  "#endif\n",
  "#define X(a) a\n",
  "\\\n",
  "{",
  "}",
  "(",
  ")",
  ";",
  ",",
  "switch ( op->cmd ) {",
  "case XEN_DOMCTL_pausedomain:",
  "default:",
  "break;",
  "goto out;",
  "out:",
  "return -EPERM;",
  "ret = xsm_domctl(XSM_OTHER, d, op->cmd);",
  "XSM_PRIV",
  "XSM_DM_PRIV",
  "XSM_HOOK",
  "static XSM_INLINE int cf_check xsm_x(XSM_DEFAULT_ARG struct domain *d)",
  "XSM_ASSERT_ACTION(XSM_PRIV);",
  "return xsm_default_action(action, current->domain, d);",
  "/*",
  "*/",
  "//",
  '"',
  "'",
  "if ( !is_control_domain(d) )",
  "rcu_lock_domain_by_id(",
  "do_domctl",
  "compat",
  "\x00",
];

/** The pattern trees of the extractor's tests (test/fixtures/extract/patterns/<tree>/). */
const PATTERNS = at("test", "fixtures", "extract", "patterns");
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
/** Every file of every pattern tree: the seed's index is a file, its tree the one the case runs on. */
const treeFiles = (() => {
  let list: { tree: string; file: string }[] | undefined;
  return () => {
    list ??= readdirSync(PATTERNS)
      .sort()
      .flatMap((tree) =>
        walk(join(PATTERNS, tree)).map((f) => ({ tree, file: relative(join(PATTERNS, tree), f) })),
      );
    return list;
  };
})();

/** A small valid catalogue: the 4.22.0 catalogue's meta, hooks and lookups with three of its op files. */
function smallCatalogue(...ops: string[]): Uint8Array {
  const part = (n: string) => JSON.parse(readFileSync(at("catalogues", "xen-4.22.0", n), "utf8"));
  const merged: Record<string, unknown> = {
    ...part("meta.json"),
    ...part("hooks.json"),
    ...part("lookups.json"),
  };
  merged.operations = ops.flatMap((n) => part(n).operations);
  return bytes(JSON.stringify(merged, null, 1));
}

const seedPe = () =>
  efiImage(
    sbatSection(
      "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\nxen,1,Xen,xen,4.22,https://xenproject.org/\n",
    ),
  );

/** A device tree, source or blob, as lint, matrix and cmdline read it, in one of their formats. */
const runDeviceTree = async (c: CaseContext): Promise<void> => {
  await c.cli(
    pick(c, [
      ["lint", c.path, "-f", pick(c, ["text", "json", "sarif"])],
      ["matrix", "--system", c.path, "-f", textFormat(c)],
      ["cmdline", "--dt", c.path, "-f", shortFormat(c)],
    ]),
  );
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: "YAML system",
    file: "system.yaml",
    seeds: () => [...files("examples", /\.ya?ml$/), ...files("test/fixtures/systems", /\.(ya?ml|json)$/)],
    dict: SYSTEM_TOKENS,
    run: async (c) => {
      await c.cli(
        pick(c, [
          ["lint", c.path, "-f", pick(c, ["text", "json", "sarif"])],
          ["matrix", "--system", c.path, "-f", textFormat(c)],
          ["check", "ctl", "domctl/pausedomain", "guest", "--system", c.path, "-f", shortFormat(c)],
          ["who-can", "dm_op", "--system", c.path, "-f", textFormat(c)],
        ]),
      );
    },
  },
  {
    name: "privcmd profile",
    file: "profile.yaml",
    seeds: () => [
      ...files("test/fixtures/privcmd", /\.ya?ml$/),
      ...(existsSync(at("examples", "profiles")) ? files("examples/profiles", /\.ya?ml$/) : []),
    ],
    dict: [
      ...YAML_TOKENS,
      "rules:\n",
      "- hypercall: domctl\n",
      "  subops: [createdomain]\n",
      "  verdict: allow\n",
      "errno: EPERM\n",
      "ioctl: DM_OP\n",
      "default: deny\n",
      "when:\n",
    ],
    run: async (c) => {
      await c.cli(
        pick(c, [
          [
            "privcmd",
            "emu",
            "HYPERCALL",
            "domctl",
            "createdomain",
            "--profile",
            c.path,
            "-f",
            shortFormat(c),
          ],
          ["privcmd", "export", "--profile", c.path, "--as", pick(c, ["pfc", "header", "json"])],
        ]),
      );
    },
  },
  {
    name: "catalogue",
    file: "catalogue.json",
    seeds: () => [
      smallCatalogue("ops-dm_op.json", "ops-console_io.json", "ops-emulated.json"),
      ...files("test/fixtures/catalogues", /\.json$/),
    ],
    dict: JSON_TOKENS,
    run: async (c) => {
      await c.cli(
        pick(c, [
          ["matrix", "--xen", c.path, "-f", textFormat(c)],
          ["ops", "--xen", c.path, "-f", textFormat(c)],
          ["check", "ctl", "dm_op", "guest", "--xen", c.path, "-f", shortFormat(c)],
        ]),
      );
    },
  },
  {
    name: "DTS",
    file: "board.dts",
    seeds: () => [
      ...files("examples", /\.dts$/),
      ...files("test/fixtures/xen-docs", /\.dts$/),
      ...files("test/fixtures/devicetree", /\.dts$/),
    ],
    dict: DTS_TOKENS,
    run: runDeviceTree,
  },
  {
    name: "DTB",
    file: "board.dtb",
    seeds: () =>
      [...files("examples", /\.dts$/), ...files("test/fixtures/xen-docs", /\.dts$/)].flatMap((t) => {
        // the boards that stand alone (some include board.dtsi)
        try {
          return [writeDtb(parseDts(t, "seed.dts", { readFile: () => "" }))];
        } catch {
          return [];
        }
      }),
    dict: BINARY_WORDS,
    run: runDeviceTree,
  },
  {
    name: ".config",
    file: "xen.config",
    seeds: () => [
      ...files("test/fixtures/cmdline", /\.config$/),
      bytes('CONFIG_XSM=y\nCONFIG_LATE_HWDOM=y\n# CONFIG_HVM is not set\nCONFIG_CMDLINE="console=com1"\n'),
    ],
    dict: CONFIG_TOKENS,
    run: async (c) => {
      await c.cli(
        pick(c, [
          ["cmdline", "console=vga", "--kconfig", c.path, "-f", shortFormat(c)],
          ["lint", "--kconfig", c.path, "-f", pick(c, ["text", "json"])],
          ["matrix", "--kconfig", c.path, "-f", textFormat(c)],
        ]),
      );
    },
  },
  {
    name: "PE",
    file: "image.efi",
    seeds: () => [
      seedPe(),
      efiImage(sbatSection("sbat,1,x\n"), {
        name: ".sbatlevel",
        data: sbatlevelData("sbat,1,2023012900\n", "sbat,1,2024010900\nshim,4\n"),
      }),
      efiImage({ name: ".config", data: "[global]\ndefault=x\n[x]\noptions=console=vga\n" }),
      writePe({
        pe32: true,
        sections: [{ name: ".text", data: "\xc3", characteristics: SCN.code | SCN.read }],
        certificate: new Uint8Array(16),
      }),
    ],
    dict: PE_TOKENS,
    run: async (c) => {
      await c.cli(
        pick(c, [
          ["sbat", "show", c.path, "-f", shortFormat(c)],
          ["sbat", "check", c.path, "-f", shortFormat(c)],
          ["cmdline", "--uki", c.path, "-f", shortFormat(c)],
        ]),
      );
    },
  },
  {
    name: "SBAT CSV",
    file: "sbat.efi",
    seeds: () => [
      bytes(
        "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\nxen,1,Xen,xen,4.22,https://xenproject.org/\n",
      ),
      bytes(
        "sbat,1,SBAT Version,sbat,1,https://x\ngrub,3,Free Software Foundation,grub,2.06,https://www.gnu.org/software/grub/\ngrub.debian,4,Debian,grub2,2.06-13,https://tracker.debian.org/pkg/grub2\n",
      ),
    ],
    dict: CSV_TOKENS,
    // the CSV as the `.sbat` section of an image, as shim finds it
    run: async (c) => {
      writeFileSync(c.path, efiImage(sbatSection(Buffer.from(c.input).toString("latin1"))));
      await c.cli(
        pick(c, [
          ["sbat", "check", c.path, "-f", shortFormat(c)],
          ["sbat", "show", c.path, "-f", shortFormat(c)],
        ]),
      );
    },
  },
  {
    name: "SbatLevel",
    file: "level.txt",
    seeds: () =>
      (
        JSON.parse(readFileSync(at("catalogues", "sbat", "sbat-levels.json"), "utf8")) as {
          levels: { payload: string }[];
        }
      ).levels.map((l) => bytes(l.payload)),
    dict: CSV_TOKENS,
    run: async (c) => {
      const image = join(c.work, "level-image.efi");
      if (!existsSync(image)) writeFileSync(image, seedPe());
      await c.cli(["sbat", "check", image, "--level", c.path, "-f", shortFormat(c)]);
    },
  },
  {
    name: "command line",
    file: "unused",
    seeds: () =>
      [
        "console=com1,vga com1=115200,8n1 dom0_mem=1G,max:2G iommu=no-intremap loglvl=all",
        "placeholder no-smt=0 cpufreq=xen:performance,verbose sched=credit2 dom0=pvh,verbose",
        "lockdown ucode=scan efi=attr=uc xsm=dummy flask=disabled",
      ].map(bytes),
    dict: CMDLINE_TOKENS,
    run: async (c) => {
      const line = Buffer.from(c.input).toString("latin1");
      await c.cli(
        pick(c, [
          ["cmdline", "-f", shortFormat(c), "--", line],
          ["cmdline", "--boot", "dt", "--secure-boot", "-f", shortFormat(c), "--", line],
          ["cmdline", "--builtin", line, "--loader", "GRUB 2.12", "-f", shortFormat(c), "--", "console=vga"],
          ["cmdline", "--runtime", "-f", shortFormat(c), "--", ...line.split(" ")],
        ]),
      );
    },
  },
  {
    name: "xen.cfg",
    file: "xen.cfg",
    seeds: () => [
      ...files("test/fixtures/cmdline", /\.cfg$/),
      bytes("[global]\ndefault=a\nchain=b\n[a]\noptions=console=vga\nkernel=vmlinuz\n"),
    ],
    dict: CFG_TOKENS,
    run: async (c) => {
      await c.cli(
        pick(c, [
          ["cmdline", "--efi-cfg", c.path, "-f", shortFormat(c)],
          [
            "cmdline",
            "--efi-cfg",
            c.path,
            "--section",
            "xen",
            "--secure-boot",
            "-f",
            shortFormat(c),
            "--",
            "xen.efi",
          ],
        ]),
      );
    },
  },
  {
    name: "EFI load options",
    file: "unused",
    seeds: () =>
      [
        "xen.efi -- console=vga loglvl=all",
        "xen.efi cfg=other.cfg -- iommu=off",
        "\\EFI\\xen\\xen.efi xen -- dom0_mem=2G",
      ].map(bytes),
    dict: [...CMDLINE_TOKENS, "cfg=", "-cfg=", "xen.efi", "\\EFI\\", "-basevideo", "-mapbs", "-- "],
    run: async (c) => {
      const words = Buffer.from(c.input).toString("latin1").split(" ");
      await c.cli(["cmdline", "--boot", "efi", "-f", shortFormat(c), "--", ...words]);
    },
  },
  {
    name: "trace",
    file: "calls.jsonl",
    seeds: () => files("test/fixtures/privcmd", /\.jsonl$/),
    dict: TRACE_TOKENS,
    run: async (c) => {
      await c.cli(["privcmd", "emu", "--trace", c.path, "-f", shortFormat(c)]);
    },
  },
  {
    name: "extraction",
    file: "unused",
    seeds: () => treeFiles().map((t) => readFileSync(join(PATTERNS, t.tree, t.file))),
    dict: C_TOKENS,
    // the seed's tree, copied once, with the seed's file replaced by the case, then put back
    run: async (c) => {
      const t = treeFiles()[c.seed] as { tree: string; file: string };
      const root = join(c.work, "trees", t.tree);
      if (!existsSync(root)) cpSync(join(PATTERNS, t.tree), root, { recursive: true });
      const file = join(root, t.file);
      writeFileSync(file, c.input);
      try {
        await extractCatalogue(root, { workers: 0 });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      } finally {
        writeFileSync(file, readFileSync(join(PATTERNS, t.tree, t.file)));
      }
    },
  },
];

/**
 * A target that fails on purpose, for the harness's own test: case 1 throws, case 3 never ends,
 * case 5 kills its process, case 6 is bad input (not a failure); the others pass.
 */
export const SELF_TEST_TARGET: FuzzTarget = {
  name: "harness self-test",
  file: "self-test.txt",
  seeds: () => [bytes("seed")],
  dict: [],
  run: async (c) => {
    if (c.index === 1) throw new TypeError("a bug");
    if (c.index === 3) for (;;);
    if (c.index === 5) process.kill(process.pid, "SIGKILL");
    if (c.index === 6) await c.cli(["matrix", "--system", join(c.work, "missing.yaml")]);
  },
};
