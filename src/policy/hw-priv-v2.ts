import { ACTIONS } from "../model/action.js";
import { createPolicy } from "./create-policy.js";
import { consoleIoHook, DUMMY_DEFAULT_ACTION, DUMMY_HOOKS, DUMMY_SPEC } from "./dummy.js";
import { and, atom, not, or } from "./expr.js";
import { hwPrivAnnotations } from "./hw-priv-v1.js";
import type { SwitchProgram } from "./program.js";

/** [PATCH v2 01/17] xen/xsm: Add XSM_HW_PRIV, 2025-07-16. */
export const HW_PRIV_V2_MESSAGE_ID = "20250716211504.291104-2-jason.andryuk@amd.com";
const DM_CAP_ID = "20250716211504.291104-4-jason.andryuk@amd.com";
const UNTARGETABLE_ID = "20250716211504.291104-5-jason.andryuk@amd.com";
const XS_PRIV_ID = "20250716211504.291104-7-jason.andryuk@amd.com";
const at = (line: number, id = HW_PRIV_V2_MESSAGE_ID) => `xen/include/xsm/dummy.h:${line} (${id})`;

const [hook, target] = DUMMY_DEFAULT_ACTION.cases as unknown as SwitchProgram["cases"];
const untargetable = (line: number) =>
  ({
    if: and(atom("target"), not(atom("is_hypercall_target(target)"))),
    then: "deny",
    ref: at(line, UNTARGETABLE_ID),
  }) as const;

/** v2 01/17 + 03/17 + 04/17 + 06/17 as one dummy.h. */
export const HW_PRIV_V2_DEFAULT_ACTION: SwitchProgram = {
  ref: at(78),
  cases: [
    hook,
    target,
    {
      labels: ["XS_PRIV"],
      ref: at(88),
      body: [
        {
          if: and(
            atom("action == XSM_XS_PRIV"),
            or(atom("is_xenstore_domain(src)"), atom("is_control_domain(src)")),
          ),
          then: "allow",
          ref: at(89, XS_PRIV_ID),
        },
      ],
    },
    {
      labels: ["DM_PRIV"],
      ref: at(94),
      body: [
        untargetable(95),
        { if: atom("is_dm_domain(src)"), then: "allow", ref: at(97, DM_CAP_ID) },
        { if: and(atom("target"), atom("src->target == target")), then: "allow", ref: at(99) },
      ],
    },
    {
      labels: ["PRIV"],
      ref: at(102),
      body: [
        untargetable(103),
        { if: atom("is_control_domain(src)"), then: "allow", ref: at(105) },
        { do: "deny", ref: at(107) },
      ],
    },
    {
      labels: ["HW_PRIV"],
      ref: at(108),
      body: [
        { if: atom("is_hardware_domain(src)"), then: "allow", ref: at(109) },
        { do: "deny", ref: at(111) },
      ],
    },
    { labels: ["default"], ref: at(112), body: [{ do: "deny", ref: at(114), note: "LINKER_BUG_ON(1)" }] },
  ] as SwitchProgram["cases"],
};

/** The July 2025 v2 series: exclusive HW_PRIV, device-model capability, untargetable domains. */
export const hwPrivV2 = createPolicy({
  ...DUMMY_SPEC,
  name: "hw-priv-v2",
  title: "XSM_HW_PRIV v2 (proposal, 2025-07-16)",
  origin: {
    kind: "proposal",
    date: "2025-07-16",
    messageId: HW_PRIV_V2_MESSAGE_ID,
    source: "[PATCH v2 01/17], 03/17, 04/17 and 06/17 (xen-devel)",
  },
  description:
    "HW_PRIV is exclusive to the hardware domain (01/17), a device-model capability passes DM_PRIV (03/17; TARGET and " +
    "XS_PRIV fall into it), a not-hypercall-target flag makes DM_PRIV and PRIV (and what falls into them) fail against " +
    "such a domain (04/17), and the control domain passes XS_PRIV before that test (06/17). Never merged.",
  actions: ACTIONS,
  defaultAction: HW_PRIV_V2_DEFAULT_ACTION,
  hooks: { ...DUMMY_HOOKS, console_io: consoleIoHook("HW_PRIV", at(289)) },
  reannotate: hwPrivAnnotations(HW_PRIV_V2_MESSAGE_ID),
});
