import { lintPolicy } from "../../flask/lint-policy.js";
import type { Rule, RulePart } from "../rule.js";

/** `flask lint`'s rules (flask/lint-policy.ts), each a part of this one, reported as `flask/<part>`. */
const PARTS: readonly RulePart[] = [
  {
    id: "guest-on-dom0",
    what: "a domain type other than dom0_t that the Flask policy lets act on dom0_t (memory, vCPUs, life cycle, device model, resources), read-only permissions aside",
    defaultSeverity: "warning",
    ref: "xen/xsm/flask/hooks.c:214-217",
  },
  {
    id: "dm-unbound",
    what: "a device-model type (one allowed domain:set_target) that the Flask policy lets act as device model (hvm:dm) on a guest type itself rather than on the `_target` type set_target gives it",
    defaultSeverity: "warning",
    ref: "xen/xsm/flask/hooks.c:652-654",
  },
];

/** The example system: the control domain keeps dom0_t, the guest is domU_t. */
const SYSTEM = `domains:
  - { name: ctl, domid: 0, built: dom0, caps: [control, hardware] }
  - { name: guest, domid: 1, type: hvm, label: system_u:system_r:domU_t }`;

/** An example policy (policy.conf, as `checkpolicy -t Xen` reads it) with the allow rule `rule`. */
const policy = (rule: string) => `class domain
class hvm
sid xenboot
sid xen
sid dom0
sid domio
sid domxen
sid unlabeled
class domain { pause getdomaininfo set_target }
class hvm { dm }
attribute domain_type;
type xen_t;
type dom0_t, domain_type;
type domU_t, domain_type;
${rule}
role system_r;
role system_r types { xen_t dom0_t domU_t };
user system_u roles { system_r };
sid xenboot system_u:system_r:xen_t
sid xen system_u:system_r:xen_t
sid dom0 system_u:system_r:dom0_t
sid domio system_u:system_r:xen_t
sid domxen system_u:system_r:xen_t
sid unlabeled system_u:system_r:xen_t`;

export const flaskPolicy: Rule = {
  id: "flask-policy",
  category: "privilege",
  defaultSeverity: "warning",
  what: "the rules of `xenpriv flask lint` over the Flask policy a system runs under (`--policy flask:<policy>`): a guest type that may act on dom0_t, a device-model type not bound to its target",
  why: "Under Flask a domain's power is what the policy's allow rules give its type, whatever the system file says of its roles. Xen labels the domain it builds privileged at boot dom0_t (SECINITSID_DOM0, flask_domain_alloc_security, xen/xsm/flask/hooks.c:214-217 at RELEASE-4.22.0): a guest type allowed to act on it (pause, map its memory, set its vCPUs) can take the control domain over. A device model acts on its guest through the guest's target SID, the type_transition set_target computes (hooks.c:652-654; flask_dm_op checks hvm:dm on it, hooks.c:1824-1826), so that QEMU for one guest reaches no other; a device-model type allowed hvm:dm on a guest type itself reaches every guest of that type (device_model() allows it on the `_target` type, tools/flask/policy/modules/xen.if:268-271, 289). Each finding points at the allow rule that grants it in the compiled policy (its byte offset) and is its own rule in SARIF, `flask-policy/<check>`, with the booleans as the command sets them (`--flask-boolean`). Reported only under a `flask:` policy.",
  examples: {
    bad: SYSTEM,
    good: SYSTEM,
    flask: {
      bad: policy("allow domU_t dom0_t:domain { getdomaininfo pause };"),
      good: policy("allow domU_t dom0_t:domain getdomaininfo;"),
    },
  },
  messages: { finding: "{{message}} under {{policy}}" },
  parts: PARTS,
  check(ctx) {
    const f = ctx.model.policy.flask;
    if (!f) return [];
    return lintPolicy(f.index, f.states).map((x) => {
      const part = x.code.slice(x.code.indexOf("/") + 1);
      return {
        messageId: "finding",
        data: { message: x.message, policy: ctx.model.policy.name },
        code: x.code,
        severity: x.severity,
        // the compiled policy, at the allow rule that grants it
        span: { file: f.policy.file, line: 0, column: 0, offset: x.rules[0]?.offset ?? 0 },
        help: `${x.rules.map((r) => `\`${r.rule}\``).join(" and ")} grants it; ${part === "dm-unbound" ? "allow a device-model type hvm:dm on its guest's `_target` type only (xen.if's device_model())" : "give guest types read-only permissions on dom0_t at most"}`,
        ref: PARTS.find((p) => p.id === part)?.ref ?? "xen/xsm/flask/hooks.c",
      };
    });
  },
};
