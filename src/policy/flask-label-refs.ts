import type { FlaskHook } from "../flask/hook-checks.js";

/**
 * Where hooks.c gives a domain its Flask labels, each as lines of the function holding them, counted
 * from the function's first line: flask_domain_alloc_security (the alloc_security_domain hook),
 * flask_set_system_active, flask_domain_create and flask_set_target, whose bodies keep these lines in
 * place from 4.17 to master (4.20 adds a `break;` below them); test:xen checks each against the tree.
 */
const LINES = {
  /** dsec->sid = SECINITSID_UNLABELED */
  unlabeled: ["alloc_security_domain", 9, 9],
  /** the system domains: DOMID_IDLE, DOMID_XEN, DOMID_IO */
  system: ["alloc_security_domain", 11, 21],
  /** a domain built at boot with is_privileged: SECINITSID_DOM0 */
  dom0: ["alloc_security_domain", 23, 26],
  /** a PV shim's domain: SECINITSID_DOMU */
  pvShim: ["alloc_security_domain", 27, 28],
  /** the idle domain: SECINITSID_XEN */
  idle: ["set_system_active", 24, 24],
  /** self_sid: the type_transition of the domain on itself */
  self: ["domain_create", 35, 39],
  /** target_sid: the type_transition of the target on its device model */
  target: ["set_target", 18, 20],
} as const;

/** The functions' first lines at RELEASE-4.22.0, for hooks that do not say theirs (a test's own). */
const AT_4_22 = { alloc_security_domain: 191, set_system_active: 230, domain_create: 551, set_target: 634 };

/** The `hooks.c:line` of each place a Flask label comes from, in the tree the hooks were read from. */
export function flaskLabelRefs(hooks: readonly FlaskHook[]): Record<keyof typeof LINES, string> {
  const first = (name: keyof typeof AT_4_22) => {
    const m = /^(.+):(\d+)$/.exec(hooks.find((h) => h.name === name)?.ref ?? "");
    return m
      ? { file: m[1] as string, line: Number(m[2]) }
      : { file: "xen/xsm/flask/hooks.c", line: AT_4_22[name] };
  };
  return Object.fromEntries(
    Object.entries(LINES).map(([k, [hook, from, to]]) => {
      const f = first(hook);
      return [k, `${f.file}:${f.line + from}${to === from ? "" : `-${f.line + to}`}`];
    }),
  ) as Record<keyof typeof LINES, string>;
}
