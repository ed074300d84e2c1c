import { extractedCataloguePath, loadCatalogue } from "../../catalog/load-catalogue.js";
import type { Catalogue } from "../../catalog/schema.js";
import { error } from "../../core/diagnostic.js";
import { fail, InputError } from "../../core/errors.js";
import { readInput } from "../../core/read-input.js";
import { didYouMean } from "../../core/suggest.js";
import { applyXenServerOverlay, OVERLAY_FILE } from "../../privcmd/apply-xenserver-overlay.js";
import { BUILTIN_PROFILES, type BuiltinProfileId, builtinProfile } from "../../privcmd/builtin-profiles.js";
import { POLICY_DOCUMENT_NOTE } from "../../privcmd/classification-rules.js";
import { type ClassifiedOp, classify, disagreementList } from "../../privcmd/classify.js";
import { CONDITIONAL, compileProfile } from "../../privcmd/compile-profile.js";
import { type Decision, evaluateCall, overlayDecides } from "../../privcmd/evaluate-call.js";
import { buildFilterProgram } from "../../privcmd/filter-program.js";
import {
  loadLinuxPrivcmd,
  loadXenServerFilter,
  loadXenServerOverlay,
} from "../../privcmd/load-filter-facts.js";
import { loadHypercallCatalogue } from "../../privcmd/load-hypercall-catalogue.js";
import { parseProfile } from "../../privcmd/parse-profile.js";
import { parseTrace, resolveOp } from "../../privcmd/parse-trace.js";
import type { PrivcmdCall, PrivcmdContext } from "../../privcmd/privcmd-call.js";
import type { Profile } from "../../privcmd/profile.js";
import { renderFilterHeader } from "../../privcmd/filter-header.js";
import { renderFilterListing } from "../../privcmd/filter-listing.js";
import { renderMarkdown, renderText } from "../../report/tabular.js";
import type { EXPORT_FORMATS } from "../formats.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

export interface PrivcmdOptions {
  readonly xen: string;
}

/**
 * The facts every privcmd command reads, loaded once. With `overlay` (the filter is XenServer's), the
 * hypercall catalogue holds XenServer's operations beyond upstream too, each marked as the overlay's.
 */
export function load(xen: string, overlay = false) {
  const upstream = loadHypercallCatalogue(xen);
  const hypercalls = overlay ? applyXenServerOverlay(upstream, loadXenServerOverlay()) : upstream;
  const filter = loadXenServerFilter();
  const linux = loadLinuxPrivcmd();
  // classifying reads the XSM catalogue too: only `classify` and the pointer-free profile need it
  const classified = () => classify(hypercalls, xsmCatalogue(hypercalls.xen), filter, { linux });
  return { hypercalls, filter, linux, classified };
}

/** Xen's XSM checks of the same version: the curated catalogue where one is shipped, else the extracted one. */
export function xsmCatalogue(xen: string): Catalogue {
  const extracted = extractedCataloguePath(xen);
  try {
    return loadCatalogue(xen);
  } catch (e) {
    if (e instanceof InputError && extracted) return loadCatalogue(extracted);
    throw e;
  }
}

/** A built-in profile by name, or a YAML profile file. */
export function profileOf(name: string, facts: ReturnType<typeof load>): Profile {
  return (BUILTIN_PROFILES as readonly string[]).includes(name)
    ? builtinProfile(name as BuiltinProfileId, facts.filter, facts.classified)
    : parseProfile(
        readText(
          name,
          "the profile",
          didYouMean(name, BUILTIN_PROFILES) ?? `the built-in profiles are ${BUILTIN_PROFILES.join(", ")}`,
        ),
        name,
        facts.hypercalls,
        facts.linux,
      );
}

const readText = (path: string, what: string, help?: string) =>
  readInput(path, { code: "privcmd/unreadable", what, ...(help && { help }) }).toString("utf8");

/** `xenpriv privcmd classify`: every dom0-reachable operation, its class and the evidence. */
export function privcmdClassifyCommand(
  o: PrivcmdOptions & { class?: string; hypercall: string[]; disputed?: boolean },
): Output {
  // the XenServer filter's column is every row's: its operations beyond upstream come from the overlay
  const rows = load(o.xen, true)
    .classified()
    .filter(
      (r) =>
        (!o.class || r.class === o.class) &&
        (!o.hypercall.length || o.hypercall.includes(r.hypercall)) &&
        (!o.disputed || disagreementList(r.disagreements).length > 0),
    );
  const table = {
    columns: ["operation", "class", "XenServer filter", "XSM", "XSA-77", "pointers", "disagreement"],
    rows: rows.map((r) => [
      r.overlay
        ? `${r.id} (XenServer overlay${r.value === undefined && r.subop ? ", number unverified" : ""})`
        : r.id,
      r.whenDom0 ? `${r.class} (${r.whenDom0} on dom0)` : r.class,
      r.xenserver,
      r.overlay ? `XenServer's Xen: ${overlayDecides(r.overlay)}` : r.xsm.join(", ") || "-",
      r.xsa77 ? "yes" : "-",
      r.pointerFree === undefined ? "?" : r.pointerFree ? "none" : (r.handles?.join(", ") ?? ""),
      disagreementList(r.disagreements).join("; ") || "-",
    ]),
  };
  const count = (c: ClassifiedOp["class"]) => rows.filter((r) => r.class === c).length;
  const policy = `The Secure Boot policy document (${POLICY_DOCUMENT_NOTE.source}) ${POLICY_DOCUMENT_NOTE.says} (${POLICY_DOCUMENT_NOTE.ref}).`;
  const kind = (k: keyof ClassifiedOp["disagreements"]) =>
    rows.filter((r) => r.disagreements[k].length).length;
  const overlaid = rows.filter((r) => r.overlay);
  const unverified = overlaid.filter((r) => r.subop && r.value === undefined).map((r) => r.id);
  const overlayLine = overlaid.length
    ? `\n${overlaid.length} of them from the XenServer overlay (${OVERLAY_FILE}): XenServer's Xen has them, upstream's headers do not${unverified.length ? `; number unverified: ${unverified.join(", ")}` : ""}`
    : "";
  const summary = `${rows.length} operation(s): ${count("privileged")} privileged, ${count("control-plane")} control-plane, ${count("informational")} informational; disagreements: ${kind("conflicts")} with conflicting sources, ${kind("defaults")} on xenpriv's own default, ${kind("open")} open${overlayLine}`;
  return {
    kind: "privcmd-classify",
    json: { xen: o.xen, operations: rows, policyDocument: POLICY_DOCUMENT_NOTE },
    text: `${renderText(table)}\n\n${summary}\n${policy}`,
    markdown: `# privcmd classification (Xen ${o.xen})\n\n${renderMarkdown(table)}\n\n${summary}\n\n${policy}`,
  };
}

export interface EmuOptions extends PrivcmdOptions {
  readonly profile: string;
  readonly dom?: string;
  readonly field: string[];
  readonly inner?: string;
  readonly signed?: boolean;
  readonly pci?: boolean;
  readonly restrictTo?: string;
  readonly domu?: boolean;
  readonly xsTarget?: string;
  readonly unrestricted?: boolean;
  readonly lockdown: boolean;
  /** the kernel has CONFIG_SIGNED_PE_FILE_VERIFICATION (`--no-kexec-signature-check`: it has not) */
  readonly kexecSignatureCheck: boolean;
  readonly trace?: string;
}

const int = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n)
    ? n
    : fail(error("privcmd/bad-number", `${what} \`${v}\` is not a whole number`));
};

/** `xenpriv privcmd emu`: one call, or a trace, through privcmd and a filter profile. */
export function privcmdEmuCommand(words: readonly string[], o: EmuOptions): Output {
  const facts = load(o.xen, o.profile === "xenserver");
  const profile = profileOf(o.profile, facts);
  const restrictTo = int(o.restrictTo, "--restrict-to");
  const xsTarget = int(o.xsTarget, "--xs-target");
  if (o.profile === "restrict" && restrictTo === undefined && !o.domu)
    fail(
      error(
        "privcmd/restrict-needs-domain",
        "the restrict profile filters nothing itself: the fd's restriction does",
        undefined,
        "give --restrict-to <domid>, or --domu [--xs-target <domid>] for XSA-482's restriction",
      ),
    );
  const ctx: PrivcmdContext = {
    domain: o.domu ? "domU" : "dom0",
    lockedDown: o.lockdown,
    kexecSignatureCheck: o.kexecSignatureCheck !== false,
    ...(restrictTo !== undefined && { restrictedTo: restrictTo }),
    ...(xsTarget !== undefined && { xsTarget }),
    ...(o.unrestricted && { unrestricted: true }),
  };
  const env = { linux: facts.linux, hypercalls: facts.hypercalls };
  const head = `profile ${profile.id}: ${profile.title}; ${ctx.domain}${ctx.lockedDown ? ", locked down" : ""}`;
  if (o.trace) {
    const calls = parseTrace(readText(o.trace, "the trace"), o.trace, facts.hypercalls);
    const fds = new Map<number, number | undefined>();
    const results = calls.map((t) => {
      const restricted = fds.has(t.fd) ? fds.get(t.fd) : ctx.restrictedTo;
      const d = evaluateCall(
        t.call,
        { ...ctx, ...(restricted !== undefined && { restrictedTo: restricted }) },
        profile,
        env,
      );
      if (d.restrictedTo !== undefined) fds.set(t.fd, d.restrictedTo);
      return { line: t.line, fd: t.fd, call: t.call, allowed: d.allowed, ...(d.errno && { errno: d.errno }) };
    });
    const tally = new Map<string, number>();
    for (const r of results) {
      const verdict = r.allowed ? "allowed" : (r.errno ?? "denied");
      tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
    }
    const denied = results.filter((r) => !r.allowed);
    const table = {
      columns: ["line", "fd", "call", "verdict"],
      rows: denied.map((r) => [String(r.line), String(r.fd), describe(r.call), r.errno ?? "denied"]),
    };
    const summary = `${results.length} call(s): ${[...tally].map(([k, v]) => `${v} ${k}`).join(", ")}`;
    return {
      kind: "privcmd-trace",
      json: { profile: profile.id, calls: results, summary: Object.fromEntries(tally) },
      text: [head, denied.length ? `denied:\n${renderText(table)}` : "", summary]
        .filter(Boolean)
        .join("\n\n"),
      markdown: [`# ${head}`, denied.length ? renderMarkdown(table) : "", summary]
        .filter(Boolean)
        .join("\n\n"),
      exitCode: denied.length ? 1 : 0,
    };
  }
  const call = callOf(words, o, facts.hypercalls);
  const d = evaluateCall(call, ctx, profile, env);
  return {
    kind: "privcmd-emu",
    json: { profile: profile.id, call, ...d },
    text: [head, render(call, d)].join("\n\n"),
    markdown: `# ${head}\n\n\`\`\`\n${render(call, d)}\n\`\`\``,
    exitCode: d.allowed ? 0 : 1,
  };
}

function describe(c: PrivcmdCall): string {
  const op = c.hypercall ? ` ${c.hypercall}${c.subop ? `/${c.subop}` : ""}` : "";
  return `${c.ioctl}${op}${c.dom !== undefined ? ` dom ${c.dom}` : ""}`;
}

function render(call: PrivcmdCall, d: Decision): string {
  const lines = d.steps.map(
    (s) =>
      `${s.outcome === "pass" ? "ok  " : s.outcome === "fail" ? "FAIL" : "    "} ${s.what}${s.ref ? `  [${s.ref}]` : ""}`,
  );
  return [...lines, "", `${describe(call)}: ${d.allowed ? "ALLOW" : `DENY -${d.errno}`}`].join("\n");
}

/** The call the command line describes: `<ioctl> [<hypercall> [<subop>]]`, names or numbers. */
function callOf(
  words: readonly string[],
  o: EmuOptions,
  catalogue: ReturnType<typeof loadHypercallCatalogue>,
): PrivcmdCall {
  const [ioctl = "", hypercall, subop] = words;
  const name = ioctl.toUpperCase().replace(/^IOCTL_PRIVCMD_/, "");
  let op = {};
  if (hypercall !== undefined) {
    const r = resolveOp(catalogue, hypercall, subop, undefined);
    if ("code" in r) fail(r);
    op = r;
  }
  const fields: Record<string, number> = {};
  for (const f of o.field) {
    const [k, v] = f.split("=");
    const n = Number(v);
    if (!k || v === undefined || !Number.isFinite(n))
      fail(error("privcmd/bad-field", `--field \`${f}\` is not NAME=NUMBER`));
    fields[k as string] = n;
  }
  const dom = int(o.dom, "--dom");
  return {
    ioctl: name,
    ...op,
    ...(dom !== undefined && { dom }),
    ...(Object.keys(fields).length && { fields }),
    ...(o.inner && { inner: o.inner }),
    ...(o.signed && { signed: true }),
    ...(o.pci && { pci: true }),
  };
}

export interface ExportOptions extends PrivcmdOptions {
  readonly profile: string;
  readonly as: (typeof EXPORT_FORMATS)[number];
  readonly output?: string;
}

/**
 * `xenpriv privcmd export`: a profile as a kernel filter would hold it, as a PFC-like listing, a C
 * header or JSON; `-o` writes it whole, otherwise it goes to stdout as it is.
 */
export function privcmdExportCommand(o: ExportOptions): Output {
  // XenServer's profile is exported over XenServer's hypercalls, as emu and check read it
  const facts = load(o.xen, o.profile === "xenserver");
  const program = buildFilterProgram(profileOf(o.profile, facts), facts.hypercalls, { linux: facts.linux });
  const { kind, ...rest } = program;
  const text =
    o.as === "c"
      ? renderFilterHeader(program)
      : o.as === "json"
        ? `${JSON.stringify({ version: 1, kind, ...rest }, null, 2)}\n`
        : renderFilterListing(program);
  if (!o.output) return { kind, json: rest, text };
  writeWhole(o.output, text);
  const table = compileProfile(program);
  const conditional = [...table.verdicts, ...table.other].filter((v) => v === CONDITIONAL).length;
  return {
    kind,
    json: rest,
    text: `wrote ${o.output}: profile ${program.profile.id}, ${program.hypercalls.length} hypercalls, ${table.verdicts.length} sub-op entries, ${conditional} of them checked on the arguments`,
  };
}
