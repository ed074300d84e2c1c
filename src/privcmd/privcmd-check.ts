import { atSpan } from "../core/at-span.js";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import { loadSystem, type SystemOptions, systemPolicy } from "../query/load-models.js";
import { buildModel } from "../query/model.js";
import { resolvePolicy } from "../query/resolve-policy.js";
import { checkNeeds, type DomainNeeds } from "./check-needs.js";
import { loadToolstackCalls } from "./load-toolstack-calls.js";
import { parseTrace, type TracedCall } from "./parse-trace.js";
import { privcmdFacts, xsmCatalogue as xsmCatalogueOf } from "./privcmd-facts.js";
import { privcmdProfile } from "./privcmd-profile.js";

export interface PrivcmdCheckOptions extends SystemOptions {
  /** none, restrict, xenserver, pointer-free, or a YAML profile file */
  readonly profile: string;
  readonly policy?: string | undefined;
  /** a `flask:` policy's booleans set other than its defaults */
  readonly flaskBooleans?: Readonly<Record<string, boolean>> | undefined;
  /** both catalogues (hypercalls and XSM checks); default: the system's `xen` */
  readonly xen?: string | undefined;
  /** only these domains; default: the domains with a role and the initial domain */
  readonly domain: readonly string[];
  readonly initialDomain?: string | undefined;
  readonly unrestricted?: boolean | undefined;
  readonly lockdown: boolean;
  /** the kernels have CONFIG_SIGNED_PE_FILE_VERIFICATION (`--no-kexec-signature-check`: they have not) */
  readonly kexecSignatureCheck: boolean;
  /** `domain=calls.jsonl`: the domain's recorded calls replace its roles' known calls */
  readonly trace: readonly string[];
}

/** Each domain's privcmd needs against a profile. */
export interface PrivcmdCheck {
  readonly xen: string;
  readonly profile: string;
  readonly profileTitle: string;
  readonly policy: string;
  readonly lockedDown: boolean;
  readonly domains: readonly DomainNeeds[];
}

/**
 * For each domain of a system, the privcmd operations its toolstack needs that the profile blocks,
 * and those the profile allows that Xen never lets it use.
 */
export function privcmdCheck(o: PrivcmdCheckOptions): PrivcmdCheck {
  const system = loadSystem(o);
  const xen = o.xen ?? system.xen;
  const at = o.xen ? undefined : () => system.valueSpans?.xen;
  const facts = atSpan(at, () => privcmdFacts(xen, o.profile === "xenserver"));
  const profile = privcmdProfile(o.profile, facts);
  const catalogue = atSpan(at, () => xsmCatalogueOf(xen));
  const model = buildModel(
    catalogue,
    system,
    o.policy ? resolvePolicy(catalogue, o.policy, o) : systemPolicy(catalogue, system, o),
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
      ...(o.domain.length && { domains: [...o.domain] }),
    },
  );
  return {
    xen: facts.hypercalls.xen,
    profile: profile.id,
    profileTitle: profile.title,
    policy: model.policy.name,
    lockedDown: o.lockdown,
    domains,
  };
}
