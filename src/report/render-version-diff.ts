import type { ContradictingCall, VersionDiff } from "../query/version-diff.js";
import { renderMarkdown, type Tabular } from "./tabular.js";

/** A check's deep run-time conditions would widen the table's column for every row; json has them whole. */
const shorten = (what: string, max = 120): string =>
  what.length > max ? `${what.slice(0, max - 1)}…` : what;

/** What a contradicting call is, never a permission change. */
const EFFECT = {
  "build-break": "does not build with CONFIG_XSM=n",
  "no-effect": "no effect: the hook uses its own action",
} as const;
/** The short form, for a table's change column. */
const EFFECT_ROW = { "build-break": "build break", "no-effect": "no effect" } as const;

/** What a contradicting call is, in one line: the call, its line, and the hook's own action with its line. */
function headline(c: ContradictingCall): string {
  return `${c.side}: ${EFFECT[c.effect]}: ${c.callSite} passes XSM_${c.action} to xsm_${c.hook}, which asserts XSM_${c.asserted} [${c.hookRef}]`;
}

/** Why, and what the diff counts instead: the lines of dummy.h that decide it. */
function details(c: ContradictingCall): string[] {
  const out: string[] = [];
  if (c.effect === "build-break") {
    out.push(`XSM_ASSERT_ACTION is a link-time check with CONFIG_XSM=n [${c.effectRef}]`);
    if (c.except) out.push(`except under \`${c.except.when}\` [${c.except.ref}]`);
  } else out.push(`xsm_${c.hook} never uses the caller's action [${c.effectRef}]`);
  out.push(
    c.ownActionRef
      ? `counted with XSM_${c.asserted}, the hook's own action with CONFIG_XSM=y [${c.ownActionRef}]`
      : `counted with XSM_${c.asserted}, the hook's own action`,
  );
  if (c.uncounted.length) {
    const ops = [...new Set(c.uncounted.map((u) => u.op))];
    out.push(
      `not counted: ${c.uncounted.length} ${c.uncounted.length === 1 ? "change" : "changes"} XSM_${c.action} would make (${ops.join(", ")})`,
    );
  }
  if (c.ops.length === 0) out.push("no operation's path makes the call");
  return out;
}

/** The summary line, then the lookups and hooks that changed. */
function summary(d: VersionDiff): [string, string[]] {
  const e = d.effective;
  return [
    `Xen ${d.from} -> ${d.to}: ${e.widened} widened, ${e.narrowed} narrowed, ${e.addedOps.length} new and ${e.removedOps.length} removed operations`,
    [
      ...d.lookups.map(
        (l) => `lookup ${l.lookup}: a missing domain gives ${l.from} [${l.fromRef}] -> ${l.to} [${l.toRef}]`,
      ),
      ...d.hooks.map(
        (h) =>
          `hook xsm_${h.hook}: ${h.from ?? "absent"} [${h.fromRef ?? "-"}] -> ${h.to ?? "absent"} [${h.toRef ?? "-"}]`,
      ),
    ],
  ];
}

/** The summary, lookups, hooks and contradicting calls of a version diff, as text lines. */
export function versionDiffLines(d: VersionDiff): string[] {
  const [title, notes] = summary(d);
  return [
    title,
    ...notes,
    ...d.contradictions.flatMap((c) => [headline(c), ...details(c).map((x) => `  ${x}`)]),
  ];
}

/** Every change as a row: permissions with their deciding lines, operations, checks, contradicting calls. */
export function versionDiffTable(d: VersionDiff): Tabular {
  const e = d.effective;
  const checkKind = (c: VersionDiff["checks"][number]) =>
    c.effect ? `check ${c.kind} (${EFFECT_ROW[c.effect]})` : `check ${c.kind}`;
  const rows = [
    ...e.changes.map((c) => [c.kind, c.domain, c.op, c.target ?? "", `${c.fromRef} -> ${c.toRef}`]),
    ...e.addedOps.map((o) => ["new", "", o, "", ""]),
    ...e.removedOps.map((o) => ["removed", "", o, "", ""]),
    ...d.checks.map((c) => [checkKind(c), "", c.op, shorten(c.what), c.ref]),
    ...d.contradictions.map((c) => [
      EFFECT_ROW[c.effect],
      "",
      c.ops.join(", "),
      `xsm_${c.hook}(XSM_${c.action}), the hook asserts XSM_${c.asserted}`,
      c.callSite,
    ]),
  ];
  return { columns: ["change", "domain", "operation", "target / check", "source"], rows };
}

/** The version diff in Markdown: the summary, what is not a permission change, and the table. */
export function versionDiffMarkdown(d: VersionDiff): string {
  const [title, notes] = summary(d);
  const code = (l: string) => l.replace(/\[([^\]]+)\]/g, "(`$1`)");
  const contradictions = d.contradictions.flatMap((c) => [
    `- **${EFFECT[c.effect]}** (${c.side}): \`${c.callSite}\` passes \`XSM_${c.action}\` to \`xsm_${c.hook}\`, which asserts \`XSM_${c.asserted}\` (\`${c.hookRef}\`)`,
    ...details(c).map((x) => `  - ${code(x)}`),
  ]);
  return [
    `## ${title}`,
    notes.map((l) => `- ${code(l)}`).join("\n"),
    contradictions.length ? `### Call sites that contradict their hook\n\n${contradictions.join("\n")}` : "",
    renderMarkdown(versionDiffTable(d)),
  ]
    .filter(Boolean)
    .join("\n\n");
}
