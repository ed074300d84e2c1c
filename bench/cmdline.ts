// Parsing a 4 KiB command line against the full 4.22.0 option catalogue (issue 5 §8): the catalogue
// is loaded once, as a model is; each run assembles, parses, applies lockdown and computes settings.
import { analyseCommandLine } from "../src/cmdline/analyse-command-line.js";
import { loadOptionCatalogue } from "../src/cmdline/load-option-catalogue.js";
import { LOCKDOWN_MODELS } from "../src/cmdline/lockdown-models.js";
import { parseParams } from "../src/cmdline/parse-params.js";
import { SAFE_LISTS } from "../src/cmdline/safe-lists.js";
import { median, type Row } from "./measure.js";
import { rng } from "./workload.js";

const VALUES: Record<string, string> = {
  bool: "no",
  integer: "0x10",
  size: "4G",
  string: "com1",
  custom: "on,x=1",
};

/** A line of real option names with values of their types, cut to `bytes`. */
export function commandLine(bytes: number, names: readonly { name: string; type: string }[]): string {
  const rand = rng(0x5eed);
  const words: string[] = [];
  let length = 0;
  while (length < bytes) {
    const e = names[Math.floor(rand() * names.length)] as { name: string; type: string };
    const w = rand() < 0.1 ? `no-${e.name}` : `${e.name}=${VALUES[e.type] ?? ""}`;
    words.push(w);
    length += w.length + 1;
  }
  return words.join(" ").slice(0, bytes);
}

/** Median, 99th percentile and maximum of `runs` timed calls after a warm-up, in ms. */
function time(runs: number, f: () => void): { median: number; p99: number; max: number } {
  for (let i = 0; i < 50; i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: median(times),
    p99: sorted[Math.floor(runs * 0.99)] as number,
    max: sorted.at(-1) as number,
  };
}

export function benchCmdline(): Row[] {
  const catalogue = loadOptionCatalogue("4.22.0");
  const line = commandLine(4096, catalogue.options);
  const lockdown = {
    model: LOCKDOWN_MODELS.summit,
    safeList: SAFE_LISTS.xenserver,
    secureBoot: true,
    lockdownDefault: false,
    pvShim: false,
  };
  const tokens = parseParams(line, catalogue.options).length;
  const parse = time(500, () => parseParams(line, catalogue.options));
  const full = time(500, () =>
    analyseCommandLine(catalogue, { arch: "x86", boot: "multiboot", bootloader: line }, lockdown),
  );
  const ms = (t: { median: number; p99: number; max: number }) =>
    `${t.median.toFixed(2)} / ${t.p99.toFixed(2)} / ${t.max.toFixed(2)} ms`;
  console.log(
    `cmdline: ${line.length} bytes, ${tokens} tokens against ${catalogue.options.length} registrations; parse_params ${ms(parse)}; whole analysis ${ms(full)} (median / p99 / max)`,
  );
  return [
    {
      metric: `cmdline: parse_params, ${line.length}-byte line, ${tokens} options, full catalogue (median / p99 / max)`,
      target: "<= 5 ms",
      measured: ms(parse),
      pass: parse.p99 <= 5,
    },
    {
      metric: "cmdline: whole analysis (sources, parse, lockdown, settings, warnings) (median / p99 / max)",
      target: "<= 5 ms (median)",
      measured: ms(full),
      pass: full.median <= 5,
    },
  ];
}
