import { UPSTREAM_ACTIONS } from "../model/action.js";
import { createPolicy, type PolicySpec } from "./create-policy.js";
import { and, atom, cases } from "./expr.js";
import type { HookProgram, SwitchProgram } from "./program.js";

const DUMMY_H = "xen/include/xsm/dummy.h";
const at = (line: number) => `${DUMMY_H}:${line}`;

/** `xsm_default_action()`, dummy.h:78-105 at RELEASE-4.22.0 (identical 4.19.0 .. master). */
export const DUMMY_DEFAULT_ACTION: SwitchProgram = {
  ref: at(78),
  cases: [
    { labels: ["HOOK"], ref: at(82), body: [{ do: "allow", ref: at(83) }] },
    { labels: ["TARGET"], ref: at(84), body: [{ if: atom("src == target"), then: "allow", ref: at(85) }] },
    {
      labels: ["XS_PRIV"],
      ref: at(88),
      body: [
        {
          if: and(atom("action == XSM_XS_PRIV"), atom("is_xenstore_domain(src)")),
          then: "allow",
          ref: at(89),
        },
      ],
    },
    {
      labels: ["DM_PRIV"],
      ref: at(93),
      body: [{ if: and(atom("target"), atom("src->target == target")), then: "allow", ref: at(94) }],
    },
    {
      labels: ["PRIV"],
      ref: at(97),
      body: [
        { if: atom("is_control_domain(src)"), then: "allow", ref: at(98) },
        { do: "deny", ref: at(100) },
      ],
    },
    { labels: ["default"], ref: at(101), body: [{ do: "deny", ref: at(103), note: "LINKER_BUG_ON(1)" }] },
  ],
};

/** `xsm_console_io()`, dummy.h:257-268: `is_console`, then VERBOSE_DEBUG writes, then PRIV. */
export function consoleIoHook(finalAction: "PRIV" | "HW_PRIV", finalRef = at(267)): HookProgram {
  return {
    ref: at(257),
    body: [
      { if: atom("d->is_console"), then: { call: "HOOK", src: "d", target: "null" }, ref: at(261) },
      {
        if: and(atom("CONFIG_VERBOSE_DEBUG"), atom("cmd == CONSOLEIO_write")),
        then: { call: "HOOK", src: "d", target: "null" },
        ref: at(264),
      },
      { do: { call: finalAction, src: "d", target: "null" }, ref: finalRef },
    ],
  };
}

/** `xsm_hvm_altp2mhvm_op()`, dummy.h:562-580: the rule depends on the domain's altp2m mode. */
export const ALTP2M_HOOK: HookProgram = {
  ref: at(562),
  body: [
    {
      if: cases("mode", "XEN_ALTP2M_mixed"),
      then: { call: "TARGET", src: "current", target: "d" },
      ref: at(569),
    },
    {
      if: cases("mode", "XEN_ALTP2M_external"),
      then: { call: "DM_PRIV", src: "current", target: "d" },
      ref: at(571),
    },
    {
      if: and(cases("mode", "XEN_ALTP2M_limited"), atom("HVMOP_altp2m_vcpu_enable_notify == op")),
      then: { call: "TARGET", src: "current", target: "d" },
      ref: at(574),
    },
    {
      if: cases("mode", "XEN_ALTP2M_limited"),
      then: { call: "DM_PRIV", src: "current", target: "d" },
      ref: at(576),
    },
    { do: "deny", ref: at(577) },
  ],
};

/** `xsm_pmu_op()`, dummy.h:694-708: note it passes (d, current). */
export const PMU_HOOK: HookProgram = {
  ref: at(694),
  body: [
    {
      if: cases("op", "XENPMU_init", "XENPMU_finish", "XENPMU_lvtpc_set", "XENPMU_flush"),
      then: { call: "HOOK", src: "d", target: "current" },
      ref: at(700),
    },
    { do: { call: "PRIV", src: "d", target: "current" }, ref: at(705) },
  ],
};

/** `xsm_xen_version()`, dummy.h:752-777. */
export const XEN_VERSION_HOOK: HookProgram = {
  ref: at(752),
  body: [
    {
      if: cases("op", "XENVER_version", "XENVER_platform_parameters", "XENVER_get_features"),
      then: "allow",
      ref: at(757),
    },
    {
      if: cases(
        "op",
        "XENVER_extraversion",
        "XENVER_extraversion2",
        "XENVER_compile_info",
        "XENVER_capabilities",
        "XENVER_capabilities2",
        "XENVER_changeset",
        "XENVER_changeset2",
        "XENVER_pagesize",
        "XENVER_guest_handle",
      ),
      then: { call: "HOOK", src: "current", target: "null" },
      ref: at(763),
    },
    { do: { call: "PRIV", src: "current", target: "null" }, ref: at(774) },
  ],
};

/** `xsm_mmu_update()`, dummy.h:646-657: two checks, the first skipped for DOMID_IO. */
export const MMU_UPDATE_HOOK: HookProgram = {
  ref: at(646),
  body: [
    { if: atom("f != dom_io"), check: { call: "TARGET", src: "d", target: "f" }, ref: at(652) },
    { if: atom("t"), check: { call: "TARGET", src: "d", target: "t" }, ref: at(654) },
    { do: "allow", ref: at(656) },
  ],
};

/** The four XSM_OTHER hooks of the default policy, and the one hook with two checks. */
export const DUMMY_HOOKS: Readonly<Record<string, HookProgram>> = {
  console_io: consoleIoHook("PRIV"),
  hvm_altp2mhvm_op: ALTP2M_HOOK,
  pmu_op: PMU_HOOK,
  xen_version: XEN_VERSION_HOOK,
  mmu_update: MMU_UPDATE_HOOK,
};

export const DUMMY_SPEC: PolicySpec = {
  name: "dummy",
  title: "Xen default XSM policy (dummy.h)",
  origin: { kind: "upstream", date: "2024-07-29", source: "xen/include/xsm/dummy.h at RELEASE-4.22.0" },
  description:
    "The policy every Xen build runs without Flask: CONFIG_XSM=n inlines xen/include/xsm/dummy.h, and xsm=dummy builds " +
    "the same functions into xsm_ops. xsm_default_action() is identical from RELEASE-4.19.0 to master; only control " +
    "(is_privileged), xenstore (CDF_xs_domain) and the device-model target pointer count; the hardware domain is never consulted.",
  actions: UPSTREAM_ACTIONS,
  defaultAction: DUMMY_DEFAULT_ACTION,
  hooks: DUMMY_HOOKS,
  reannotate: {},
  guards: {},
};

/** The upstream default policy. */
export const dummy = createPolicy(DUMMY_SPEC);
