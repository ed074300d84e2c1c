import type { CommandLineAnalysis } from "./analyse-command-line.js";

/**
 * What `cmdline --fail-on` gates a boot entry on: an option lockdown drops (or applies in part);
 * also any option from a source lockdown does not trust (what another model or safe list could
 * drop); or also any warning.
 */
export const CMDLINE_FAIL_ON = ["dropped", "untrusted", "warning"] as const;
export type CmdlineFailOn = (typeof CMDLINE_FAIL_ON)[number];

/** Why the line fails `--fail-on`, or undefined when it passes. */
export function cmdlineFailure(a: CommandLineAnalysis, failOn: CmdlineFailOn): string | undefined {
  const dropped = a.tokens.filter((t) => t.status === "dropped" || t.status === "partly-applied");
  const why: string[] = [];
  if (dropped.length) why.push(`lockdown drops ${dropped.map((t) => `\`${t.text}\``).join(", ")}`);
  if (failOn === "untrusted") {
    const untrusted = a.tokens.filter((t) => !t.trusted && !dropped.includes(t));
    if (untrusted.length)
      why.push(`${untrusted.map((t) => `\`${t.text}\``).join(", ")} from an untrusted source`);
  }
  if (failOn === "warning") {
    const warnings = a.diagnostics.filter((d) => d.severity === "warning" || d.severity === "error");
    if (warnings.length) why.push(`${warnings.length} warning(s)`);
  }
  return why.length ? why.join("; ") : undefined;
}
