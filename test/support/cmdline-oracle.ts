/**
 * The command-line oracle (issue 22 §4): lines booted on a real Xen whose parse warnings are compared
 * with `xenpriv cmdline`'s. Several lines share one boot: between two lines goes a marker word no Xen
 * knows (`xenpriv-case-<n>`), so Xen prints `parameter "xenpriv-case-<n>" unknown!` there and the
 * warnings of each line can be told apart in the log. What is compared, per line: the warnings Xen
 * printed, line for line, against those the model predicts for the line on its own.
 */
import { analyseCommandLine } from "../../src/cmdline/analyse-command-line.js";
import type { BuildConfig } from "../../src/cmdline/build-guards.js";
import { LOCKDOWN_MODELS } from "../../src/cmdline/lockdown-models.js";
import type { OptionCatalogue } from "../../src/cmdline/option-catalogue.js";
import { SAFE_LISTS } from "../../src/cmdline/safe-lists.js";
import { parseXenConfig } from "../../src/cmdline/xen-config.js";
import { sampleCommandLines } from "./random-cmdline.js";

/**
 * Options left out of the random lines because they change whether or where Xen prints, so a boot
 * would show nothing to compare: `console` and `dtuart` choose the serial port (a random value
 * silences it), `loglvl` can raise the threshold above the warnings' level, `console_timestamps`
 * prefixes every line.
 */
export const CONSOLE_OPTIONS = ["console", "dtuart", "loglvl", "console_timestamps"] as const;

/** The lines of the project's own (each exercises a corner of parse_params on arm64). */
export const HAND_WRITTEN_LINES: readonly string[] = [
  // the issue's first observation
  "frobnicate=1 dom0_mem=banana",
  // booleans: every spelling, `no-` on each type, a bare `no`
  "hmp-unsafe=yes ext_regions=off no-hmp-unsafe no-ext_regions=0 pci-passthrough=2 hmp-unsafe=nope no",
  // integers: widths, bases, signs, trailing text, overflow
  "maxcpus=0x10 maxcpus=010 maxcpus=4294967296 dom0_max_vcpus=-1 dma_bits=12x max_lpi_bits=99999999999999999999",
  // sizes and their suffixes
  "llc-size=64k llc-size=1M llc-size=2G% buddy-alloc-size=12q low_mem_virq_limit=-4k serial_tx_buffer=0x",
  // strings and their buffers, an empty value, a missing value
  "tee= tee sched=credit2 sched sched=this-is-a-very-long-scheduler-name-beyond-any-buffer crash-debug-panic",
  // custom handlers the model runs no code of: the value is passed through
  "gnttab_max_frames=64 iommu=no xsm=dummy flask=permissive vwfi=native serrors=panic",
  // near misses, case, a `no-` on an unknown name, tabs inside a word
  "maxcpu=1 MAXCPUS=1 no-frobnicate hmp-unsafe=1\tx=2 ext_regions\t",
  // a word cut at 127 characters
  `tee=${"x".repeat(130)}`,
  `${"z".repeat(140)}=1`,
];

/** The marker between two lines of one boot. */
export const marker = (n: number) => `xenpriv-case-${n}`;
const MARKER_WARNING = /^parameter "xenpriv-case-(\d+)" unknown!$/;

/** `count` random lines over the arm64 build's options (fixed `seed`), none naming a console option. */
export function randomArmLines(catalogue: OptionCatalogue, seed: number, count: number): string[] {
  const names = [
    ...new Set(
      catalogue.options
        .filter((e) => e.builds.arm && e.runtime !== "runtime-only")
        .map((e) => e.name)
        .filter((n) => !(CONSOLE_OPTIONS as readonly string[]).includes(n)),
    ),
  ];
  return sampleCommandLines(names, seed, count * 2)
    .filter((line) => !namesConsoleOption(catalogue, line))
    .slice(0, count);
}

/** Whether a token of `line` reaches a registration of a console option (as the model reads the line). */
export function namesConsoleOption(catalogue: OptionCatalogue, line: string): boolean {
  return armAnalysis(catalogue, line).tokens.some((t) =>
    t.options.some((o) => (CONSOLE_OPTIONS as readonly string[]).includes(o.name)),
  );
}

/**
 * Left out of x86's random lines, besides CONSOLE_OPTIONS: what moves the console or its ring
 * (`com1`, `com2`, `vga`, `conring_size`), and what changes how the boot ends (`noreboot`, `reboot`,
 * `watchdog`, `nmi`), since the ring is read at the panic.
 */
export const X86_HELD_OPTIONS = [
  "com1",
  "com2",
  "vga",
  "conring_size",
  "noreboot",
  "reboot",
  "watchdog",
  "nmi",
];

/** `count` random lines over the x86 build's options (fixed `seed`), none naming a held option. */
export function randomX86Lines(catalogue: OptionCatalogue, seed: number, count: number): string[] {
  const held = [...CONSOLE_OPTIONS, ...X86_HELD_OPTIONS] as readonly string[];
  const names = [
    ...new Set(
      catalogue.options
        .filter((e) => e.builds.x86 && e.runtime !== "runtime-only")
        .map((e) => e.name)
        .filter((n) => !held.includes(n)),
    ),
  ];
  return sampleCommandLines(names, seed, count * 2)
    .filter(
      (line) =>
        !x86Analysis(catalogue, line).tokens.some((t) => t.options.some((o) => held.includes(o.name))),
    )
    .slice(0, count);
}

/** `--lockdown-model none`, no Secure Boot: the line as Xen parses it, nothing dropped. */
const NO_LOCKDOWN = {
  model: LOCKDOWN_MODELS.none,
  safeList: SAFE_LISTS.v2,
  secureBoot: false,
  lockdownDefault: false,
  pvShim: false,
};

/**
 * `xenpriv cmdline --arch x86 --lockdown-model none --kconfig .config` on a multiboot `cmdline` =
 * `line` from a GRUB 2 loader (the line on its own: QEMU's loader, not GRUB 2, puts the image's
 * name first, which Xen drops, xen/arch/x86/setup.c cmdline_cook).
 */
export function x86Analysis(catalogue: OptionCatalogue, line: string, config?: BuildConfig) {
  return analyseCommandLine(
    catalogue,
    { arch: "x86", boot: "multiboot", bootloader: line, loaderName: "GRUB 2" },
    NO_LOCKDOWN,
    config ? { config } : {},
  );
}

/** A build's `.config` from its `CONFIG_…=` lines, as Kconfig wrote them (so complete). */
export function buildConfig(lines: readonly string[]): BuildConfig {
  return { ...parseXenConfig(lines.join("\n"), "the recorded .config"), complete: true };
}

/**
 * `xenpriv cmdline --arch arm --lockdown-model none --kconfig .config` on `/chosen/xen,xen-bootargs`
 * = `line`; without `config`, every registration an arm64 build can have.
 */
export function armAnalysis(catalogue: OptionCatalogue, line: string, config?: BuildConfig) {
  return analyseCommandLine(
    catalogue,
    { arch: "arm", boot: "dt", chosen: { xenBootargs: line, file: "board.dtb" } },
    NO_LOCKDOWN,
    config ? { config } : {},
  );
}

export type OracleArch = "arm64" | "x86_64";

/** The model's reading of `line` on `arch`. */
export const analysis = (
  catalogue: OptionCatalogue,
  line: string,
  config?: BuildConfig,
  arch: OracleArch = "arm64",
) => (arch === "arm64" ? armAnalysis(catalogue, line, config) : x86Analysis(catalogue, line, config));

/** The warnings the model predicts Xen prints for `line`, in order. */
export function predictedWarnings(
  catalogue: OptionCatalogue,
  line: string,
  config?: BuildConfig,
  arch: OracleArch = "arm64",
): string[] {
  return analysis(catalogue, line, config, arch).tokens.flatMap((t) => [...t.log]);
}

/** Lines packed into boots: each boot's `xen,xen-bootargs` stays under `max` characters. */
export function packLines(
  lines: readonly string[],
  max = 900,
): { readonly bootargs: string; readonly cases: readonly number[] }[] {
  const boots: { bootargs: string; cases: number[] }[] = [];
  let cur: { bootargs: string; cases: number[] } | undefined;
  lines.forEach((line, i) => {
    const piece = `${line} ${marker(i)}`;
    if (cur && cur.bootargs.length + 1 + piece.length <= max) {
      cur.bootargs += ` ${piece}`;
      cur.cases.push(i);
    } else {
      cur = { bootargs: piece, cases: [i] };
      boots.push(cur);
    }
  });
  return boots;
}

/**
 * Xen's warnings of one boot split at the markers: the warnings of each case, by case number. A
 * case whose marker is missing is left out (the boot did not show it).
 */
export function splitWarnings(warnings: readonly string[], cases: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let pending: string[] = [];
  for (const w of warnings) {
    const m = MARKER_WARNING.exec(w);
    if (m && cases.includes(Number(m[1]))) {
      out.set(Number(m[1]), pending);
      pending = [];
    } else pending.push(w);
  }
  return out;
}

/** One line as Xen saw it: what it printed. */
export interface CmdlineCase {
  readonly line: string;
  readonly warnings: readonly string[];
}

export interface CmdlineComparison {
  readonly lines: number;
  readonly tokens: number;
  /** warnings Xen printed */
  readonly warnings: number;
  /** lines whose warnings the model predicts exactly */
  readonly agreed: number;
  /**
   * lines that agree once the refusals of custom handlers are set aside: Xen printed `parameter "K"
   * has invalid value "V", rc=N!` for a token the model reads as a call of a custom handler with `V`
   * (under `no-`, Xen prints the key as `no`). The model runs no handler, so it cannot predict them.
   */
  readonly handlerOnly: number;
  /** the handler refusals, by option name */
  readonly handlerRefusals: ReadonlyMap<string, number>;
  readonly disagreements: readonly {
    readonly line: string;
    readonly xen: readonly string[];
    readonly model: readonly string[];
    /** the tokens the model reads in the line, with what it says each does */
    readonly explanation: readonly string[];
  }[];
}

const INVALID = /^parameter "(.*)" has invalid value "(.*)", rc=-?\d+!$/s;
const CALL = /^[\w.]+\((".*")\)$/s;

/**
 * The custom option whose handler refused `warning` in a line the model read as `tokens`: a token
 * with no predicted line that calls that option's handler with the value printed, the key printed
 * being the token's key or `no`.
 */
function handlerRefusal(
  warning: string,
  tokens: ReturnType<typeof armAnalysis>["tokens"],
): string | undefined {
  const m = INVALID.exec(warning);
  if (!m) return undefined;
  const [, key, value] = m;
  for (const t of tokens) {
    if (t.log.length) continue;
    const text = t.text.slice(0, 127);
    const eq = text.indexOf("=");
    const tokenKey = eq < 0 ? text : text.slice(0, eq);
    if (key !== tokenKey && key !== "no") continue;
    for (const o of t.options) {
      const call = o.type === "custom" ? CALL.exec(o.result) : null;
      if (!call) continue;
      const passed = JSON.parse(call[1] as string);
      // a prefix option (`ivrs_ioapic[`) gets the rest of the token after its name; Xen prints the
      // token's key and what follows its `=` (xen/common/kernel.c:194-200)
      // (under `no-`, the key printed is `no` and the value what the handler got, as for any option)
      const printed = o.name.endsWith("[") && key !== "no" ? (eq < 0 ? "" : text.slice(eq + 1)) : passed;
      if (printed === value) return o.name;
    }
  }
  return undefined;
}

/** Every recorded case against the model's prediction for its line. */
export function compareCmdline(
  catalogue: OptionCatalogue,
  cases: readonly CmdlineCase[],
  config: BuildConfig,
  arch: OracleArch = "arm64",
): CmdlineComparison {
  let tokens = 0;
  let warnings = 0;
  let agreed = 0;
  let handlerOnly = 0;
  const handlerRefusals = new Map<string, number>();
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((w, i) => w === b[i]);
  const disagreements: CmdlineComparison["disagreements"][number][] = [];
  for (const c of cases) {
    const a = analysis(catalogue, c.line, config, arch);
    const model = a.tokens.flatMap((t) => [...t.log]);
    tokens += a.tokens.length;
    warnings += c.warnings.length;
    if (same(model, c.warnings)) {
      agreed++;
      continue;
    }
    const refused = c.warnings.map((w) => (model.includes(w) ? undefined : handlerRefusal(w, a.tokens)));
    if (
      same(
        model,
        c.warnings.filter((_, i) => refused[i] === undefined),
      )
    ) {
      handlerOnly++;
      for (const r of refused) if (r) handlerRefusals.set(r, (handlerRefusals.get(r) ?? 0) + 1);
      continue;
    }
    disagreements.push({
      line: c.line,
      xen: c.warnings,
      model,
      explanation: a.tokens.map(
        (t) =>
          `${JSON.stringify(t.text)}: ${t.status}${t.options.length ? ` (${t.options.map((o) => `${o.name} ${o.type}: ${o.result}`).join("; ")})` : ""}`,
      ),
    });
  }
  return { lines: cases.length, tokens, warnings, agreed, handlerOnly, handlerRefusals, disagreements };
}
