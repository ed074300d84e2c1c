import { ByteCursor } from "./byte-cursor.js";
import type {
  AvKind,
  AvRule,
  CondExpr,
  ConstraintExpr,
  FlaskBoolean,
  FlaskCategory,
  FlaskClass,
  FlaskCommon,
  FlaskConditional,
  FlaskConstraint,
  FlaskContext,
  FlaskPermission,
  FlaskPolicy,
  FlaskRole,
  FlaskSensitivity,
  FlaskType,
  FlaskUser,
  MlsLevel,
  MlsRange,
  XenOcontexts,
} from "./policydb.js";

// The binary format as libsepol writes and reads it. References are to SELinuxProject/selinux at tag
// 3.4 (commit 0a8c177d, the libsepol of Debian 12's checkpolicy), libsepol/src/ unless said otherwise,
// and to Xen's own reader, xen/xsm/flask/ss/policydb.c at RELEASE-4.22.0.

/** SELINUX_MAGIC (include/sepol/policydb/flask_types.h:48) and the module magic after it */
const POLICYDB_MAGIC = 0xf97cff8c;
const POLICYDB_MOD_MAGIC = 0xf97cff8d;
/** POLICYDB_STRING_MAX_LENGTH (include/sepol/policydb/policydb.h:815) */
const STRING_MAX = 32;
/** policydb.h:739-759: the versions whose format differs */
const V = {
  MLS: 19,
  AVTAB: 20,
  RANGETRANS: 21,
  POLCAP: 22,
  PERMISSIVE: 23,
  BOUNDARY: 24,
  FILENAME_TRANS: 25,
  ROLETRANS: 26,
  NEW_OBJECT_DEFAULTS: 27,
  DEFAULT_TYPE: 28,
  CONSTRAINT_NAMES: 29,
  XEN_DEVICETREE: 30,
  XPERMS_IOCTL: 30,
  COMP_FTRANS: 33,
} as const;
const SYM_NUM = 8;
/** PERM_SYMTAB_SIZE: an access vector is 32 bits */
const MAX_PERMS = 32;
/** avtab.h:54-69 */
const AVTAB_KINDS: readonly [number, AvKind][] = [
  [0x0001, "allow"],
  [0x0004, "dontaudit"],
  [0x0002, "auditallow"],
  [0x0010, "type_transition"],
  [0x0040, "type_change"],
  [0x0020, "type_member"],
  [0x0100, "allowxperm"],
  [0x0200, "auditallowxperm"],
  [0x0400, "dontauditxperm"],
];
const AVTAB_XPERMS = 0x0700;
const AVTAB_ENABLED = 0x8000;
const AVTAB_KNOWN = AVTAB_KINDS.reduce((m, [bit]) => m | bit, AVTAB_ENABLED);
/** conditional.h:48-55 */
const COND_OPS: readonly CondExpr["op"][] = ["bool", "not", "or", "and", "xor", "eq", "neq"];
/** conditional.h:33 */
const COND_EXPR_MAXDEPTH = 10;
/** include/sepol/policydb/constraint.h:29-58 */
const CEXPR_MAXDEPTH = 5;
/** CEXPR_XTARGET: the third context of validatetrans */
const CEXPR_XTARGET = 16;

/**
 * Reads a compiled Flask policy for Xen (target `XenFlask`), as `policydb_read` does (policydb.c:4226):
 * the header, the eight symbol tables, the access-vector table, the conditional rules, role rules, Xen's
 * object contexts, range transitions and the type-attribute map. Every count, value and length is checked
 * against the file and the tables it refers to; anything wrong raises an InputError naming the byte
 * offset and the section.
 */
export function readPolicy(bytes: Uint8Array, file: string): FlaskPolicy {
  const c = new ByteCursor(bytes, file);
  return new Reader(c).read();
}

class Reader {
  private version = 0;
  private nprim = [0, 0, 0, 0, 0, 0, 0, 0];
  private readonly commons: FlaskCommon[] = [];

  constructor(private readonly c: ByteCursor) {}

  read(): FlaskPolicy {
    const c = this.c;
    // ---- header (policydb.c:4238-4383)
    const magic = c.u32("the magic number");
    if (magic === POLICYDB_MOD_MAGIC)
      c.bad("module", "a policy module (.pp), not a compiled policy", 0, "compile it with checkpolicy first");
    if (magic !== POLICYDB_MAGIC)
      c.bad(
        "bad-magic",
        `not a compiled Flask policy: the magic number is 0x${magic.toString(16)}, not 0xf97cff8c`,
        0,
      );
    const len = c.u32("the length of the target string");
    if (len === 0 || len > STRING_MAX)
      c.bad("bad-target", `the target string's length is ${len} (1 to ${STRING_MAX})`, 4);
    const target = c.string(len, "the target string");
    if (target !== "XenFlask")
      c.bad(
        "bad-target",
        `the policy is for \`${target}\`, not Xen (\`XenFlask\`)`,
        8,
        target === "SE Linux" ? "a Linux SELinux policy: build Xen's with `checkpolicy -t Xen`" : undefined,
      );
    const versionAt = c.pos;
    this.version = c.u32("the policy version");
    const v = this.version;
    // checkpolicy 3.4 writes a XenFlask policy only at 24 and 30 (policydb.c:63-77), the versions Xen
    // loads (xen/xsm/flask/ss/policydb.c:131-146); the others are read with the fields their number implies
    if (v < V.BOUNDARY || v > V.COMP_FTRANS)
      c.bad(
        "bad-version",
        `policy version ${v}: versions 24 to 33 are read (checkpolicy writes 24 and 30 for Xen)`,
        versionAt,
      );
    const config = c.u32("the policy config");
    const mls = (config & 1) !== 0;
    const unknown = config & 6;
    const handleUnknown = unknown === 4 ? "allow" : unknown === 2 ? "reject" : "deny";
    const symAt = c.pos;
    const symNum = c.u32("the number of symbol tables");
    const oconNum = c.u32("the number of object context tables");
    // policydb.c:4376, xen/xsm/flask/ss/policydb.c:137-146: 5 Xen ocontext tables, 6 from version 30
    const wantOcon = v >= V.XEN_DEVICETREE ? 6 : 5;
    if (symNum !== SYM_NUM || oconNum !== wantOcon)
      c.bad(
        "bad-table-sizes",
        `table sizes (${symNum}, ${oconNum}) do not match version ${v}'s (${SYM_NUM}, ${wantOcon})`,
        symAt,
      );
    c.section = "policy capabilities";
    const policyCapabilities = this.ebitmap("policy capabilities");
    c.section = "permissive types";
    const permissiveBits = this.ebitmap("permissive types");

    // ---- symbol tables (policydb.c:4431-4448), in the order of read_f (policydb.c:3504)
    const tables = [
      "commons",
      "classes",
      "roles",
      "types",
      "users",
      "booleans",
      "sensitivities",
      "categories",
    ] as const;
    const classes: FlaskClass[] = [];
    const roles: FlaskRole[] = [];
    const types: FlaskType[] = [];
    const users: FlaskUser[] = [];
    const booleans: FlaskBoolean[] = [];
    const sensitivities: FlaskSensitivity[] = [];
    const categories: FlaskCategory[] = [];
    for (let i = 0; i < SYM_NUM; i++) {
      c.section = `the ${tables[i]} table`;
      const at = c.pos;
      const nprim = c.u32(`the number of ${tables[i]} values`);
      const nel = c.count(tables[i] as string, 8);
      if (nel && !nprim) c.bad("bad-count", `${nel} ${tables[i]} in a table with no values`, at);
      this.nprim[i] = nprim;
      for (let j = 0; j < nel; j++) {
        c.section = `the ${tables[i]} table, entry ${j}`;
        switch (i) {
          case 0:
            this.commons.push(this.common());
            break;
          case 1:
            classes.push(this.klass());
            break;
          case 2:
            roles.push(this.role());
            break;
          case 3:
            types.push(this.type());
            break;
          case 4:
            users.push(this.user());
            break;
          case 5:
            booleans.push(this.boolean());
            break;
          case 6:
            sensitivities.push(this.sensitivity());
            break;
          default:
            categories.push(this.category());
        }
      }
    }
    const [, nclasses, nroles, ntypes, nusers, nbools] = this.nprim as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    this.uniqueValues(classes, nclasses, "class");
    this.uniqueValues(roles, nroles, "role");
    this.uniqueValues(
      types.filter((t) => t.primary),
      ntypes,
      "type",
    );
    this.uniqueValues(users, nusers, "user");
    this.uniqueValues(booleans, nbools, "boolean");
    for (const t of types)
      if (t.value < 1 || t.value > ntypes)
        c.bad("bad-value", `type \`${t.name}\` has value ${t.value} (1 to ${ntypes})`, t.offset);
    for (const t of types)
      if (t.bounds > ntypes)
        c.bad("bad-value", `type \`${t.name}\` is bounded by type ${t.bounds} (1 to ${ntypes})`, t.offset);
    for (const r of roles) {
      this.inRange(r.types, ntypes, `role \`${r.name}\`'s types`, r.offset);
      this.inRange(r.dominates, nroles, `role \`${r.name}\`'s dominated roles`, r.offset);
    }
    for (const u of users) this.inRange(u.roles, nroles, `user \`${u.name}\`'s roles`, u.offset);
    for (const k of classes)
      for (const cons of [...k.constraints, ...k.validatetrans])
        this.checkConstraint(cons, ntypes, nroles, nusers);

    // ---- rules (policydb.c:4463-4476)
    c.section = "the access vector table";
    const avtab = this.avtab();
    c.section = "the conditional rules";
    const conditionals = this.conditionals();
    c.section = "the role transitions";
    const roleTransitions = this.roleTransitions();
    c.section = "the role allow rules";
    const roleAllows = this.roleAllows();
    c.section = "the filename transitions";
    const filenameTransitions = v >= V.FILENAME_TRANS ? this.filenameTransitions() : [];

    // ---- Xen's object contexts (policydb.c:2873), genfs (none for Xen), range transitions
    const ocontexts = this.ocontexts(oconNum);
    c.section = "the genfs table";
    const genfs = c.count("genfs entries", 8);
    if (genfs !== 0)
      c.bad("bad-count", `${genfs} genfs entries in a Xen policy (Xen has no file systems)`, c.pos - 4);
    c.section = "the range transitions";
    const rangeTransitions = this.rangeTransitions();

    // ---- the type-attribute map (policydb.c:4541-4566)
    const typeAttributes: number[][] = [];
    for (let t = 1; t <= ntypes; t++) {
      c.section = `the attribute map of type ${t}`;
      const at = c.pos;
      const attrs = this.ebitmap("attributes").map((b) => b + 1);
      this.inRange(attrs, ntypes, "attributes", at);
      if (!attrs.includes(t)) attrs.push(t);
      typeAttributes.push(attrs.sort((a, b) => a - b));
    }

    return {
      file: c.file,
      size: c.bytes.byteLength,
      version: v,
      target,
      mls,
      handleUnknown,
      policyCapabilities,
      permissive: permissiveBits.map((b) => b + 1),
      commons: this.commons,
      classes,
      roles,
      types,
      users,
      booleans,
      sensitivities,
      categories,
      counts: {
        commons: this.nprim[0] as number,
        classes: nclasses,
        roles: nroles,
        types: ntypes,
        users: nusers,
        booleans: nbools,
        sensitivities: this.nprim[6] as number,
        categories: this.nprim[7] as number,
      },
      avtab,
      conditionals,
      roleTransitions,
      roleAllows,
      filenameTransitions,
      ocontexts,
      rangeTransitions,
      typeAttributes,
    };
  }

  // ---- helpers

  private name(what: string): string {
    return this.c.string(this.c.u32(`the length of ${what}`), what);
  }

  private value(v: number, max: number, what: string, at: number): number {
    if (v < 1 || v > max) this.c.bad("bad-value", `${what} is ${v}, outside 1 to ${max}`, at);
    return v;
  }

  private inRange(values: readonly number[], max: number, what: string, at: number): void {
    for (const x of values)
      if (x < 1 || x > max) this.c.bad("bad-value", `${what} name value ${x}, outside 1 to ${max}`, at);
  }

  private uniqueValues(
    items: readonly { name: string; value: number; offset: number }[],
    max: number,
    what: string,
  ) {
    const seen = new Map<number, string>();
    const names = new Set<string>();
    for (const x of items) {
      this.value(x.value, max, `${what} \`${x.name}\`'s value`, x.offset);
      const other = seen.get(x.value);
      if (other !== undefined)
        this.c.bad(
          "duplicate",
          `${what}s \`${other}\` and \`${x.name}\` have the same value ${x.value}`,
          x.offset,
        );
      if (names.has(x.name)) this.c.bad("duplicate", `${what} \`${x.name}\` is defined twice`, x.offset);
      seen.set(x.value, x.name);
      names.add(x.name);
    }
  }

  /** ebitmap_read (ebitmap.c): 64-bit nodes; returns the set bits, from 0. */
  private ebitmap(what: string): number[] {
    const c = this.c;
    const at = c.pos;
    const mapsize = c.u32(`the map size of ${what}`);
    const highbit = c.u32(`the high bit of ${what}`);
    const count = c.count(`nodes of ${what}`, 12);
    if (mapsize !== 64) c.bad("bad-ebitmap", `${what}: map size ${mapsize}, not 64`, at);
    if (highbit === 0) {
      if (count !== 0) c.bad("bad-ebitmap", `${what}: ${count} nodes in an empty bitmap`, at);
      return [];
    }
    if (highbit % 64 !== 0) c.bad("bad-ebitmap", `${what}: high bit ${highbit} is not a multiple of 64`, at);
    if (count === 0) c.bad("bad-ebitmap", `${what}: high bit ${highbit} and no nodes`, at);
    const bits: number[] = [];
    let last = -1;
    for (let i = 0; i < count; i++) {
      const nodeAt = c.pos;
      const start = c.u32(`a node of ${what}`);
      if (start % 64 !== 0)
        c.bad("bad-ebitmap", `${what}: node start bit ${start} is not a multiple of 64`, nodeAt);
      if (start > highbit - 64)
        c.bad("bad-ebitmap", `${what}: node start bit ${start} is past the high bit ${highbit}`, nodeAt);
      if (start <= last) c.bad("bad-ebitmap", `${what}: node start bit ${start} comes after ${last}`, nodeAt);
      const map = c.u64(`a node of ${what}`);
      if (map === 0n) c.bad("bad-ebitmap", `${what}: empty node at start bit ${start}`, nodeAt);
      for (let b = 0; b < 64; b++) if ((map >> BigInt(b)) & 1n) bits.push(start + b);
      last = start;
    }
    if (last + 64 !== highbit)
      c.bad("bad-ebitmap", `${what}: high bit ${highbit}, but the last node ends at ${last + 64}`, at);
    return bits;
  }

  /** perm_read (policydb.c:2058) */
  private permissions(n: number, nprim: number, owner: string): FlaskPermission[] {
    const out: FlaskPermission[] = [];
    for (let i = 0; i < n; i++) {
      const at = this.c.pos;
      const len = this.c.u32(`the length of a permission name of ${owner}`);
      const value = this.c.u32(`a permission value of ${owner}`);
      const name = this.c.string(len, `a permission name of ${owner}`);
      this.value(value, nprim, `permission \`${name}\` of ${owner}`, at);
      if (out.some((p) => p.value === value || p.name === name))
        this.c.bad("duplicate", `permission \`${name}\` (${value}) of ${owner} is defined twice`, at);
      out.push({ name, value });
    }
    return out;
  }

  /** common_read (policydb.c:2094) */
  private common(): FlaskCommon {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a common's name");
    const value = c.u32("a common's value");
    const nprim = c.u32("a common's number of permission values");
    const nel = c.count("permissions of a common", 12);
    const name = c.string(len, "a common's name");
    c.section = `common \`${name}\``;
    if (nprim > MAX_PERMS) c.bad("bad-count", `${nprim} permissions (at most ${MAX_PERMS})`, offset + 8);
    return { name, value, permissions: this.permissions(nel, nprim, `common \`${name}\``), offset };
  }

  /** class_read (policydb.c:2242) */
  private klass(): FlaskClass {
    const c = this.c;
    const v = this.version;
    const offset = c.pos;
    const len = c.u32("the length of a class name");
    const len2 = c.u32("the length of a class's common name");
    const value = c.u32("a class's value");
    const nprim = c.u32("a class's number of permission values");
    const nel = c.count("permissions of a class", 12);
    const ncons = c.count("constraints of a class", 8);
    const name = c.string(len, "a class name");
    c.section = `class \`${name}\``;
    if (nprim > MAX_PERMS) c.bad("bad-count", `${nprim} permissions (at most ${MAX_PERMS})`, offset + 12);
    let common: FlaskCommon | undefined;
    if (len2) {
      const at = c.pos;
      const cname = c.string(len2, "the class's common name");
      common = this.commons.find((x) => x.name === cname);
      if (!common) c.bad("unknown-common", `unknown common \`${cname}\``, at);
    }
    const permissions = this.permissions(nel, nprim, `class \`${name}\``);
    const bits: string[] = Array.from({ length: nprim }, () => "");
    for (const p of [...(common?.permissions ?? []), ...permissions]) {
      if (p.value > nprim)
        c.bad(
          "bad-value",
          `permission \`${p.name}\` has value ${p.value}, past the class's ${nprim}`,
          offset,
        );
      if (bits[p.value - 1])
        c.bad(
          "duplicate",
          `permissions \`${bits[p.value - 1]}\` and \`${p.name}\` share bit ${p.value - 1}`,
          offset,
        );
      bits[p.value - 1] = p.name;
    }
    const constraints = this.constraints(ncons, false);
    let validatetrans: FlaskConstraint[] = [];
    // policydb.c:2312: validatetrans from version 19
    validatetrans = this.constraints(c.count("validatetrans rules", 8), true);
    const defaults = { user: 0, role: 0, range: 0, type: 0 };
    if (v >= V.NEW_OBJECT_DEFAULTS) {
      defaults.user = c.u32("default_user");
      defaults.role = c.u32("default_role");
      defaults.range = c.u32("default_range");
    }
    if (v >= V.DEFAULT_TYPE) defaults.type = c.u32("default_type");
    return {
      name,
      value,
      ...(common && { common: common.name }),
      permissions,
      bits,
      constraints,
      validatetrans,
      defaults,
      offset,
    };
  }

  /** read_cons_helper (policydb.c:2147) */
  private constraints(n: number, allowXtarget: boolean): FlaskConstraint[] {
    const c = this.c;
    const out: FlaskConstraint[] = [];
    for (let i = 0; i < n; i++) {
      const offset = c.pos;
      const permissions = c.u32("a constraint's permissions");
      const nexpr = c.count("constraint expression nodes", 12);
      const expr: ConstraintExpr[] = [];
      let depth = -1;
      for (let j = 0; j < nexpr; j++) {
        const at = c.pos;
        const type = c.u32("a constraint expression's type");
        const attr = c.u32("a constraint expression's attribute");
        const op = c.u32("a constraint expression's operator");
        const badExpr = (why: string) =>
          c.bad("bad-constraint", `constraint expression node ${j}: ${why}`, at);
        switch (type) {
          case 1:
            if (depth < 0) badExpr("`not` with no operand");
            expr.push({ kind: "not" });
            break;
          case 2:
          case 3:
            if (depth < 1) badExpr(`\`${type === 2 ? "and" : "or"}\` with fewer than two operands`);
            depth--;
            expr.push(type === 2 ? { kind: "and" } : { kind: "or" });
            break;
          case 4:
            if (depth === CEXPR_MAXDEPTH - 1) badExpr("deeper than 5");
            depth++;
            if (![1, 2, 4, 32, 64, 128, 256, 512, 1024].includes(attr)) badExpr(`unknown attribute ${attr}`);
            if (op < 1 || op > 5 || (attr <= 4 && attr !== 2 && op > 2))
              badExpr(`operator ${op} for attribute ${attr}`);
            expr.push({ kind: "attr", attr, op });
            break;
          case 5: {
            if (!allowXtarget && attr & CEXPR_XTARGET) badExpr("a third context outside validatetrans");
            if (depth === CEXPR_MAXDEPTH - 1) badExpr("deeper than 5");
            depth++;
            const what = attr & 1 ? 1 : attr & 2 ? 2 : attr & 4 ? 4 : 0;
            if (!what) badExpr(`names of attribute ${attr}: a user, role or type was expected`);
            if (op < 1 || op > 2) badExpr(`operator ${op} on names`);
            const names = this.ebitmap("constraint names").map((b) => b + 1);
            // policydb.c:2225: the type set follows from version 29 (what the rule's source named)
            if (this.version >= V.CONSTRAINT_NAMES) this.typeSet();
            expr.push({ kind: "names", attr, op, names });
            break;
          }
          default:
            badExpr(`unknown node type ${type}`);
        }
      }
      if (depth !== 0)
        c.bad("bad-constraint", "a constraint expression that does not reduce to one value", offset);
      out.push({ permissions, expr, offset });
    }
    return out;
  }

  private checkConstraint(cons: FlaskConstraint, ntypes: number, nroles: number, nusers: number): void {
    for (const e of cons.expr)
      if (e.kind === "names") {
        const max = e.attr & 1 ? nusers : e.attr & 2 ? nroles : ntypes;
        this.inRange(e.names, max, "constraint", cons.offset);
      }
  }

  /** type_set_read (policydb.c:1829): kept only to step over it */
  private typeSet(): void {
    this.ebitmap("a type set");
    this.ebitmap("a type set's negated types");
    this.c.u32("a type set's flags");
  }

  /** role_read (policydb.c:2353) */
  private role(): FlaskRole {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a role name");
    const value = c.u32("a role's value");
    const bounds = c.u32("a role's bounds");
    const name = c.string(len, "a role name");
    c.section = `role \`${name}\``;
    const dominates = this.ebitmap("the roles it dominates").map((b) => b + 1);
    const types = this.ebitmap("its types").map((b) => b + 1);
    // policydb.c:2411: object_r is always value 1
    if (name === "object_r" && value !== 1)
      c.bad("bad-value", `role object_r has value ${value}, not 1`, offset);
    return { name, value, bounds, dominates, types, offset };
  }

  /** type_read (policydb.c:2432), version 24+ (properties and bounds) */
  private type(): FlaskType {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a type name");
    const value = c.u32("a type's value");
    const properties = c.u32("a type's properties");
    const bounds = c.u32("a type's bounds");
    const name = c.string(len, "a type name");
    c.section = `type \`${name}\``;
    // policydb.h:199-202
    return {
      name,
      value,
      primary: (properties & 1) !== 0,
      attribute: (properties & 2) !== 0,
      bounds,
      offset,
    };
  }

  /** mls_read_level (policydb.c:3304) */
  private level(what: string): MlsLevel {
    const sensitivity = this.c.u32(`the sensitivity of ${what}`);
    return { sensitivity, categories: this.ebitmap(`the categories of ${what}`).map((b) => b + 1) };
  }

  /** mls_read_range_helper (policydb.c:1851) */
  private range(what: string): MlsRange {
    const c = this.c;
    const at = c.pos;
    const items = c.u32(`the number of levels of ${what}`);
    if (items < 1 || items > 2) c.bad("bad-range", `${what} has ${items} levels (1 or 2)`, at);
    const lowSens = c.u32(`the low sensitivity of ${what}`);
    const highSens = items > 1 ? c.u32(`the high sensitivity of ${what}`) : lowSens;
    const lowCats = this.ebitmap(`the low categories of ${what}`).map((b) => b + 1);
    const highCats = items > 1 ? this.ebitmap(`the high categories of ${what}`).map((b) => b + 1) : lowCats;
    return {
      low: { sensitivity: lowSens, categories: lowCats },
      high: { sensitivity: highSens, categories: highCats },
    };
  }

  /** user_read (policydb.c:3328) */
  private user(): FlaskUser {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a user name");
    const value = c.u32("a user's value");
    const bounds = c.u32("a user's bounds");
    const name = c.string(len, "a user name");
    c.section = `user \`${name}\``;
    const roles = this.ebitmap("its roles").map((b) => b + 1);
    const range = this.range("its range");
    const defaultLevel = this.level("its default level");
    return { name, value, bounds, roles, range, defaultLevel, offset };
  }

  /** cond_read_bool (conditional.c:567) */
  private boolean(): FlaskBoolean {
    const c = this.c;
    const offset = c.pos;
    const value = c.u32("a boolean's value");
    const stateAt = c.pos;
    const state = c.u32("a boolean's state");
    // conditional.c:560 bool_isvalid
    if (state > 1) c.bad("bad-value", `a boolean's state is ${state} (0 or 1)`, stateAt);
    const name = this.name("a boolean name");
    c.section = `boolean \`${name}\``;
    return { name, value, state: state === 1, offset };
  }

  /** sens_read (policydb.c:3415) */
  private sensitivity(): FlaskSensitivity {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a sensitivity name");
    const isAlias = c.u32("a sensitivity's alias flag") !== 0;
    const name = c.string(len, "a sensitivity name");
    c.section = `sensitivity \`${name}\``;
    return { name, isAlias, level: this.level(`sensitivity \`${name}\``), offset };
  }

  /** cat_read (policydb.c:3461) */
  private category(): FlaskCategory {
    const c = this.c;
    const offset = c.pos;
    const len = c.u32("the length of a category name");
    const value = c.u32("a category's value");
    const isAlias = c.u32("a category's alias flag") !== 0;
    const name = c.string(len, "a category name");
    c.section = `category \`${name}\``;
    return { name, value, isAlias, offset };
  }

  /** avtab_read_item (avtab.c:434), the version 20+ layout */
  private avItem(where: string): AvRule {
    const c = this.c;
    const offset = c.pos;
    const source = c.u16("a rule's source type");
    const target = c.u16("a rule's target type");
    const klass = c.u16("a rule's class");
    const specified = c.u16("a rule's kind");
    const kinds = AVTAB_KINDS.filter(([bit]) => specified & bit);
    if (kinds.length !== 1 || (specified & ~AVTAB_KNOWN) !== 0)
      c.bad(
        "bad-rule",
        `${where}: kind 0x${specified.toString(16)} is not exactly one rule kind`,
        offset + 6,
      );
    const kind = (kinds[0] as [number, AvKind])[1];
    this.value(source, this.nprim[3] as number, `${where}: the source type`, offset);
    this.value(target, this.nprim[3] as number, `${where}: the target type`, offset + 2);
    this.value(klass, this.nprim[1] as number, `${where}: the class`, offset + 4);
    if (specified & AVTAB_XPERMS) {
      // avtab.c:548: extended permissions need version 30 (XPERMS_IOCTL)
      if (this.version < V.XPERMS_IOCTL)
        c.bad("bad-rule", `${where}: extended permissions before version 30`, offset + 6);
      const xspec = c.u8("an extended permission's kind");
      const driver = c.u8("an extended permission's driver");
      const perms: number[] = [];
      for (let i = 0; i < 8; i++) perms.push(c.u32("extended permissions"));
      return {
        source,
        target,
        class: klass,
        kind,
        specified,
        data: 0,
        xperms: { specified: xspec, driver, perms },
        offset,
      };
    }
    const data = c.u32("a rule's data");
    if (specified & 0x70) this.value(data, this.nprim[3] as number, `${where}: the new type`, offset + 8);
    return { source, target, class: klass, kind, specified, data, offset };
  }

  /** avtab_read (avtab.c:591) */
  private avtab(): AvRule[] {
    const c = this.c;
    const at = c.pos;
    const n = c.count("access vector rules", 12);
    // avtab.c:604: an empty table is refused
    if (n === 0) c.bad("empty-avtab", "the access vector table is empty", at);
    const out: AvRule[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const r = this.avItem(`rule ${i}`);
      const key = `${r.source},${r.target},${r.class},${r.specified}`;
      // avtab.c:620 duplicate entry (avtab_insert refuses the same key twice)
      if (seen.has(key)) c.bad("duplicate", `rule ${i} repeats an earlier rule's key`, r.offset);
      seen.add(key);
      out.push(r);
    }
    return out;
  }

  /** cond_read_list, cond_read_node, cond_read_av_list (conditional.c:696-840) */
  private conditionals(): FlaskConditional[] {
    const c = this.c;
    const n = c.count("conditionals", 12);
    const nbools = this.nprim[5] as number;
    const out: FlaskConditional[] = [];
    for (let i = 0; i < n; i++) {
      c.section = `conditional ${i}`;
      const offset = c.pos;
      const state = c.u32("a conditional's state") !== 0;
      const nexpr = c.count("conditional expression nodes", 8);
      const expr: CondExpr[] = [];
      let depth = 0;
      for (let j = 0; j < nexpr; j++) {
        const at = c.pos;
        const type = c.u32("a conditional expression's operator");
        const bool = c.u32("a conditional expression's boolean");
        // conditional.c:733 expr_isvalid
        const op =
          COND_OPS[type - 1] ??
          c.bad("bad-conditional", `expression node ${j}: unknown operator ${type}`, at);
        if (op === "bool") {
          this.value(bool, nbools, `expression node ${j}: the boolean`, at + 4);
          if (++depth > COND_EXPR_MAXDEPTH)
            c.bad("bad-conditional", `expression node ${j}: deeper than ${COND_EXPR_MAXDEPTH}`, at);
        } else if (op === "not") {
          if (depth < 1) c.bad("bad-conditional", `expression node ${j}: \`not\` with no operand`, at);
        } else {
          if (depth < 2)
            c.bad("bad-conditional", `expression node ${j}: \`${op}\` with fewer than two operands`, at);
          depth--;
        }
        expr.push({ op, bool });
      }
      // conditional.c cond_evaluate_expr: one value must be left
      if (depth !== 1) c.bad("bad-conditional", "an expression that does not reduce to one value", offset);
      const list = (which: string) => {
        const m = c.count(`rules when ${which}`, 12);
        const rules: AvRule[] = [];
        for (let k = 0; k < m; k++) rules.push(this.avItem(`conditional ${i}, rule ${k} when ${which}`));
        return rules;
      };
      const whenTrue = list("true");
      const whenFalse = list("false");
      out.push({ expr, state, whenTrue, whenFalse, offset });
    }
    return out;
  }

  /** role_trans_read (policydb.c:2525) */
  private roleTransitions(): FlaskPolicy["roleTransitions"] {
    const c = this.c;
    const withClass = this.version >= V.ROLETRANS;
    const n = c.count("role transitions", withClass ? 16 : 12);
    const out: { role: number; type: number; newRole: number; class: number }[] = [];
    for (let i = 0; i < n; i++) {
      const at = c.pos;
      const role = this.value(
        c.u32("a role transition's role"),
        this.nprim[2] as number,
        "a role transition's role",
        at,
      );
      const type = this.value(
        c.u32("a role transition's type"),
        this.nprim[3] as number,
        "a role transition's type",
        at + 4,
      );
      const newRole = this.value(
        c.u32("a role transition's new role"),
        this.nprim[2] as number,
        "a role transition's new role",
        at + 8,
      );
      // policydb.c:2562: before version 26 the class is the process class, `domain` for Xen (policydb.c:4457)
      const klass = withClass
        ? this.value(
            c.u32("a role transition's class"),
            this.nprim[1] as number,
            "a role transition's class",
            at + 12,
          )
        : 0;
      out.push({ role, type, newRole, class: klass });
    }
    return out;
  }

  /** role_allow_read (policydb.c:2568) */
  private roleAllows(): FlaskPolicy["roleAllows"] {
    const c = this.c;
    const n = c.count("role allow rules", 8);
    const out: { role: number; newRole: number }[] = [];
    for (let i = 0; i < n; i++) {
      const at = c.pos;
      const role = this.value(
        c.u32("a role allow rule's role"),
        this.nprim[2] as number,
        "a role allow rule's role",
        at,
      );
      const newRole = this.value(
        c.u32("a role allow rule's new role"),
        this.nprim[2] as number,
        "a role allow rule's new role",
        at + 4,
      );
      out.push({ role, newRole });
    }
    return out;
  }

  /** filename_trans_read (policydb.c:2846): one rule per entry before version 33, grouped from 33 */
  private filenameTransitions(): FlaskPolicy["filenameTransitions"] {
    const c = this.c;
    const n = c.count("filename transitions", 8);
    const ntypes = this.nprim[3] as number;
    const out: { name: string; sources: number[]; target: number; class: number; newType: number }[] = [];
    for (let i = 0; i < n; i++) {
      const at = c.pos;
      const name = this.name("a filename transition's name");
      if (this.version < V.COMP_FTRANS) {
        const source = this.value(c.u32("its source type"), ntypes, "a filename transition's source", at);
        const target = this.value(c.u32("its target type"), ntypes, "a filename transition's target", at);
        const klass = this.value(
          c.u32("its class"),
          this.nprim[1] as number,
          "a filename transition's class",
          at,
        );
        const newType = this.value(c.u32("its new type"), ntypes, "a filename transition's new type", at);
        out.push({ name, sources: [source], target, class: klass, newType });
        continue;
      }
      const target = this.value(c.u32("its target type"), ntypes, "a filename transition's target", at);
      const klass = this.value(
        c.u32("its class"),
        this.nprim[1] as number,
        "a filename transition's class",
        at,
      );
      const ndatum = c.count("filename transition sources", 16);
      if (ndatum === 0) c.bad("bad-count", "a filename transition with no sources", at);
      for (let j = 0; j < ndatum; j++) {
        const sources = this.ebitmap("its source types").map((b) => b + 1);
        this.inRange(sources, ntypes, "a filename transition's sources", at);
        const newType = this.value(c.u32("its new type"), ntypes, "a filename transition's new type", at);
        out.push({ name, sources, target, class: klass, newType });
      }
    }
    return out;
  }

  /** context_read_and_validate (policydb.c:2019), as context_is_valid checks it (context.c:35) */
  private context(what: string): FlaskContext {
    const c = this.c;
    const at = c.pos;
    const user = c.u32(`the user of ${what}`);
    const role = c.u32(`the role of ${what}`);
    const type = c.u32(`the type of ${what}`);
    const range = this.range(what);
    this.value(user, this.nprim[4] as number, `the user of ${what}`, at);
    this.value(role, this.nprim[2] as number, `the role of ${what}`, at + 4);
    this.value(type, this.nprim[3] as number, `the type of ${what}`, at + 8);
    return { user, role, type, range };
  }

  /** ocontext_read_xen (policydb.c:2873) */
  private ocontexts(oconNum: number): XenOcontexts {
    const c = this.c;
    const o = {
      initialSids: [] as XenOcontexts["initialSids"][number][],
      pirqs: [] as XenOcontexts["pirqs"][number][],
      ioports: [] as XenOcontexts["ioports"][number][],
      iomems: [] as XenOcontexts["iomems"][number][],
      pcidevices: [] as XenOcontexts["pcidevices"][number][],
      devicetrees: [] as XenOcontexts["devicetrees"][number][],
    };
    const names = ["initial SIDs", "pirqcon", "ioportcon", "iomemcon", "pcidevicecon", "devicetreecon"];
    for (let i = 0; i < oconNum; i++) {
      c.section = `the ${names[i]} table`;
      const n = c.count(names[i] as string, 20);
      for (let j = 0; j < n; j++) {
        const offset = c.pos;
        const what = `${names[i]} entry ${j}`;
        switch (i) {
          case 0: {
            const sid = c.u32("an initial SID");
            o.initialSids.push({ sid, context: this.context(what), offset });
            break;
          }
          case 1: {
            const pirq = c.u32("a pirq");
            o.pirqs.push({ pirq, context: this.context(what), offset });
            break;
          }
          case 2: {
            const low = c.u32("the low I/O port");
            const high = c.u32("the high I/O port");
            o.ioports.push({ low, high, context: this.context(what), offset });
            break;
          }
          case 3: {
            // policydb.c:2929: 64-bit frame numbers from version 30
            const wide = this.version >= V.XEN_DEVICETREE;
            const low = wide ? c.u64("the low I/O memory frame") : BigInt(c.u32("the low I/O memory frame"));
            const high = wide
              ? c.u64("the high I/O memory frame")
              : BigInt(c.u32("the high I/O memory frame"));
            o.iomems.push({ low, high, context: this.context(what), offset });
            break;
          }
          case 4: {
            const device = c.u32("a PCI device");
            o.pcidevices.push({ device, context: this.context(what), offset });
            break;
          }
          default: {
            const path = this.name("a device tree path");
            o.devicetrees.push({ path, context: this.context(what), offset });
          }
        }
      }
    }
    return o;
  }

  /** range_read (policydb.c:3621) */
  private rangeTransitions(): FlaskPolicy["rangeTransitions"] {
    const c = this.c;
    const n = c.count("range transitions", 24);
    const ntypes = this.nprim[3] as number;
    const out: { source: number; target: number; class: number; range: MlsRange }[] = [];
    for (let i = 0; i < n; i++) {
      const at = c.pos;
      const source = this.value(c.u32("its source type"), ntypes, "a range transition's source", at);
      const target = this.value(c.u32("its target type"), ntypes, "a range transition's target", at + 4);
      const klass = this.value(
        c.u32("its class"),
        this.nprim[1] as number,
        "a range transition's class",
        at + 8,
      );
      out.push({ source, target, class: klass, range: this.range("a range transition") });
    }
    return out;
  }
}
