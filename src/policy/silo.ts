import { createPolicy, type HookGuard } from "./create-policy.js";
import { DUMMY_SPEC } from "./dummy.js";
import { and, atom, or } from "./expr.js";

const SILO_C = "xen/xsm/silo.c";

/** `silo_mode_dom_check(ldom, rdom)`, silo.c:27-34 at RELEASE-4.22.0. */
function domCheck(ldom: string, rdom: string, line: number): HookGuard {
  return {
    expr: or(
      atom("is_control_domain(current->domain)"),
      atom(`is_control_domain(${ldom})`),
      atom(`is_control_domain(${rdom})`),
      atom(`${ldom} == ${rdom}`),
    ),
    ref: `${SILO_C}:${line}`,
  };
}

/** SILO: dummy plus a same-domain-or-control rule on inter-domain communication (the Arm default with XSM=y). */
export const silo = createPolicy({
  ...DUMMY_SPEC,
  name: "silo",
  title: "SILO XSM module (xen/xsm/silo.c)",
  origin: { kind: "upstream", date: "2018-09-04", source: "xen/xsm/silo.c at RELEASE-4.22.0" },
  description:
    "The default XSM module on Arm when CONFIG_XSM=y (XSM_SILO_DEFAULT). It overrides five hooks (seven with ARGO) " +
    "and fills every other slot with the dummy function: event-channel binding, grant mapping, transfer and copy " +
    "between two domains are refused unless the caller or one side is the control domain, or both sides are the same domain.",
  guards: {
    // silo_evtchn_unbound looks the remote domain up first: -ESRCH when it does not exist (silo.c:40-44)
    evtchn_unbound: { ...domCheck("d", "id2", 46), expr: and(atom("id2"), domCheck("d", "id2", 46).expr) },
    evtchn_interdomain: domCheck("d1", "d2", 58),
    grant_mapref: domCheck("d1", "d2", 66),
    grant_transfer: domCheck("d1", "d2", 73),
    grant_copy: domCheck("d1", "d2", 80),
    argo_register_single_source: domCheck("d", "t", 90),
    argo_send: domCheck("d", "t", 98),
  },
});
