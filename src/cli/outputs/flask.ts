import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { error } from "../../core/diagnostic.js";
import { fail } from "../../core/errors.js";
import { indexPolicy } from "../../flask/access-vector.js";
import { buildPolicy } from "../../flask/build-policy.js";
import { booleanStates } from "../../flask/conditional.js";
import { formatRules, policySummary } from "../../flask/describe-policy.js";
import { XEN_INITIAL_SIDS } from "../../flask/initial-sids.js";
import { lintPolicy } from "../../flask/lint-policy.js";
import type { FlaskPolicy } from "../../flask/policydb.js";
import { readPolicy } from "../../flask/read-policy.js";
import { readPolicyFile } from "../../flask/read-policy-file.js";
import { type RuleOrigin, type RuleOrigins, ruleOrigins } from "../../flask/rule-origins.js";
import { typeReach } from "../../flask/type-reach.js";
import type { Output } from "../output.js";
import { writeWhole } from "../write-whole.js";

export interface FlaskBuildOptions {
  readonly output?: string;
  /** `--rules`: every allow rule, with the lines of the source it comes from */
  readonly rules?: boolean;
}

/** Where a rule comes from, on one line: `path:line: the statement or macro use (the macro's rule at path:line)`. */
const originLine = (o: RuleOrigin) =>
  `    ${o.ref}: ${o.text}${o.macro ? ` (${o.macro.name}'s rule at ${o.macro.ref})` : ""}`;

/** The policy's header and counts, and its allow rules with `--rules` (each with its lines, given origins). */
function describe(p: FlaskPolicy, rules: boolean, origins?: RuleOrigins): Output {
  const summary = policySummary(p);
  const ix = indexPolicy(p);
  const allow = rules ? formatRules(ix, "allow").sort() : [];
  const ruleOrigin = origins && Object.fromEntries(allow.map((r) => [r, origins[r] ?? []]));
  const sidName = (sid: number) => XEN_INITIAL_SIDS[sid - 1]?.name ?? `sid ${sid}`;
  const type = (v: number) => ix.typeName.get(v) ?? `type ${v}`;
  const sids = [...p.ocontexts.initialSids]
    .sort((a, b) => a.sid - b.sid)
    .map((s) => `${sidName(s.sid)}=${type(s.context.type)}`);
  const head = [
    `policy ${p.file}: ${p.size} bytes, version ${p.version}, target ${p.target}, MLS ${p.mls ? "enabled" : "disabled"}, unknown classes: ${p.handleUnknown}`,
    ...summary.map(([k, n]) => `  ${`${k}:`.padEnd(16)}${n}`),
    `  initial SIDs: ${sids.join(" ")}`,
    ...(p.booleans.length ? [`  booleans: ${p.booleans.map((b) => `${b.name}=${b.state}`).join(" ")}`] : []),
  ];
  return {
    kind: "flask-policy",
    json: {
      file: p.file,
      size: p.size,
      version: p.version,
      target: p.target,
      mls: p.mls,
      handleUnknown: p.handleUnknown,
      counts: Object.fromEntries(summary),
      initialSids: sids,
      booleans: p.booleans.map((b) => ({ name: b.name, default: b.state })),
      ...(rules && { allow }),
      ...(ruleOrigin && { origins: ruleOrigin }),
    },
    text: [
      ...head,
      ...(rules ? ["", ...allow.flatMap((r) => [r, ...(ruleOrigin?.[r] ?? []).map(originLine)])] : []),
    ].join("\n"),
  };
}

/** `xenpriv flask show <policy>`: what a compiled policy holds, counted as `seinfo` counts. */
export function flaskShowCommand(file: string, o: { rules?: boolean }): Output {
  return describe(readPolicyFile(file), o.rules === true);
}

/** `xenpriv flask build <xen-tree> [-o file]`: the tree's policy, compiled in a temporary copy. */
export function flaskBuildCommand(tree: string, o: FlaskBuildOptions): Output {
  const built = buildPolicy(tree);
  const out = o.output ?? built.name;
  // read back before writing: what is written is a policy this reader accepts
  const policy = readPolicy(built.bytes, out);
  const origins =
    o.rules === true
      ? ruleOrigins(policy, built.conf, built.confDir, (p) =>
          existsSync(join(tree, p)) ? readFileSync(join(tree, p), "utf8") : undefined,
        )
      : undefined;
  writeWhole(out, built.bytes);
  const d = describe(policy, o.rules === true, origins);
  return { ...d, kind: "flask-build", text: `wrote ${out} (Xen ${built.xenVersion})\n${d.text}` };
}

/** `xenpriv flask reach <policy> [--source T] [--target T]`: which domain types may reach which. */
export function flaskReachCommand(
  file: string,
  o: { source?: string; target?: string; flaskBooleans?: Readonly<Record<string, boolean>> },
): Output {
  const p = readPolicyFile(file);
  const ix = indexPolicy(p);
  for (const t of [o.source, o.target])
    if (t !== undefined && !ix.typeByName.has(t))
      fail(
        error(
          "flask/unknown-type",
          `the policy has no type \`${t}\``,
          undefined,
          `types: ${[...ix.typeName.values()].join(", ")}`,
        ),
      );
  const set = o.flaskBooleans ?? {};
  const rows = typeReach(ix, booleanStates(p, set), o);
  return {
    kind: "flask-reach",
    json: { file: p.file, booleans: set, reach: rows },
    text: `${rows.length} (source, target, class) of domain types in ${p.file} with allowed permissions (${booleansText(set)})`,
    table: {
      columns: ["source", "target", "class", "permissions"],
      rows: rows.map((r) => [r.source, r.target, r.class, r.permissions.join(" ")]),
    },
  };
}

/** `xenpriv flask lint <policy>`: findings over the policy's types (flask/lint-policy.ts); exit 1 when any. */
export function flaskLintCommand(
  file: string,
  o: { flaskBooleans?: Readonly<Record<string, boolean>> } = {},
): Output {
  const p = readPolicyFile(file);
  const set = o.flaskBooleans ?? {};
  const findings = lintPolicy(indexPolicy(p), booleanStates(p, set));
  return {
    kind: "flask-lint",
    json: { file: p.file, booleans: set, findings },
    text: [
      ...findings.map((f) =>
        [
          `${p.file}${f.rules[0] ? `@0x${f.rules[0].offset.toString(16)}` : ""}: ${f.severity}[${f.code}]: ${f.message}`,
          ...f.rules.map((r) => `  granted by ${r.rule} (@0x${r.offset.toString(16)})`),
        ].join("\n"),
      ),
      `${findings.length} finding(s) in ${p.file} (${booleansText(set)})`,
    ].join("\n"),
    exitCode: findings.length ? 1 : 0,
  };
}

/** `booleans at their defaults`, and those set otherwise */
const booleansText = (set: Readonly<Record<string, boolean>>) => {
  const named = Object.keys(set).sort();
  return `booleans at their defaults${named.length ? `, but ${named.map((b) => `${b}=${set[b]}`).join(", ")}` : ""}`;
};
