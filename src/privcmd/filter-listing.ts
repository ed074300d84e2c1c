import { errnoNumber } from "./errno.js";
import type { Condition } from "./filter-facts.js";
import type { FilterProgram, Outcome, Verdict } from "./filter-program.js";

const at = (ref: string | undefined) => (ref ? ` (${ref})` : "");
const refuse = (errno: string, ref: string | undefined) =>
  `action ERRNO(${errnoNumber(errno)});  # ${errno}${at(ref)}`;

/** The test a condition fails on, in the listing's `$name` vocabulary. */
function failsWhen(c: Exclude<Condition, { kind: "other" }>): string {
  switch (c.kind) {
    case "target-not-dom0":
      return "$arg.domain == 0";
    case "field-zero":
      return `$arg.${c.field} != 0`;
    case "inner-subops":
      return `$arg.${c.field} not in {${c.constants.join(", ")}}`;
    case "signed-image":
      return "!$signed";
    case "pci-device":
      return "!$pci_device";
    case "not-in-multicall":
      return "$depth > 0";
  }
}

function action(o: Outcome): string {
  switch (o.action) {
    case "allow":
      return `action ALLOW;${o.ref ? `  # ${o.ref}` : ""}`;
    case "deny":
      return refuse(o.errno, o.ref);
    case "multicall":
      return `action FILTER_ENTRIES;  # each entry through this filter at $depth + 1${at(o.ref)}`;
  }
}

function verdictLines(v: Verdict, indent: string): string[] {
  const lines: string[] = [];
  if (v.outcome.action === "multicall")
    lines.push(
      `${indent}if ($depth >= ${v.outcome.maxDepth})`,
      `${indent}  ${refuse(v.outcome.errno, v.outcome.ref)}`,
    );
  for (const c of v.checks) {
    if (c.kind === "other") lines.push(`${indent}# also: ${c.what}${at(c.ref)}`);
    else lines.push(`${indent}if (${failsWhen(c)})`, `${indent}  ${refuse(c.errno, c.ref)}`);
  }
  lines.push(`${indent}${action(v.outcome)}`);
  return lines;
}

const same = (a: Verdict, b: Verdict) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The program as libseccomp's pseudo filter code (PFC) reads: one `if` per hypercall and per
 * sub-op whose verdict differs from the hypercall's default, each action with the line it comes from.
 */
export function renderFilterListing(p: FilterProgram): string {
  const lines = [
    "#",
    "# pseudo filter code start",
    "#",
    `# profile ${p.profile.id}: ${p.profile.title}`,
    `# Xen ${p.xen} hypercall catalogue; ${p.context}`,
    "# $hypercall, $subop: the hypercall number and its sub-op (cmd); $arg: the argument structure;",
    "# $depth: 0 for the ioctl's own hypercall, 1 for a multicall's entry",
    "#",
  ];
  for (const i of p.ioctls) {
    lines.push(`# filter for ioctl IOCTL_PRIVCMD_${i.name} (${i.nr})`, `if ($ioctl == ${i.nr})`);
    lines.push(`  ${action(i.outcome)}`);
  }
  lines.push("# filter for ioctl IOCTL_PRIVCMD_HYPERCALL (0)", "if ($ioctl == 0)");
  for (const h of p.hypercalls) {
    lines.push(`  # filter for hypercall "${h.name}" (${h.number})`, `  if ($hypercall == ${h.number})`);
    const own = h.subops.filter((s) => !same(s.verdict, h.other));
    for (const s of own) {
      lines.push(`    # sub-op "${s.name}" (${s.value})`, `    if ($subop == ${s.value})`);
      lines.push(...verdictLines(s.verdict, "      "));
    }
    for (const u of h.unnumbered ?? [])
      lines.push(
        `    # sub-op "${u.name}": not in this listing, its number is unverified (${u.why}); the filter's verdict:`,
        ...verdictLines(u.verdict, "    #   "),
      );
    if (h.subops.length) lines.push(own.length ? "    # any other sub-op" : "    # every sub-op");
    lines.push(...verdictLines(h.other, "    "));
  }
  lines.push("  # any other hypercall", ...verdictLines(p.unknownHypercall, "  "));
  lines.push("# any other ioctl", action(p.unknownIoctl));
  lines.push("#", "# pseudo filter code end", "#");
  return `${lines.join("\n")}\n`;
}
