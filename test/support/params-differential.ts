/**
 * Xen's parse_params (a harness compiled from the tree: params-harness.ts) against `xenpriv cmdline`'s
 * analysis (analyseCommandLine, what the command prints) on the same lines and the same table: every
 * registration's final value (the variable's bytes, the string, each handler call in order) and
 * every line Xen prints, as it prints it. The harness parses the string the analysis says
 * parse_params gets (the bootloader's line after multiboot's own steps).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseCommandLine, formatValue } from "../../src/cmdline/analyse-command-line.js";
import { integerWidth } from "../../src/cmdline/integer-width.js";
import { LOCKDOWN_MODELS } from "../../src/cmdline/lockdown-models.js";
import type { OptionCatalogue, OptionEntry } from "../../src/cmdline/option-catalogue.js";
import { SAFE_LISTS } from "../../src/cmdline/safe-lists.js";
import {
  buildParamsHarness,
  type HarnessLine,
  type ParamsHarness,
  runParamsHarness,
} from "./params-harness.js";

/** The OPT_* numbers of struct kernel_param's enum (xen/include/xen/param.h:14-21 at RELEASE-4.22.0). */
const OPT = { string: 0, integer: 1, bool: 2, size: 3, custom: 4, ignore: 5 } as const;

export interface Disagreement {
  /** the line as generated, and the string parse_params got */
  readonly line: string;
  readonly parsed: string;
  /** `log`, `table`, or the registration (`name @ ref`) */
  readonly what: string;
  readonly xen: unknown;
  readonly xenpriv: unknown;
}

export interface Differential {
  readonly harness: ParamsHarness;
  readonly lines: number;
  readonly tokens: number;
  /** lines on which every value and every printed line agree */
  readonly agreed: number;
  readonly warnings: number;
  readonly disagreements: readonly Disagreement[];
}

/** A harness value as the analysis writes a setting (formatValue); a bool that is not 0 or 1 stays a byte. */
function xenValue(e: OptionEntry, l: HarnessLine, i: number): string | undefined {
  const calls = l.calls.get(i);
  if (calls) return calls.map((c) => `${e.handler ?? e.name}(${JSON.stringify(c)})`).join(" then ");
  const v = l.values.get(i);
  if (!v) return undefined;
  if (v.kind === "S") return formatValue(v.value);
  const n = BigInt(`0x${v.value}`);
  if (e.type === "bool") return n <= 1n ? formatValue(n === 1n) : `byte ${n}`;
  return formatValue(n);
}

/**
 * Builds the harness for `table` (the boot registrations of an x86_64 or arm64 build: the harness is
 * an LP64 program) in a temporary directory, runs both sides on `lines`, and compares. On Arm the
 * line is /chosen's `xen,xen-bootargs`.
 */
export async function paramsDifferential(
  root: string,
  catalogue: OptionCatalogue,
  table: readonly OptionEntry[],
  lines: readonly string[],
  arch: "x86" | "arm" = "x86",
): Promise<Differential> {
  const dir = mkdtempSync(join(tmpdir(), "xenpriv-params-"));
  try {
    const harness = await buildParamsHarness(root, table, dir);
    const entries = harness.entries;
    const cat: OptionCatalogue = { ...catalogue, options: [...entries] };
    const analyses = lines.map((line) =>
      analyseCommandLine(
        cat,
        arch === "x86"
          ? { arch, boot: "multiboot", bootloader: line, loaderName: "GRUB 2.12" }
          : { arch, boot: "dt", chosen: { file: "(test)", xenBootargs: line } },
        {
          model: LOCKDOWN_MODELS.none,
          safeList: SAFE_LISTS.v2,
          secureBoot: false,
          lockdownDefault: false,
          pvShim: false,
        },
      ),
    );
    const parsed = analyses.map((a) => a.assembled.passes.find((p) => p.kind === "bootloader")?.text ?? "");
    const run = runParamsHarness(harness, parsed);
    const disagreements: Disagreement[] = [];

    // the table: the same registrations in the same order, each as wide as the model says
    const want = entries.map((e) => ({
      type: OPT[e.type],
      len:
        e.type === "string"
          ? (e.length ?? -1)
          : e.type === "bool"
            ? 1
            : e.type === "integer" || e.type === "size"
              ? integerWidth(e, { arch })
              : 0,
      name: e.name,
    }));
    if (JSON.stringify(run.table) !== JSON.stringify(want))
      disagreements.push({ line: "", parsed: "", what: "table", xen: run.table, xenpriv: want });

    let agreed = 0;
    let tokens = 0;
    let warnings = 0;
    analyses.forEach((a, n) => {
      const l = run.lines[n] as HarnessLine;
      const line = lines[n] as string;
      const at = { line, parsed: parsed[n] as string };
      tokens += a.tokens.length;
      warnings += l.log.length;
      const before = disagreements.length;
      const log = a.tokens.flatMap((t) => t.log);
      if (JSON.stringify(log) !== JSON.stringify(l.log))
        disagreements.push({ ...at, what: "log", xen: l.log, xenpriv: log });
      const settings = new Map(a.settings.map((s) => [s.ref, s.value]));
      entries.forEach((e, i) => {
        const mine = settings.get(e.ref);
        const xenpriv = mine === "accepted, nothing done" ? undefined : mine;
        const xen = xenValue(e, l, i);
        if (xen !== xenpriv) disagreements.push({ ...at, what: `${e.name} @ ${e.ref}`, xen, xenpriv });
      });
      if (disagreements.length === before) agreed++;
    });
    return { harness, lines: lines.length, tokens, agreed, warnings, disagreements };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
