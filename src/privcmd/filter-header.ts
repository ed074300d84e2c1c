import type { CompiledProfile } from "./compile-profile.js";
import { CONDITIONAL, compileProfile } from "./compile-profile.js";
import { errnoName } from "./errno.js";
import type { Condition } from "./filter-facts.js";
import { type FilterProgram, isConditional, type Verdict } from "./filter-program.js";

/** A C identifier from a profile id: `pointer-free` → `pointer_free`. */
export function cName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
  return /^[a-z_]/.test(s) ? s : `p_${s}`;
}

/** The fields conditions read, in a fixed order: their indexes into `call->fields`. */
function fieldsOf(p: FilterProgram): string[] {
  const fields = new Set<string>();
  for (const v of verdicts(p)) for (const c of v.checks) if (c.kind === "field-zero") fields.add(c.field);
  return [...fields];
}

function verdicts(p: FilterProgram): Verdict[] {
  return [p.unknownHypercall, ...p.hypercalls.flatMap((h) => [h.other, ...h.subops.map((s) => s.verdict)])];
}

const fieldMacro = (prefix: string, field: string) =>
  `${prefix.toUpperCase()}_FIELD_${field.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;

/** `-ERRNO` as C writes it; the table's numbers are Linux's, which the header checks at compile time. */
const neg = (errno: string) => `-${errno}`;

/** The C statements of a conditional verdict, returning 0 or -errno. */
function verdictBody(v: Verdict, prefix: string, indent: string): string[] {
  const out: string[] = [];
  const failWith = (test: string, errno: string, ref: string) =>
    out.push(`${indent}if (${test}) /* ${ref} */`, `${indent}\treturn ${neg(errno)};`);
  if (v.outcome.action === "multicall") {
    const { maxDepth, errno, ref } = v.outcome;
    failWith(`call->depth >= ${maxDepth}`, errno, ref);
  }
  for (const c of v.checks) {
    if (c.kind === "other") out.push(`${indent}/* also, not compiled: ${comment(c.what)} (${c.ref}) */`);
    else failWith(failTest(c, prefix), c.errno, c.ref);
  }
  switch (v.outcome.action) {
    case "multicall":
      out.push(
        `${indent}for (i = 0; i < call->nr_entries; i++) {`,
        `${indent}\tstruct xenpriv_call entry = call->entries[i];`,
        `${indent}\tint rc;`,
        "",
        `${indent}\tentry.depth = call->depth + 1;`,
        `${indent}\trc = ${prefix}_decide(&entry);`,
        `${indent}\tif (rc)`,
        `${indent}\t\treturn rc;`,
        `${indent}}`,
        `${indent}return 0;`,
      );
      break;
    case "allow":
      out.push(`${indent}return 0;`);
      break;
    case "deny":
      out.push(`${indent}return ${neg(v.outcome.errno)};`);
  }
  return out;
}

function failTest(c: Exclude<Condition, { kind: "other" }>, prefix: string): string {
  switch (c.kind) {
    case "target-not-dom0":
      // a domain the kernel could not read fails closed, as the emulator's absent --dom does
      return "call->dom == XENPRIV_DOM_NONE || call->dom == 0";
    case "field-zero":
      return `${prefix}_field(call, ${fieldMacro(prefix, c.field)}) != 0`;
    case "inner-subops":
      return `!(call->flags & XENPRIV_CALL_INNER) || !(${c.constants.map((k) => `call->inner == ${k}`).join(" || ")})`;
    case "signed-image":
      return "!(call->flags & XENPRIV_CALL_SIGNED)";
    case "pci-device":
      return "!(call->flags & XENPRIV_CALL_PCI)";
    case "not-in-multicall":
      return "call->depth > 0";
  }
}

const comment = (s: string) => s.replaceAll("*/", "* /");

/** The mask table: ~0UL (every bit) unless the filter masks the hypercall's sub-op, with the line that does. */
function masks(p: FilterProgram, size: number): string {
  const byNumber = new Map(p.hypercalls.flatMap((h) => (h.subopMask ? [[h.number, h] as const] : [])));
  const lines: string[] = [];
  for (let n = 0; n < size; n++) {
    const h = byNumber.get(n);
    lines.push(h?.subopMask ? `\t${h.subopMask.mask}UL, /* ${h.name}: ${h.subopMask.ref} */` : "\t~0UL,");
  }
  return lines.join("\n");
}

/** Table entries, eight to a line, errnos by name. */
function entries(values: ArrayLike<number>, code = true): string {
  const words = Array.from(values, (v) =>
    !code ? String(v) : v === CONDITIONAL ? "XENPRIV_CONDITIONAL" : v === 0 ? "0" : errnoName(v),
  );
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(`\t${words.slice(i, i + 8).join(", ")},`);
  return lines.join("\n");
}

/**
 * The program as a C header for a kernel filter: the compiled table over (hypercall, sub-op),
 * and the checks of the conditional entries, behind `<prefix>_decide(call)` (0, or -errno).
 */
export function renderFilterHeader(p: FilterProgram): string {
  const prefix = `xenpriv_${cName(p.profile.id)}`;
  const P = prefix.toUpperCase();
  const c: CompiledProfile = compileProfile(p);
  const fields = fieldsOf(p);
  const constants = [
    ...new Set(
      verdicts(p).flatMap((v) => v.checks.flatMap((k) => (k.kind === "inner-subops" ? k.constants : []))),
    ),
  ];
  const errnos = [
    ...new Set([
      "EPERM",
      ...verdicts(p).flatMap((v) => [
        ...(v.outcome.action === "allow" ? [] : [v.outcome.errno]),
        ...v.checks.flatMap((k) => (k.kind === "other" ? [] : [k.errno])),
      ]),
    ]),
  ].sort();

  const cases: string[] = [];
  for (const h of p.hypercalls) {
    const conditional = h.subops.filter((s) => isConditional(s.verdict));
    const other = isConditional(h.other);
    if (!conditional.length && !other) continue;
    cases.push(`\tcase ${h.number}: /* ${h.name} */`);
    if (!h.subops.length) {
      cases.push(...verdictBody(h.other, prefix, "\t\t"));
      continue;
    }
    for (const u of h.unnumbered ?? [])
      cases.push(`\t\t/* ${u.name}: no case, its number is unverified (${comment(u.why)}) */`);
    cases.push(`\t\tswitch (call->subop & ${prefix}_mask[${h.number}]) {`);
    for (const s of conditional) {
      cases.push(`\t\tcase ${s.value}: /* ${s.name} */`, ...verdictBody(s.verdict, prefix, "\t\t\t"));
    }
    if (other) cases.push("\t\tdefault:", ...verdictBody(h.other, prefix, "\t\t\t"));
    cases.push("\t\t}", "\t\tbreak;");
  }
  const unknown = isConditional(p.unknownHypercall)
    ? ["\tdefault:", ...verdictBody(p.unknownHypercall, prefix, "\t\t")]
    : [];
  const usesLoop = verdicts(p).some((v) => v.outcome.action === "multicall");

  return `/* SPDX-License-Identifier: MIT */
/*
 * ${prefix}.h: the privcmd filter profile "${p.profile.id}" (${comment(p.profile.title)}),
 * generated by xenpriv from the Xen ${p.xen} hypercall catalogue. Do not edit: run
 * \`xenpriv privcmd export --profile ${p.profile.id} --xen ${p.xen} --as c\` again.
 *
 * It decides ${p.context}.
 * ${prefix}_decide(call) returns 0 to let the call through, or -errno to refuse it. The caller
 * fills struct xenpriv_call from the argument it has copied into kernel memory (never from user
 * memory, which may change between the check and the use).
 * Include <linux/errno.h> (or <errno.h>) first${constants.length ? ", and the Xen public headers that define the inner sub-op constants" : ""}.
 */
#ifndef ${P}_H
#define ${P}_H

#ifndef XENPRIV_CALL_DEFINED
#define XENPRIV_CALL_DEFINED
#define XENPRIV_CONDITIONAL (-1)
#define XENPRIV_DOM_NONE (-1L)
#define XENPRIV_CALL_SIGNED 0x1u /* kexec_load: segment 0 passed verify_pefile_signature (CONFIG_SIGNED_PE_FILE_VERIFICATION assumed) */
#define XENPRIV_CALL_PCI 0x2u /* (de)assign_device: the device is a PCI device */
#define XENPRIV_CALL_INNER 0x4u /* inner holds the inner sub-op */

struct xenpriv_call {
\tunsigned long op; /* the hypercall number */
\tunsigned long subop; /* its sub-op (cmd); 0 for a hypercall without sub-ops */
\tlong dom; /* the domain the structure names, or XENPRIV_DOM_NONE */
\tunsigned int flags; /* XENPRIV_CALL_* */
\tunsigned long inner; /* the inner sub-op (numa_op's op, livepatch's cmd) */
\tunsigned int depth; /* 0 for the ioctl's own hypercall, 1 for a multicall's entry */
\tconst unsigned long *fields; /* the fields conditions read, by *_FIELD_* index; NULL: all 0 */
\tconst struct xenpriv_call *entries; /* a multicall's entries */
\tunsigned int nr_entries;
};
#endif

${errnos.map((e) => `#ifndef ${e}\n#error "${e} is not defined: include <linux/errno.h> or <errno.h> first"\n#endif`).join("\n")}
${constants.map((k) => `#ifndef ${k}\n#error "${k} is not defined: include the Xen public header that defines it first"\n#endif`).join("\n")}

${fields.map((f, i) => `#define ${fieldMacro(prefix, f)} ${i} /* ${f} */`).join("\n")}
#define ${P}_NR_FIELDS ${fields.length}
#define ${P}_NR_HYPERCALLS ${c.base.length}
/* a hypercall number past the table */
#define ${P}_UNKNOWN ${c.unknown === CONDITIONAL ? "XENPRIV_CONDITIONAL" : c.unknown === 0 ? "0" : errnoName(c.unknown)}

/* per hypercall number: where its sub-ops start in _verdicts, or -1 */
static const int ${prefix}_base[${c.base.length}] = {
${entries(c.base, false)}
};

/* per hypercall number: how many sub-op values the table holds */
static const unsigned int ${prefix}_span[${c.span.length}] = {
${entries(c.span, false)}
};

/* per hypercall number: a sub-op past its span, or a hypercall without sub-ops */
static const short ${prefix}_other[${c.other.length}] = {
${entries(c.other)}
};

/* per hypercall number: the bits of the sub-op the filter compares (memory_op's cmd & 0x3f) */
static const unsigned long ${prefix}_mask[${c.base.length}] = {
${masks(p, c.base.length)}
};

/* 0 allows, XENPRIV_CONDITIONAL needs the checks below, another value is the errno */
static const short ${prefix}_verdicts[${Math.max(1, c.verdicts.length)}] = {
${c.verdicts.length ? entries(c.verdicts) : "\t0,"}
};

static inline int ${prefix}_lookup(unsigned long op, unsigned long subop)
{
\tif (op >= ${P}_NR_HYPERCALLS)
\t\treturn ${P}_UNKNOWN;
\tsubop &= ${prefix}_mask[op];
\tif (${prefix}_base[op] < 0 || subop >= ${prefix}_span[op])
\t\treturn ${prefix}_other[op];
\treturn ${prefix}_verdicts[${prefix}_base[op] + subop];
}

static inline unsigned long ${prefix}_field(const struct xenpriv_call *call, unsigned int i)
{
\treturn call->fields ? call->fields[i] : 0;
}

static inline int ${prefix}_decide(const struct xenpriv_call *call);

/* the entries the table marks XENPRIV_CONDITIONAL */
static inline int ${prefix}_conditions(const struct xenpriv_call *call)
{
${usesLoop ? "\tunsigned int i;\n\n" : ""}\t(void)${prefix}_field;
\tswitch (call->op) {
${[...cases, ...unknown].join("\n")}
\t}
\treturn -EPERM; /* not reached: only the cases above are conditional */
}

static inline int ${prefix}_decide(const struct xenpriv_call *call)
{
\tint v = ${prefix}_lookup(call->op, call->subop);

\treturn v == XENPRIV_CONDITIONAL ? ${prefix}_conditions(call) : -v;
}

#endif /* ${P}_H */
`;
}
