import { atSpan } from "../../core/at-span.js";
import { checkNeeds, type DomainNeeds, type NeededOp } from "../../privcmd/check-needs.js";
import { buildModel } from "../../query/model.js";
import { resolvePolicy } from "../../query/tree-policy.js";
import { renderMarkdown, renderText, type Tabular } from "../../report/tabular.js";
import { loadSystemFile } from "../../system/load-system.js";
import { builtinSystemPath, type SystemOptions, systemOptions, systemPolicy } from "../context.js";
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
}

const ref = (s: { what: string; ref?: string } | undefined) =>
  s ? `${s.what}${s.ref ? `  [${s.ref}]` : ""}` : "";

/** The tables of one domain: blocked but needed, needed with conditions, allowed but never usable. */
function tables(d: DomainNeeds): [string, Tabular][] {
  const needed = (rows: readonly NeededOp[]): Tabular => ({
    columns: ["operation", "XSM", "Xen allows", "call", "errno", "decisive check"],
    rows: rows.map((r) => [
      r.op,
      r.xsm.join(", ") || "-",
      r.may,
      `${r.call.ioctl} dom ${r.call.dom}`,
      r.errno ?? "-",
      ref(r.step),
    ]),
  });
  const out: [string, Tabular][] = [];
  if (d.blocked.length) out.push(["blocked but needed", needed(d.blocked)]);
  if (d.conditional.length)
    out.push(["needed, allowed only with conditions on the arguments", needed(d.conditional)]);
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
  return `${d.domain}: ${c.needed} needed: ${c.allowed} allowed, ${c.conditional} with conditions, ${c.blocked} blocked; ${c.neverUsable} never usable, ${c.allowedNeverUsable} of them allowed; ${d.unchecked.total} without an XSM check, ${d.unchecked.blocked.length} of them blocked`;
}

/**
 * `xenpriv privcmd check`: for each domain of a system, the privcmd operations its toolstack
 * needs that the profile blocks, and those the profile allows that Xen never lets it use.
 */
export function privcmdCheckCommand(o: PrivcmdCheckOptions): Output {
  const system = loadSystemFile(o.system ?? builtinSystemPath(), systemOptions(o));
  const xen = o.xen ?? system.xen;
  const at = o.xen ? undefined : system.valueSpans?.xen;
  const facts = atSpan(at, () => load(xen));
  const profile = profileOf(o.profile, facts);
  const catalogue = atSpan(at, () => xsmCatalogue(xen));
  const model = buildModel(
    catalogue,
    system,
    o.policy ? resolvePolicy(catalogue, o.policy) : systemPolicy(catalogue, system),
  );
  const domains = checkNeeds(
    model,
    facts.hypercalls,
    profile,
    { linux: facts.linux },
    {
      lockedDown: o.lockdown,
      ...(o.initialDomain !== undefined && { initialDomain: o.initialDomain }),
      ...(o.unrestricted && { unrestricted: true }),
      ...(o.profile === "restrict" && { restrictEachFd: true }),
      ...(o.domain.length && { domains: o.domain }),
    },
  );
  const head = `profile ${profile.id}: ${profile.title}; policy ${model.policy.name}; kernels ${o.lockdown ? "locked down" : "not locked down"}`;
  const section = (d: DomainNeeds, title: (t: string) => string, table: (t: Tabular) => string) =>
    [
      title(heading(d)),
      ...tables(d).map(([t, tab]) => `${t}:\n\n${table(tab)}`),
      d.unchecked.blocked.length
        ? `blocked, without an XSM check (not counted as needed): ${d.unchecked.blocked.join(", ")}`
        : "",
    ]
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
