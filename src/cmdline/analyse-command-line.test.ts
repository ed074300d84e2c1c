/**
 * Property tests: any command line, xen.cfg text or EFI load options is analysed without a crash,
 * and the analysis keeps its invariants. XENPRIV_FUZZ_RUNS raises the number of cases
 * (`npm run fuzz:cmdline` runs 100,000).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { InputError } from "../core/errors.js";
import { analyseCommandLine } from "./analyse-command-line.js";
import { loadOptionCatalogue } from "./load-option-catalogue.js";
import { LOCKDOWN_MODEL_IDS, LOCKDOWN_MODELS } from "./lockdown-models.js";
import { MAX_TOKEN } from "./parse-params.js";
import { SAFE_LIST_IDS, SAFE_LISTS } from "./safe-lists.js";
import { parseXenCfg } from "./xen-cfg.js";

const RUNS = Number(process.env.XENPRIV_FUZZ_RUNS ?? 300);
const catalogue = loadOptionCatalogue("4.22.0");
const names = [...new Set(catalogue.options.map((e) => e.name)), "lockdown", "no-lockdown", "--"];

/** Words made of real names, `no-`, values and separators Xen does and does not split on. */
const word = fc.oneof(
  fc
    .tuple(fc.constantFrom(...names), fc.option(fc.string({ maxLength: 12 })))
    .map(([n, v]) => (v === null ? n : `${n}=${v}`)),
  fc.constantFrom(...names).map((n) => `no-${n}`),
  fc.string({ maxLength: 160 }),
);
const line = fc
  .array(fc.tuple(word, fc.constantFrom(" ", "  ", "\t", " -- ", "\n")), { maxLength: 30 })
  .map((ws) => ws.flat().join(""));
const lockdown = fc.record({
  model: fc.constantFrom(...LOCKDOWN_MODEL_IDS).map((id) => LOCKDOWN_MODELS[id]),
  safeList: fc.constantFrom(...SAFE_LIST_IDS).map((id) => SAFE_LISTS[id]),
  secureBoot: fc.boolean(),
  lockdownDefault: fc.boolean(),
  pvShim: fc.boolean(),
});

describe("any command line", () => {
  test("is analysed: tokens are the space-separated words, each with a status, and Secure Boot always locks", () => {
    fc.assert(
      fc.property(
        line,
        fc.option(line),
        fc.boolean(),
        fc.constantFrom("GRUB 2.12", "iPXE"),
        lockdown,
        (bootloader, builtin, override, loaderName, ld) => {
          const a = analyseCommandLine(
            catalogue,
            { arch: "x86", boot: "multiboot", bootloader, loaderName, ...(builtin && { builtin }), override },
            ld,
          );
          // parse_params splits on spaces only and stops at a NUL
          const words = a.assembled.passes.flatMap((p) =>
            (p.text.split("\0")[0] as string).split(" ").filter(Boolean),
          );
          assert.deepEqual(
            a.tokens.map((t) => t.text),
            words,
          );
          for (const t of a.tokens) {
            assert.equal(t.status === "unknown", t.options.length === 0);
            if (t.text.length > MAX_TOKEN) assert.ok(t.why.some((w) => w.startsWith("cut to")));
          }
          // (a PV shim never boots from EFI; variant A's 2026 posting turns lockdown off in it)
          if (ld.model.id !== "none" && ld.secureBoot && !(ld.model.id === "variant-a" && ld.pvShim))
            assert.equal(a.lockdown.enabled, true);
          if (ld.model.id === "none") assert.ok(a.tokens.every((t) => t.status !== "dropped"));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("an EFI boot from any xen.cfg text and load options is analysed or refused as bad input", () => {
    const cfgText = fc.array(
      fc.oneof(
        fc.constantFrom(
          "[global]",
          "[a]",
          "[b]",
          "default=a",
          "chain=x.cfg",
          "kernel=k",
          "  options=x=1 # c",
          "; c",
        ),
        fc.string({ maxLength: 40 }).map((s) => `options=${s}`),
        fc.string({ maxLength: 40 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        cfgText,
        fc.string({ maxLength: 60 }),
        fc.constantFrom<"x86" | "arm">("x86", "arm"),
        lockdown,
        (lines, load, arch, ld) => {
          try {
            const cfg = parseXenCfg(lines.join("\n"), "xen.cfg");
            const a = analyseCommandLine(
              catalogue,
              {
                arch,
                boot: "efi",
                loadOptions: `xen.efi ${load}`,
                cfg: { cfg, uki: true, signed: true },
                readChained: () => cfg,
              },
              ld,
            );
            for (const t of a.tokens) assert.ok(t.source === "uki-config" ? t.trusted : !t.trusted);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
