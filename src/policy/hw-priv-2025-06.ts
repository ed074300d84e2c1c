import { ACTIONS } from "../model/action.js";
import { createPolicy } from "./create-policy.js";
import { consoleIoHook, DUMMY_DEFAULT_ACTION, DUMMY_HOOKS, DUMMY_SPEC } from "./dummy.js";
import { and, atom, cases } from "./expr.js";
import { hwPrivAnnotations } from "./hw-priv-v1.js";
import type { SwitchProgram } from "./program.js";

/** "XSM changes for split hardware / control domain", [PATCH 1/4], 2025-06-10. */
export const HW_PRIV_2025_06_MESSAGE_ID = "20250610225737.469690-2-jason.andryuk@amd.com";
/** [PATCH 3/4] device-model capability. */
const DM_CAP_ID = "20250610225737.469690-4-jason.andryuk@amd.com";
/** [PATCH 4/4] xsm_sysctl becomes an XSM_OTHER switch. */
const SYSCTL_ID = "20250610225737.469690-5-jason.andryuk@amd.com";
const at = (line: number, id = HW_PRIV_2025_06_MESSAGE_ID) => `xen/include/xsm/dummy.h:${line} (${id})`;

const [hook, target, xsPriv] = DUMMY_DEFAULT_ACTION.cases as unknown as SwitchProgram["cases"];

/** 1/4 + 3/4: HW_PRIV falls through into PRIV (hardware or control); a device-model domain passes DM_PRIV. */
export const HW_PRIV_2025_06_DEFAULT_ACTION: SwitchProgram = {
  ref: at(78),
  cases: [
    hook,
    target,
    xsPriv,
    {
      labels: ["DM_PRIV"],
      ref: at(93),
      body: [
        { if: atom("is_dm_domain(src)"), then: "allow", ref: at(94, DM_CAP_ID) },
        { if: and(atom("target"), atom("src->target == target")), then: "allow", ref: at(96) },
      ],
    },
    {
      labels: ["HW_PRIV"],
      ref: at(99),
      body: [
        {
          if: and(atom("action == XSM_HW_PRIV"), atom("is_hardware_domain(src)")),
          then: "allow",
          ref: at(100),
        },
      ],
    },
    {
      labels: ["PRIV"],
      ref: at(103),
      body: [
        { if: atom("is_control_domain(src)"), then: "allow", ref: at(104) },
        { do: "deny", ref: at(106) },
      ],
    },
    { labels: ["default"], ref: at(107), body: [{ do: "deny", ref: at(109), note: "LINKER_BUG_ON(1)" }] },
  ] as SwitchProgram["cases"],
};

/** The June 2025 series: non-exclusive HW_PRIV, device-model capability, hwdom sysctls. */
export const hwPriv202506 = createPolicy({
  ...DUMMY_SPEC,
  name: "hw-priv-2025-06",
  title: "XSM_HW_PRIV, June 2025 series (proposal)",
  origin: {
    kind: "proposal",
    date: "2025-06-10",
    messageId: HW_PRIV_2025_06_MESSAGE_ID,
    source: '[PATCH 1/4], 3/4 and 4/4 of "XSM changes for split hardware / control domain" (xen-devel)',
  },
  description:
    "HW_PRIV is granted to the hardware domain and, by falling through into PRIV, to the control domain ('to keep " +
    "control all powerful'). A new device-model capability (is_dm_domain) passes DM_PRIV, and, because TARGET and " +
    "XS_PRIV fall into that case, TARGET and XS_PRIV too, against any target. 4/4 lets the hardware domain read the " +
    "console and physinfo through sysctl. 2/4 (SILO changes) is not modelled. Never merged.",
  actions: ACTIONS,
  defaultAction: HW_PRIV_2025_06_DEFAULT_ACTION,
  hooks: {
    ...DUMMY_HOOKS,
    console_io: consoleIoHook("HW_PRIV", at(294)),
    sysctl: {
      ref: at(189, SYSCTL_ID),
      body: [
        {
          if: cases("op", "XEN_SYSCTL_readconsole"),
          then: { call: "HW_PRIV", src: "current", target: "null" },
          ref: at(194, SYSCTL_ID),
        },
        {
          if: and(cases("op", "XEN_SYSCTL_physinfo"), atom("is_hardware_domain(current->domain)")),
          then: { call: "HW_PRIV", src: "current", target: "null" },
          ref: at(197, SYSCTL_ID),
        },
        { do: { call: "PRIV", src: "current", target: "null" }, ref: at(201, SYSCTL_ID) },
      ],
    },
  },
  reannotate: {
    ...hwPrivAnnotations(HW_PRIV_2025_06_MESSAGE_ID),
    sysctl: { action: "OTHER", ref: SYSCTL_ID },
  },
});
