// `npm run test:boot` after scripts/test-boot.mjs has checked XEN_SRC and the tools: builds Xen from
// the tree (test/support/xen-build.ts, cached), boots each case under QEMU, compares what Xen printed
// with xenpriv's predictions, writes the facts under test/oracle/xen-<version>/ and prints, per oracle,
// the cells compared and the agreement. Exit 0 when everything agrees, 1 on a disagreement.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadModels } from "../src/cli/context.js";
import { progress } from "../src/cli/progress.js";
import { loadOptionCatalogue } from "../src/cmdline/load-option-catalogue.js";
import type { OptionCatalogue } from "../src/cmdline/option-catalogue.js";
import { parseXenConfig } from "../src/cmdline/xen-config.js";
import { loadDeviceTree } from "../src/devicetree/load-device-tree.js";
import { extractOptionCatalogue } from "../src/extract/extract-option-catalogue.js";
import type { Model } from "../src/query/model.js";
import { compareVerdict, predict, VERDICT_CASES, type VerdictCell } from "../test/support/boot-verdicts.js";
import {
  buildConfig,
  type CmdlineComparison,
  compareCmdline,
  HAND_WRITTEN_LINES,
  marker,
  packLines,
  predictedWarnings,
  randomArmLines,
  randomX86Lines,
  splitWarnings,
} from "../test/support/cmdline-oracle.js";
import {
  type Cell,
  chosenDts,
  compareOutcomes,
  DOM0_MEM,
  doneLines,
  firstDomid,
  kernelAddress,
  ORACLE_SYSTEMS,
  type OracleDomain,
  readOutcomes,
} from "../test/support/decision-oracle.js";
import {
  type CmdlineRecord,
  type DecisionRecord,
  type RunFacts,
  recordPath,
  type VerdictRecord,
} from "../test/support/oracle-record.js";
import { qemuDtb, withChosen } from "../test/support/qemu-board.js";
import {
  ARM64_CPU,
  ARM64_MACHINE,
  ARM64_MEMORY,
  ARM64_SMP,
  type BootImage,
  bootArm64,
  PANIC_END,
} from "../test/support/qemu-boot.js";
import { bootX86, ringSymbols, X86_CPU, X86_MACHINE, X86_MEMORY } from "../test/support/qemu-x86.js";
import { readSerialLog, xenLines } from "../test/support/serial-log.js";
import {
  buildTestKernel,
  KERNEL_CALLS,
  kernelFor,
  XP_FIRST_DOMID_0,
  XP_HYPERCALL_CONSOLE,
  XP_ONLY_DONE,
} from "../test/support/test-kernel.js";
import { buildXen, qemuVersion } from "../test/support/xen-build.js";

const SEED = 20260822;
const RANDOM_LINES = Number(process.env.XENPRIV_BOOT_LINES ?? 600);
/** x86_64 boots are slower under TCG: fewer random lines, and shorter boots (the image's path comes first) */
const X86_RANDOM_LINES = Number(process.env.XENPRIV_BOOT_X86_LINES ?? 600);
const X86_PACK = 760;
const root = process.env.XEN_SRC as string;
/** on a terminal, the build or the case at work, on stderr: cleared before each line of results */
const work = progress("test:boot", { quiet: process.argv.includes("--quiet") });
process.on("exit", () => work.clear());
const say = (line: string) => {
  work.clear();
  process.stdout.write(`${line}\n`);
};

/** Each line of a command-line run where Xen and the model disagree, and each line Xen was not seen to read. */
function sayMisses(cmp: CmdlineComparison, record: CmdlineRecord): void {
  for (const d of cmp.disagreements) {
    say(`  disagreement: ${JSON.stringify(d.line)}`);
    say(`    xen:   ${JSON.stringify(d.xen)}`);
    say(`    model: ${JSON.stringify(d.model)}`);
    for (const e of d.explanation) say(`      ${e}`);
  }
  for (const u of record.unobserved)
    say(`  not observed (${u.end}): ${JSON.stringify(u.line)}\n    ${u.tail.join("\n    ")}`);
}
/** the build's log among the results, and the build on the progress line while make runs */
const buildLog = (arch: string) => (line: string) => {
  say(`build: ${line}`);
  work.stage(`building Xen for ${arch}`);
};

/** A record, in the layout the project's formatter (biome) gives JSON, so that it is committed as written. */
function writeRecord(file: string, record: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  spawnSync(process.execPath, ["node_modules/@biomejs/biome/bin/biome", "format", "--write", file], {
    stdio: "ignore",
  });
}

/** A DTS string literal (dtc's escapes). */
const dtsString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\t/g, "\\t")}"`;

const build = buildXen(root, "arm64", buildLog("arm64"));
let catalogue: OptionCatalogue;
try {
  catalogue = loadOptionCatalogue(build.xen);
} catch {
  say(`no shipped option catalogue for ${build.xen}: extracted from the tree`);
  catalogue = extractOptionCatalogue(root, undefined, build.commit || undefined);
}
const run: RunFacts = {
  xen: build.xen,
  commit: build.commit,
  tree: build.key,
  arch: "arm64",
  build: { target: "defconfig", compiler: build.compiler, config: [...build.config] },
  qemu: {
    version: qemuVersion(),
    machine: ARM64_MACHINE,
    cpu: ARM64_CPU,
    smp: ARM64_SMP,
    memory: ARM64_MEMORY,
  },
  date: new Date().toISOString().slice(0, 10),
};
say(
  `Xen ${run.xen} (${run.commit || "commit unknown"}) arm64, ${run.build.compiler}; ${run.qemu.version}, -machine ${run.qemu.machine} -cpu ${run.qemu.cpu}`,
);
const config = buildConfig(run.build.config);
const board = qemuDtb("gic-version=3,virtualization=on", ARM64_SMP);

// ---- §4: the command line on arm64
const lines = [...HAND_WRITTEN_LINES, ...randomArmLines(catalogue, SEED, RANDOM_LINES)];
// XENPRIV_BOOT_ONLY=cmdline|decisions|verdicts|x86: that oracle alone (x86: the command line on x86_64),
// the others' records are left as they are
const only = process.env.XENPRIV_BOOT_ONLY;
const runs = (oracle: "cmdline" | "decisions" | "verdicts" | "x86") => only === undefined || only === oracle;
const seen = new Map<number, string[]>();
const ended = new Map<number, { end: string; tail: string[] }>();
let boots = 0;
let cliChecked = 0;
const cliDisagreements: string[] = [];

async function bootLines(group: { bootargs: string; cases: readonly number[] }, label: string) {
  const dtb = withChosen(board, `\t\txen,xen-bootargs = ${dtsString(group.bootargs)};`, `cmdline-${boots}`);
  work.stage(`cmdline arm64: ${label}`);
  const r = await bootArm64(build.image, dtb, { timeoutMs: 60_000 });
  boots++;
  const facts = readSerialLog(r.log);
  const split = facts.parsed ? splitWarnings(facts.warnings, group.cases) : new Map<number, string[]>();
  for (const c of group.cases) {
    const w = split.get(c);
    if (w) seen.set(c, w);
    else ended.set(c, { end: r.end, tail: xenLines(r.log).slice(-12) });
  }
  // `xenpriv cmdline --dt` on the very DTB that booted reads the same line and predicts the same
  const cli = spawnSync(
    process.execPath,
    [
      "dist/xenpriv.js",
      "cmdline",
      "--dt",
      dtb,
      "--kconfig",
      join(build.dir, ".config"),
      "--lockdown-model",
      "none",
      "--format",
      "json",
    ],
    { encoding: "utf8" },
  );
  const tokens = (JSON.parse(cli.stdout) as { tokens: { log: string[] }[] }).tokens;
  const fromCli = tokens.flatMap((t) => t.log);
  const fromLine = predictedWarnings(catalogue, group.bootargs, config);
  cliChecked++;
  if (JSON.stringify(fromCli) !== JSON.stringify(fromLine)) cliDisagreements.push(group.bootargs);
  if (facts.commandLine !== undefined && facts.commandLine !== group.bootargs)
    say(`  note: Xen echoed a different command line: ${JSON.stringify(facts.commandLine)}`);
  say(
    `cmdline arm64: ${label}: ${group.cases.length} line(s), ${facts.warnings.length - split.size} warning(s), ${r.end} after ${(r.ms / 1000).toFixed(1)} s${facts.parsed ? "" : " (the log stops before the parse is done)"}`,
  );
}

const groups = runs("cmdline") ? packLines(lines) : [];
for (const [i, g] of groups.entries()) await bootLines(g, `boot ${i + 1}/${groups.length}`);
// a line whose boot showed nothing is booted on its own once more
for (const c of [...ended.keys()]) {
  ended.delete(c);
  await bootLines({ bootargs: `${lines[c]} ${marker(c)}`, cases: [c] }, `line ${c} alone`);
}

const cases: { line: string; warnings: string[] }[] = [...seen.entries()]
  .sort((a, b) => a[0] - b[0])
  .map(([c, warnings]) => ({ line: lines[c] as string, warnings }));
const record: CmdlineRecord = {
  oracle: "cmdline",
  run,
  seed: SEED,
  random: RANDOM_LINES,
  boots,
  cases,
  unobserved: [...ended.entries()].map(([c, e]) => ({ line: lines[c] as string, ...e })),
};
const file = recordPath(run.xen, "cmdline-arm64.json");
mkdirSync(dirname(file), { recursive: true });
if (runs("cmdline")) writeRecord(file, record);

const cmp = compareCmdline(catalogue, cases, config);
if (runs("cmdline")) {
  say("");
  say(`oracle: command line (arm64), recorded in ${file}`);
  say(
    `  ${boots} boots, ${cmp.lines} lines (${HAND_WRITTEN_LINES.length} hand-written, ${RANDOM_LINES} random, seed ${SEED}), ${cmp.tokens} tokens, ${cmp.warnings} warnings printed by Xen`,
  );
  say(
    `  ${cmp.agreed} of ${cmp.lines} lines agree exactly (${((100 * cmp.agreed) / Math.max(1, cmp.lines)).toFixed(1)} %); ${cmp.handlerOnly} more once the refusals of custom handlers, which the model does not run, are set aside; ${cmp.disagreements.length} disagreement(s); ${record.unobserved.length} line(s) not observed`,
  );
  say(
    `  refusals by custom handlers (not predicted): ${[...cmp.handlerRefusals].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`,
  );
  say(
    `  xenpriv cmdline --dt on each booted DTB = the model on its line: ${cliChecked - cliDisagreements.length}/${cliChecked}`,
  );
  sayMisses(cmp, record);
  for (const l of cliDisagreements) say(`  cli and library differ on: ${JSON.stringify(l)}`);
}

// ---- §2: hypercall decisions from every domain of dom0less systems, under each XSM module
work.stage("building the test kernel");
const kernel = buildTestKernel();
const tmp = mkdtempSync(join(tmpdir(), "xenpriv-boot-"));
const decisionBoots: DecisionRecord["boots"] = [];
const cells: Cell[] = [];
const bootDecisions = (dtb: string, images: readonly BootImage[], n: number) =>
  bootArm64(build.image, dtb, {
    images,
    stop: (log) => doneLines(log) >= n || PANIC_END.test(log),
    timeoutMs: 240_000,
  });
for (const sys of runs("decisions") ? ORACLE_SYSTEMS : []) {
  const n = sys.domains.length;
  const flags = (d: OracleDomain) =>
    (d.dom0 ? XP_HYPERCALL_CONSOLE : 0) | (firstDomid(sys.domains) === 0 ? XP_FIRST_DOMID_0 : 0);
  const images = sys.domains.map((d, i) => ({
    file: kernelFor(kernel, i, n, flags(d), join(tmp, `${sys.id}-${i}.img`)),
    addr: kernelAddress(i),
  }));
  for (const policy of ["dummy", "silo"]) {
    // conswitch=ax keeps the console's input with Xen, so that no domain's output is printed
    // character by character (xen/drivers/char/console.c:1194-1195, xen/arch/arm/vpl011.c:86-111);
    // sync_console, so that no line is dropped when the serial ring is full
    const bootargs = [
      `xsm=${policy}`,
      "conswitch=ax",
      "sync_console",
      ...(sys.domains.some((d) => d.dom0) ? [`dom0_mem=${DOM0_MEM}`] : []),
    ].join(" ");
    const chosen = chosenDts(
      sys.domains,
      images.map(() => kernel.length),
      bootargs,
    );
    const dtb = withChosen(board, chosen, `${sys.id}-${policy}`);
    // a boot in which a domain did not finish (and Xen did not panic) is made once more
    work.stage(`decisions arm64: ${sys.id} xsm=${policy}`);
    let r = await bootDecisions(dtb, images, n);
    let read = readOutcomes(xenLines(r.log));
    if (read.done.length < n && !PANIC_END.test(r.log)) {
      say(
        `decisions arm64: ${sys.id} xsm=${policy}: ${read.done.length}/${n} domains done (${r.end}), booted again`,
      );
      r = await bootDecisions(dtb, images, n);
      read = readOutcomes(xenLines(r.log));
    }
    const lines = xenLines(r.log);
    const { outcomes, done, made, damaged } = read;
    const facts = readSerialLog(r.log);
    decisionBoots.push({
      system: sys.id,
      policy,
      chosen,
      done,
      made: [...made.values()].reduce((a, b) => a + b, 0),
      damaged,
      outcomes: outcomes.map((o) => [o.src, o.call, o.target, o.rc, o.status]),
      ...(facts.panic && { panic: [...facts.panic] }),
    });
    const [model] = loadModels({ system: dtb }, [policy]);
    const these = compareOutcomes(model as Model, sys.domains, outcomes);
    cells.push(...these);
    say(
      `decisions arm64: ${sys.id} xsm=${policy}: ${done.length}/${n} domains done, ${outcomes.length} calls read (${damaged} damaged line(s)), ${these.filter((c) => c.agree).length} agree, ${r.end} after ${(r.ms / 1000).toFixed(1)} s`,
    );
    if (done.length < n) say(`  the log ends: ${lines.slice(-15).join("\n    ")}`);
  }
}
const decisions: DecisionRecord = {
  oracle: "decisions",
  run,
  calls: KERNEL_CALLS.map((c) => c.op),
  boots: decisionBoots,
};
const bad = cells.filter((c) => !c.agree);
if (runs("decisions")) {
  writeRecord(recordPath(run.xen, "decisions-arm64.json"), decisions);
  say("");
  say(`oracle: hypercall decisions (arm64), recorded in ${recordPath(run.xen, "decisions-arm64.json")}`);
  say(
    `  ${decisionBoots.length} boots, ${cells.length} cells (caller, operation, target, XSM module), ${cells.length - bad.length} agree (${((100 * (cells.length - bad.length)) / Math.max(1, cells.length)).toFixed(1)} %), ${bad.length} disagreement(s)`,
  );
  for (const c of bad)
    say(
      `  disagreement: xsm=${c.policy} ${c.src} ${c.op} ${c.target ?? ""}: xen ${c.xen}, model ${c.model}\n    ${c.explanation}`,
    );
}

// ---- §3: boot verdicts, the boot-rule cases booted dom0less
const verdicts: VerdictRecord["cases"] = [];
const verdictCells: VerdictCell[] = [];
const kconfig = parseXenConfig(`${run.build.config.join("\n")}\n`, ".config");
for (const c of runs("verdicts") ? VERDICT_CASES : []) {
  const n = c.domains.length;
  const withDom0 = firstDomid(c.domains) === 0;
  const images = c.domains.map((d, i) => ({
    file: kernelFor(
      kernel,
      i,
      n,
      XP_ONLY_DONE | (d.dom0 ? XP_HYPERCALL_CONSOLE : 0) | (withDom0 ? XP_FIRST_DOMID_0 : 0),
      join(tmp, `${c.id}-${i}.img`),
    ),
    addr: kernelAddress(i),
  }));
  const bootargs = ["conswitch=ax", "sync_console", ...(withDom0 ? [`dom0_mem=${DOM0_MEM}`] : [])].join(" ");
  const chosen = chosenDts(
    c.domains,
    images.map(() => kernel.length),
    bootargs,
  );
  const dtb = withChosen(board, chosen, `verdict-${c.id}`);
  const prediction = predict(loadDeviceTree(dtb), kconfig);
  const bootVerdict = async () => {
    const r = await bootArm64(build.image, dtb, {
      images,
      stop: (log) => doneLines(log) >= n || PANIC_END.test(log),
      timeoutMs: 90_000,
    });
    const facts = readSerialLog(r.log);
    const up = readOutcomes(xenLines(r.log)).done.length;
    const xen = { ...(facts.panic && { panic: facts.panic }), up };
    return { r, facts, up, cell: compareVerdict(c, prediction, xen) };
  };
  // a disagreement is booted once more before it counts; the log of one that stays is kept
  work.stage(`verdict arm64: ${c.id}`);
  let v = await bootVerdict();
  if (!v.cell.agree) {
    say(`verdict arm64: ${c.id}: xen ${v.cell.xen}, booted again`);
    v = await bootVerdict();
  }
  const { r, facts, up, cell } = v;
  if (!cell.agree) {
    const log = join(tmp, `verdict-${c.id}.log`);
    writeFileSync(log, r.log);
    say(`  the serial log: ${log}`);
  }
  verdicts.push({
    id: c.id,
    rule: c.rule,
    chosen,
    ...(facts.panic && { panic: [...facts.panic] }),
    up,
    end: r.end,
  });
  verdictCells.push(cell);
  say(
    `verdict arm64: ${c.id}: ${cell.agree ? "agree" : "DISAGREE"}: xen ${cell.xen}; lint ${cell.model} (${r.end} after ${(r.ms / 1000).toFixed(1)} s)`,
  );
}
if (runs("verdicts")) {
  const file = recordPath(run.xen, "verdicts-arm64.json");
  const record: VerdictRecord = { oracle: "verdicts", run, cases: verdicts };
  writeRecord(file, record);
  const badVerdicts = verdictCells.filter((c) => !c.agree);
  const rules = [...new Set(verdictCells.map((c) => c.rule))];
  say("");
  say(`oracle: boot verdicts (arm64), recorded in ${file}`);
  say(
    `  ${verdictCells.length} boots, ${verdictCells.length - badVerdicts.length} agree (${((100 * (verdictCells.length - badVerdicts.length)) / Math.max(1, verdictCells.length)).toFixed(1)} %), ${badVerdicts.length} disagreement(s)`,
  );
  for (const rule of rules) {
    const these = verdictCells.filter((c) => c.rule === rule);
    // a rule agrees where Xen's panic is that rule's own (or, for clean cases, every domain came up)
    const own = these.filter((c) => c.agree && (rule === "clean" || c.hit === rule));
    say(`  ${rule}: ${own.length}/${these.length}`);
  }
  for (const c of badVerdicts) say(`  disagreement: ${c.id}\n    xen:  ${c.xen}\n    lint: ${c.model}`);
}
const badVerdicts = verdictCells.filter((c) => !c.agree).length;

// ---- §4 on x86_64: the same tree built for x86_64, booted by QEMU's multiboot loader; the warnings
// are read from the console ring at the panic (test/support/qemu-x86.ts)
let x86Disagreements = 0;
if (runs("x86")) {
  const x86 = buildXen(root, "x86_64", buildLog("x86_64"));
  const symbols = ringSymbols(join(x86.dir, "xen-syms"));
  const x86Config = buildConfig(x86.config);
  const x86Run: RunFacts = {
    ...run,
    arch: "x86_64",
    build: { target: "defconfig", compiler: x86.compiler, config: [...x86.config] },
    qemu: {
      version: qemuVersion("qemu-system-x86_64"),
      machine: X86_MACHINE,
      cpu: X86_CPU,
      smp: 1,
      memory: X86_MEMORY,
    },
  };
  // a module that is no dom0 kernel: Xen panics building dom0, and is held there (`noreboot`)
  const module = join(tmp, "not-a-kernel");
  writeFileSync(module, Buffer.alloc(4096));
  const x86Lines = [...HAND_WRITTEN_LINES, ...randomX86Lines(catalogue, SEED, X86_RANDOM_LINES)];
  const x86Seen = new Map<number, string[]>();
  const x86Ended = new Map<number, { end: string; tail: string[] }>();
  let x86Boots = 0;
  let serialWarnings = 0;
  const bootX86Lines = async (group: { bootargs: string; cases: readonly number[] }, label: string) => {
    // x86's console is VGA unless told (OPT_CONSOLE_STR, xen/arch/x86/include/asm/config.h:32)
    work.stage(`cmdline x86_64: ${label}`);
    const r = await bootX86(x86.image, symbols, `console=com1 noreboot ${group.bootargs}`, module);
    x86Boots++;
    serialWarnings += readSerialLog(r.log).warnings.length;
    const ring = r.ring === undefined ? undefined : readSerialLog(r.ring);
    const split = ring ? splitWarnings(ring.warnings, group.cases) : new Map<number, string[]>();
    for (const c of group.cases) {
      const w = split.get(c);
      if (w) x86Seen.set(c, w);
      else x86Ended.set(c, { end: r.end, tail: xenLines(r.log).slice(-12) });
    }
    say(
      `cmdline x86_64: ${label}: ${group.cases.length} line(s), ${split.size} read from the console ring${ring ? "" : " (the ring was not read)"}, ${r.end} after ${(r.ms / 1000).toFixed(1)} s`,
    );
  };
  const x86Groups = packLines(x86Lines, X86_PACK);
  for (const [i, g] of x86Groups.entries()) await bootX86Lines(g, `boot ${i + 1}/${x86Groups.length}`);
  // a line not read in its group boots alone, and once more if its ring could still not be read
  // (a loaded machine can keep QEMU's monitor from answering at the timeout)
  for (const attempt of ["alone", "alone, again"])
    for (const c of [...x86Ended.keys()]) {
      x86Ended.delete(c);
      await bootX86Lines({ bootargs: `${x86Lines[c]} ${marker(c)}`, cases: [c] }, `line ${c} ${attempt}`);
    }
  const x86Cases = [...x86Seen.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([c, warnings]) => ({ line: x86Lines[c] as string, warnings }));
  const x86Record: CmdlineRecord = {
    oracle: "cmdline",
    run: x86Run,
    seed: SEED,
    random: X86_RANDOM_LINES,
    boots: x86Boots,
    cases: x86Cases,
    source: "console ring",
    serialWarnings,
    unobserved: [...x86Ended.entries()].map(([c, e]) => ({ line: x86Lines[c] as string, ...e })),
  };
  const x86File = recordPath(run.xen, "cmdline-x86_64.json");
  writeRecord(x86File, x86Record);
  const x = compareCmdline(catalogue, x86Cases, x86Config, "x86_64");
  x86Disagreements = x.disagreements.length;
  say("");
  say(`oracle: command line (x86_64), recorded in ${x86File}`);
  say(
    `  ${x86Boots} boots, ${x.lines} lines (${HAND_WRITTEN_LINES.length} hand-written, ${X86_RANDOM_LINES} random, seed ${SEED}), ${x.tokens} tokens, ${x.warnings} warnings in the console ring; ${serialWarnings} on the serial console`,
  );
  say(
    `  ${x.agreed} of ${x.lines} lines agree exactly (${((100 * x.agreed) / Math.max(1, x.lines)).toFixed(1)} %); ${x.handlerOnly} more once the refusals of custom handlers are set aside; ${x.disagreements.length} disagreement(s); ${x86Record.unobserved.length} line(s) not observed`,
  );
  say(
    `  refusals by custom handlers (not predicted): ${[...x.handlerRefusals].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`,
  );
  sayMisses(x, x86Record);
}
process.exit(
  cmp.disagreements.length || cliDisagreements.length || bad.length || badVerdicts || x86Disagreements
    ? 1
    : 0,
);
