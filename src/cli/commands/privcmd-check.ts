import { atSpan } from "../../core/at-span.js";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { readInput } from "../../core/read-input.js";
import { checkNeeds, type DomainNeeds, type NeededOp } from "../../privcmd/check-needs.js";
import { overlayDecides } from "../../privcmd/evaluate-call.js";
import { loadToolstackCalls } from "../../privcmd/load-toolstack-calls.js";
import { parseTrace, type TracedCall } from "../../privcmd/parse-trace.js";
import { buildModel } from "../../query/model.js";
import { renderMarkdown, renderText, type Tabular } from "../../report/tabular.js";
import { loadSystemFile } from "../../system/load-system.js";
import {
  builtinSystemPath,
  resolvePolicy,
  type SystemOptions,
  systemOptions,
  systemPolicy,
} from "../context.js";
import type { Output } from "../output.js";
import { load, profileOf, xsmCatalogue } from "./privcmd.js";

export interface PrivcmdCheckOptions extends SystemOptions {
  readonly profile: string;
  readonly policy?: string;
  /** both catalogues (hypercalls and XSM checks); default: the system's `xen` */
  readonly xen?: string;
  readonly domain: string[];
  readonly initialDomain?: string;
  readonly unrestricted?: boolean;
  readonly lockdown: boolean;
  /** the kernels have CONFIG_SIGNED_PE_FILE_VERIFICATION (`--no-kexec-signature-check`: they have not) */
  readonly kexecSignatureCheck: boolean;
  /** `domain=calls.jsonl`: the domain's recorded calls replace its roles' known calls */
  readonly trace: string[];
}

const ref = (s: { what: string; ref?: string } | undefined) =>
  s ? `${s.what}${s.ref ? `  [${s.ref}]` : ""}` : "";

/** The tables of one domain: blocked but needed, needed with conditions, kernel-mediated, allowed but never usable. */
function tables(d: DomainNeeds): [string, Tabular][] {
  const needed = (rows: readonly NeededOp[], last: string, cell: (r: NeededOp) => string): Tabular => ({
    columns: ["operation", "call", "errno", last, "issued by", "XSM", "Xen allows"],
    rows: rows.map((r) => [
      r.overlay ? `${r.op} (XenServer overlay)` : r.op,
      `${r.call.ioctl}${r.call.dom !== undefined ? ` dom ${r.call.dom}` : ""}`,
      r.errno ?? "-",
      cell(r),
      r.from,
      r.overlay ? `XenServer's Xen: ${overlayDecides(r.overlay)}` : r.xsm.join(", ") || "-",
      r.may,
    ]),
  });
  const out: [string, Tabular][] = [];
  if (d.blocked.length)
    out.push(["blocked but needed", needed(d.blocked, "decisive check", (r) => ref(r.step))]);
  if (d.conditional.length)
    out.push([
      "needed, allowed only if the arguments pass",
      needed(d.conditional, "passes only if", (r) => r.passesIf?.join(" and ") ?? "its arguments pass"),
    ]);
  // the allowed needs are not listed, except those upstream's headers lack: say where they come from
  const overlaid = d.needed.filter((r) => r.overlay && r.verdict === "allowed");
  if (overlaid.length)
    out.push([
      "needed and allowed, from the XenServer overlay (not in upstream's headers)",
      needed(overlaid, "verdict", () => "allowed"),
    ]);
  if (d.kernelMediated.length)
    out.push([
      "kernel-mediated (the driver issues the hypercall, not privcmd): not privcmd needs",
      {
        columns: ["operation", "through", "issued by"],
        rows: d.kernelMediated.map((k) => [k.op, `/dev/xen/${k.via}`, k.from]),
      },
    ]);
  if (d.unusable.length)
    out.push([
      "allowed but never usable",
      {
        columns: ["operation", "profile", "XSM", "why Xen refuses it"],
        rows: d.unusable.map((u) => [u.op, u.verdict, u.xsm.join(", ") || "-", u.why.join("; ")]),
      },
    ]);
  return out;
}

function heading(d: DomainNeeds): string {
  const fd =
    d.privcmd === "dom0"
      ? "initial domain, fds start unrestricted"
      : d.restrictedTo === undefined
        ? "domU, fds unrestricted (xen_privcmd.unrestricted without lockdown)"
        : `domU, fds restricted to ${d.restrictedTo === 0x7fff ? "DOMID_IDLE" : `domain ${d.restrictedTo}`} (XSA-482)`;
  return `${d.domain} (domid ${d.domid}; ${d.roles.join(", ") || "no role"}; ${fd})`;
}

function summary(d: DomainNeeds): string {
  const c = d.counts;
  const from = d.needsFrom === "trace" ? "in its trace" : "by its roles' toolstack";
  return `${d.domain}: ${c.needed} needed ${from}: ${c.allowed} allowed, ${c.conditional} with conditions, ${c.blocked} blocked; ${c.kernelMediated} kernel-mediated; ${c.neverUsable} never usable, ${c.allowedNeverUsable} of them allowed`;
}

/**
 * `xenpriv privcmd check`: for each domain of a system, the privcmd operations its toolstack
 * needs that the profile blocks, and those the profile allows that Xen never lets it use.
 */
export function privcmdCheckCommand(o: PrivcmdCheckOptions): Output {
  const system = loadSystemFile(o.system ?? builtinSystemPath(), systemOptions(o));
  const xen = o.xen ?? system.xen;
  const at = o.xen ? undefined : system.valueSpans?.xen;
  const facts = atSpan(at, () => load(xen, o.profile === "xenserver"));
  const profile = profileOf(o.profile, facts);
  const catalogue = atSpan(at, () => xsmCatalogue(xen));
  const model = buildModel(
    catalogue,
    system,
    o.policy ? resolvePolicy(catalogue, o.policy) : systemPolicy(catalogue, system),
  );
  const traces = new Map<string, TracedCall[]>(
    o.trace.map((spec) => {
      const m = /^([^=]+)=(.+)$/.exec(spec);
      if (!m)
        fail(
          error(
            "privcmd/bad-trace-option",
            `\`--trace ${spec}\` is not \`domain=file\``,
            undefined,
            "for example `--trace dom0=calls.jsonl`, one per traced domain",
          ),
        );
      const [, domain, file] = m as unknown as [string, string, string];
      const text = readInput(file, { code: "privcmd/unreadable", what: "the trace" }).toString("utf8");
      return [domain, parseTrace(text, file, facts.hypercalls)];
    }),
  );
  const domains = checkNeeds(
    model,
    facts.hypercalls,
    profile,
    { linux: facts.linux, hypercalls: facts.hypercalls },
    {
      lockedDown: o.lockdown,
      kexecSignatureCheck: o.kexecSignatureCheck !== false,
      toolstack: loadToolstackCalls(),
      ...(traces.size && { traces }),
      ...(o.initialDomain !== undefined && { initialDomain: o.initialDomain }),
      ...(o.unrestricted && { unrestricted: true }),
      ...(o.profile === "restrict" && { restrictEachFd: true }),
      ...(o.domain.length && { domains: o.domain }),
    },
  );
  const head = `profile ${profile.id}: ${profile.title}; policy ${model.policy.name}; kernels ${o.lockdown ? "locked down" : "not locked down"}`;
  const section = (d: DomainNeeds, title: (t: string) => string, table: (t: Tabular) => string) =>
    [title(heading(d)), ...tables(d).map(([t, tab]) => `${t}:\n\n${table(tab)}`)]
      .filter(Boolean)
      .join("\n\n");
  const sums = domains.map(summary);
  return {
    kind: "privcmd-check",
    json: {
      xen: facts.hypercalls.xen,
      profile: profile.id,
      policy: model.policy.name,
      lockedDown: o.lockdown,
      domains,
    },
    text: [head, ...domains.map((d) => section(d, (t) => t, renderText)), sums.join("\n")].join("\n\n"),
    markdown: [
      `# ${head}`,
      ...domains.map((d) => section(d, (t) => `## ${t}`, renderMarkdown)),
      sums.map((l) => `- ${l}`).join("\n"),
    ].join("\n\n"),
    exitCode: domains.some((d) => d.blocked.length > 0) ? 1 : 0,
  };
}
