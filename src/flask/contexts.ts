import type { PolicyIndex } from "./access-vector.js";
import { XEN_INITIAL_SIDS } from "./initial-sids.js";
import type { FlaskContext, MlsLevel, MlsRange } from "./policydb.js";

const NO_LEVEL: MlsLevel = { sensitivity: 0, categories: [] };

/** `s0`, `s0:c0.c3,c5`: a level of the policy, or a message saying what is wrong. */
function parseLevel(ix: PolicyIndex, text: string): MlsLevel | string {
  const [sens = "", cats] = text.split(":");
  const s = ix.policy.sensitivities.find((x) => x.name === sens);
  if (!s) return `no sensitivity \`${sens}\` in the policy`;
  const categories: number[] = [];
  for (const part of cats ? cats.split(",") : []) {
    const [a = "", b] = part.split(".");
    const lo = ix.policy.categories.find((c) => c.name === a)?.value;
    const hi = b === undefined ? lo : ix.policy.categories.find((c) => c.name === b)?.value;
    if (lo === undefined || hi === undefined) return `no category \`${b === undefined ? a : `${a}.${b}`}\``;
    for (let v = lo; v <= hi; v++) if (!categories.includes(v)) categories.push(v);
  }
  return { sensitivity: s.level.sensitivity, categories: categories.sort((x, y) => x - y) };
}

/**
 * A domain label as a context of the policy: `user:role:type[:range]` as `xl`'s `seclabel` writes it
 * (`system_u:system_r:domU_t`), or a bare type, which takes `system_u:system_r` (the user and role of
 * Xen's policy, tools/flask/policy/policy/users at RELEASE-4.22.0) and the lowest level. A label the
 * policy cannot hold is returned as a message.
 */
export function parseLabel(ix: PolicyIndex, label: string): FlaskContext | string {
  const parts = label.split(":");
  const bare = parts.length === 1;
  const [user = "", role = "", type = ""] = bare ? ["system_u", "system_r", label] : parts;
  const rangeText = bare ? "" : parts.slice(3).join(":");
  const u = ix.policy.users.find((x) => x.name === user);
  if (!u) return `no user \`${user}\` in the policy`;
  const r = ix.policy.roles.find((x) => x.name === role);
  if (!r) return `no role \`${role}\` in the policy`;
  const t = ix.typeByName.get(type);
  if (t === undefined || ix.policy.types.find((x) => x.value === t)?.attribute)
    return `no type \`${type}\` in the policy`;
  if (!u.roles.includes(r.value)) return `user \`${user}\` may not take role \`${role}\``;
  if (r.value !== 1 && !r.types.includes(t)) return `role \`${role}\` may not take type \`${type}\``;
  let range: MlsRange = { low: NO_LEVEL, high: NO_LEVEL };
  if (ix.policy.mls) {
    const low = parseLevel(ix, rangeText ? (rangeText.split("-")[0] as string) : lowest(ix));
    const high = rangeText.includes("-") ? parseLevel(ix, rangeText.split("-")[1] as string) : low;
    if (typeof low === "string") return low;
    if (typeof high === "string") return high;
    range = { low, high };
  } else if (rangeText) return "the policy has no MLS: a label has no range";
  return { user: u.value, role: r.value, type: t, range };
}

function lowest(ix: PolicyIndex): string {
  const s = ix.policy.sensitivities
    .filter((x) => !x.isAlias)
    .sort((a, b) => a.level.sensitivity - b.level.sensitivity);
  return s[0]?.name ?? "s0";
}

/** The context of one of Xen's initial SIDs (`dom0`, `unlabeled`, ...), or undefined when the policy has none. */
export function initialSidContext(ix: PolicyIndex, name: string): FlaskContext | undefined {
  const sid = XEN_INITIAL_SIDS.findIndex((s) => s.name === name) + 1;
  return sid > 0 ? ix.policy.ocontexts.initialSids.find((s) => s.sid === sid)?.context : undefined;
}

/** `user:role:type[:level]` as sesearch and Xen print a context. */
export function formatContext(ix: PolicyIndex, c: FlaskContext): string {
  const p = ix.policy;
  const user = p.users.find((u) => u.value === c.user)?.name ?? `user${c.user}`;
  const role = p.roles.find((r) => r.value === c.role)?.name ?? `role${c.role}`;
  const type = ix.typeName.get(c.type) ?? `type${c.type}`;
  if (!p.mls) return `${user}:${role}:${type}`;
  const level = (l: MlsLevel) => {
    const s = p.sensitivities.find((x) => !x.isAlias && x.level.sensitivity === l.sensitivity)?.name;
    const cats = l.categories.map((v) => p.categories.find((x) => x.value === v && !x.isAlias)?.name);
    return `${s ?? `s${l.sensitivity - 1}`}${cats.length ? `:${cats.join(",")}` : ""}`;
  };
  const lo = level(c.range.low);
  const hi = level(c.range.high);
  return `${user}:${role}:${type}:${lo === hi ? lo : `${lo}-${hi}`}`;
}

const transitions = new WeakMap<PolicyIndex, Map<string, number>>();

/**
 * `security_transition_sid(ssid, tsid, tclass)` for the domain class as Xen's security server computes it
 * (xen/xsm/flask/ss/services.c:964-1090 at RELEASE-4.22.0): the source's user and role, the type of the
 * unconditional `type_transition` rule keyed by exactly (source type, target type, class) (avtab_search,
 * services.c:1044: checkpolicy writes type rules with their attributes expanded), else the source's type,
 * and the source's range. Returns the rule's position too, for explanations.
 */
export function transitionContext(
  ix: PolicyIndex,
  s: FlaskContext,
  t: FlaskContext,
  tclass: number,
): { context: FlaskContext; rule?: number } {
  let byKey = transitions.get(ix);
  if (!byKey) {
    const m = new Map<string, number>();
    ix.policy.avtab.forEach((r, i) => {
      const k = `${r.source},${r.target},${r.class}`;
      if (r.kind === "type_transition" && !m.has(k)) m.set(k, i);
    });
    transitions.set(ix, m);
    byKey = m;
  }
  const i = byKey.get(`${s.type},${t.type},${tclass}`);
  const r = i === undefined ? undefined : ix.policy.avtab[i];
  return r && i !== undefined ? { context: { ...s, type: r.data }, rule: i } : { context: s };
}
