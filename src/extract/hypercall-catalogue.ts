/**
 * Every hypercall and sub-op of a Xen tree, as its public headers define them: the privcmd
 * catalogue (`catalogues/privcmd/xen-<version>.json`). Hypercall numbers and sub-op commands
 * are `#define` lines read line by line (their place in the file decides what they are); the
 * argument structures and the guest handles inside them come from tree-sitter.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import {
  type Hypercall,
  type HypercallCatalogue,
  HypercallCatalogueSchema,
  type Subop,
} from "../privcmd/hypercall-catalogue.js";
import { lineOf, loadCParser, type Node } from "./c-parser.js";
import { compareInts, headers, latestInterfaceVersion, literal } from "./constants.js";
import { logicalLines } from "./directives.js";
import { readHypercallTable } from "./hypercall-table.js";
import { treeMeta } from "./tree-meta.js";
import { type Arch, HYPERCALL_DEFS, readSource } from "./xen-tree.js";

const PUBLIC = "xen/include/public";
/**
 * `__HYPERVISOR_paging_domctl_cont` is defined by the hypervisor's own header, not a public one
 * (xen/arch/x86/include/asm/hypercall.h:19 at RELEASE-4.22.0: `__HYPERVISOR_arch_1`).
 */
const ARCH_HYPERCALL_HEADERS = [
  "xen/arch/x86/include/asm/hypercall.h",
  "xen/arch/arm/include/asm/hypercall.h",
];

/** Where a sub-op's argument structure is found. */
interface Family {
  hypercall: string;
  /** the header under xen/include/public */
  file: string;
  prefix: string;
  /** FLASK_LOAD, MMUEXT_PIN_L1_TABLE: the commands are upper case (elsewhere upper case marks flags) */
  upper?: true;
  selector: string;
  /** the commands sit in this structure's body, right after its selector field (domctl, sysctl, flask) */
  inside?: string;
  /** the structure whose union `u` holds each command's argument, by member name */
  union?: string;
  /** one structure for every command (mmuext_op, mmu_update) */
  shared?: string;
  /** the header's naming convention: EVTCHNOP_send's argument is `struct evtchn_send` */
  convention?: string[];
  /** a prefix the convention drops from the name: KEXEC_CMD_kexec_load → xen_kexec_load */
  strip?: string;
  /**
   * Sub-ops whose argument is named irregularly: the union member (or structure, without a
   * union); null when the command takes no argument structure (only the selector's structure).
   */
  overrides?: Record<string, string | null>;
}

/**
 * The sub-op families. Line numbers are of xen/include/public at RELEASE-4.22.0. An override names
 * the union member (domctl.h:1381-1443, sysctl.h:1261-1294, platform.h:673-700,
 * xsm/flask_op.h:186-207) or the structure the header gives a command whose name does not say it.
 */
const FAMILIES: readonly Family[] = [
  {
    hypercall: "domctl",
    file: "domctl.h",
    prefix: "XEN_DOMCTL_",
    selector: "struct:cmd",
    inside: "xen_domctl",
    union: "xen_domctl",
    overrides: {
      // no payload: only the domain field of struct xen_domctl (domctl.h:1286-1288, 1314; the
      // soft_reset pair has no member in u either)
      destroydomain: null,
      pausedomain: null,
      unpausedomain: null,
      resumedomain: null,
      soft_reset: null,
      soft_reset_cont: null,
      // one member for a get/set pair: `struct xen_domctl_vcpuaffinity vcpuaffinity;` serves both
      setvcpuaffinity: "vcpuaffinity",
      getvcpuaffinity: "vcpuaffinity",
      setnodeaffinity: "nodeaffinity",
      getnodeaffinity: "nodeaffinity",
      setvcpucontext: "vcpucontext",
      getvcpucontext: "vcpucontext",
      set_ext_vcpucontext: "ext_vcpucontext",
      get_ext_vcpucontext: "ext_vcpucontext",
      gethvmcontext: "hvmcontext",
      sethvmcontext: "hvmcontext",
      gethvmcontext_partial: "hvmcontext_partial",
      set_address_size: "address_size",
      get_address_size: "address_size",
      gettscinfo: "tsc_info",
      settscinfo: "tsc_info",
      setvcpuextstate: "vcpuextstate",
      getvcpuextstate: "vcpuextstate",
      get_vcpu_msrs: "vcpu_msrs",
      set_vcpu_msrs: "vcpu_msrs",
      get_cpu_policy: "cpu_policy",
      set_cpu_policy: "cpu_policy",
      get_paging_mempool_size: "paging_mempool",
      set_paging_mempool_size: "paging_mempool",
      // the device commands share assign_device's member, the irq ones bind_pt_irq's
      test_assign_device: "assign_device",
      deassign_device: "assign_device",
      unbind_pt_irq: "bind_pt_irq",
      set_access_required: "access_required",
      setvnumainfo: "vnuma",
      gdbsx_guestmemio: "gdbsx_guest_memio",
      gdbsx_pausevcpu: "gdbsx_pauseunp_vcpu",
      gdbsx_unpausevcpu: "gdbsx_pauseunp_vcpu",
    },
  },
  {
    hypercall: "sysctl",
    file: "sysctl.h",
    prefix: "XEN_SYSCTL_",
    selector: "struct:cmd",
    inside: "xen_sysctl",
    union: "xen_sysctl",
    // the member drops `_op` or `get_`
    overrides: {
      page_offline_op: "page_offline",
      livepatch_op: "livepatch",
      get_cpu_featureset: "cpu_featureset",
      get_cpu_policy: "cpu_policy",
    },
  },
  {
    hypercall: "platform_op",
    file: "platform.h",
    prefix: "XENPF_",
    selector: "struct:cmd",
    union: "xen_platform_op",
    // the members are abbreviated or shared by a pair (cpu_ol for online and offline)
    overrides: {
      microcode_update: "microcode",
      microcode_update2: "microcode2",
      set_processor_pminfo: "set_pminfo",
      get_cpuinfo: "pcpu_info",
      get_cpu_version: "pcpu_version",
      cpu_online: "cpu_ol",
      cpu_offline: "cpu_ol",
      cpu_hotadd: "cpu_add",
      mem_hotadd: "mem_add",
      get_symbol: "symdata",
      get_dom0_console: "dom0_console",
      get_ucode_revision: "ucode_revision",
    },
  },
  {
    hypercall: "xsm_op",
    file: "xsm/flask_op.h",
    prefix: "FLASK_",
    upper: true,
    selector: "struct:cmd",
    inside: "xen_flask_op",
    union: "xen_flask_op",
    overrides: {
      // flask_op.h's union comments name the commands sharing a member (xsm/flask_op.h:186-207);
      // the commands without one (flask_op.h:161-175) read or set nothing beyond the selector
      getenforce: null,
      setenforce: "enforce",
      context_to_sid: "sid_context",
      sid_to_context: "sid_context",
      create: "transition",
      relabel: "transition",
      member: "transition",
      user: "userlist",
      getbool: "boolean",
      setbool: "boolean",
      policyvers: null,
      commitbools: null,
      mls: null,
      disable: null,
      getavc_threshold: null,
      avc_hashstats: "hash_stats",
      avc_cachestats: "cache_stats",
      add_ocontext: "ocontext",
      del_ocontext: "ocontext",
      get_peer_sid: "peersid",
      relabel_domain: "relabel",
    },
  },
  {
    hypercall: "dm_op",
    file: "hvm/dm_op.h",
    prefix: "XEN_DMOP_",
    selector: "struct:op",
    union: "xen_dm_op",
  },
  {
    hypercall: "memory_op",
    file: "memory.h",
    prefix: "XENMEM_",
    selector: "arg0",
    convention: ["xen_memory_", "xen_mem_", "xen_"],
    overrides: {
      // memory.h's comments name these by typedef or not at all (memory.h:191, 353-354, 380,
      // 397, 474, 573, 620, 698)
      acquire_resource: "xen_mem_acquire_resource",
      claim_pages: "xen_memory_reservation",
      get_vnumainfo: "xen_vnuma_topology_info",
      paging_op: "xen_mem_paging_op",
      access_op: "xen_mem_access_op",
      sharing_op: "xen_mem_sharing_op",
      set_pod_target: "xen_pod_target",
      get_pod_target: "xen_pod_target",
      machphys_compat_mfn_list: "xen_machphys_mfn_list",
      // no argument: the count is the return value (memory.h:377-378)
      get_sharing_freed_pages: null,
      get_sharing_shared_pages: null,
    },
  },
  {
    hypercall: "event_channel_op",
    file: "event_channel.h",
    prefix: "EVTCHNOP_",
    selector: "arg0",
    convention: ["evtchn_"],
    // the continuation of EVTCHNOP_reset (event_channel.h:61), with its argument
    overrides: { reset_cont: "evtchn_reset" },
  },
  {
    hypercall: "grant_table_op",
    file: "grant_table.h",
    prefix: "GNTTABOP_",
    selector: "arg0",
    convention: ["gnttab_"],
  },
  {
    hypercall: "hvm_op",
    file: "hvm/hvm_op.h",
    prefix: "HVMOP_",
    selector: "arg0",
    convention: ["xen_hvm_"],
    overrides: {
      // one structure for the pair (hvm/hvm_op.h:14-16)
      set_param: "xen_hvm_param",
      get_param: "xen_hvm_param",
      // "@arg must be NULL" (hvm/hvm_op.h:85)
      flush_tlbs: null,
      // hvm/hvm_op.h:196, 209: the structures carry a suffix the command lacks
      set_evtchn_upcall_vector: "xen_hvm_evtchn_upcall_vector",
      altp2m: "xen_hvm_altp2m_op",
    },
  },
  {
    hypercall: "physdev_op",
    file: "physdev.h",
    prefix: "PHYSDEVOP_",
    selector: "arg0",
    convention: ["physdev_"],
    // the structure follows a group of commands, or several commands share one (physdev.h:37-46,
    // 175-177, 195-196, 294-309)
    overrides: {
      pirq_eoi_gmfn_v1: "physdev_pirq_eoi_gmfn",
      pirq_eoi_gmfn_v2: "physdev_pirq_eoi_gmfn",
      manage_pci_add: "physdev_manage_pci",
      manage_pci_remove: "physdev_manage_pci",
      manage_pci_add_ext: "physdev_manage_pci_ext",
      pci_device_remove: "physdev_pci_device",
      restore_msi_ext: "physdev_pci_device",
      prepare_msix: "physdev_pci_device",
      release_msix: "physdev_pci_device",
      pci_device_reset: "physdev_pci_device",
    },
  },
  { hypercall: "sched_op", file: "sched.h", prefix: "SCHEDOP_", selector: "arg0", convention: ["sched_"] },
  { hypercall: "xen_version", file: "version.h", prefix: "XENVER_", selector: "arg0" },
  {
    hypercall: "kexec_op",
    file: "kexec.h",
    prefix: "KEXEC_CMD_",
    selector: "arg0",
    convention: ["xen_kexec_"],
    strip: "kexec_",
    // kexec.h:106-107, 116-118, 144-145: the structure is named apart from the command
    overrides: {
      kexec: "xen_kexec_exec",
      kexec_get_range: "xen_kexec_range",
      kexec_unload_v1: "xen_kexec_load_v1",
    },
  },
  {
    hypercall: "vcpu_op",
    file: "vcpu.h",
    prefix: "VCPUOP_",
    selector: "arg0",
    convention: ["vcpu_"],
    overrides: {
      // "a pointer to a vcpu_guest_context" for PV and Arm guests (vcpu_hvm_context for x86 HVM;
      // vcpu.h:27)
      initialise: "vcpu_guest_context",
      // "@extra_arg == NULL" in effect: the vcpu number is the argument (vcpu.h:38, 54, 57)
      up: null,
      down: null,
      is_up: null,
      // the comment names it `vcpu_register_time_info_memory_area` (vcpu.h:215)
      register_vcpu_time_memory_area: "vcpu_register_time_memory_area",
      // "like the respective VCPUOP_register_*_memory_area": the same structures (vcpu.h:243-244)
      register_runstate_phys_area: "vcpu_register_runstate_memory_area",
      register_vcpu_time_phys_area: "vcpu_register_time_memory_area",
    },
  },
  { hypercall: "console_io", file: "xen.h", prefix: "CONSOLEIO_", selector: "arg0" },
  {
    hypercall: "hypfs_op",
    file: "hypfs.h",
    prefix: "XEN_HYPFS_OP_",
    selector: "arg0",
    convention: ["xen_hypfs_"],
  },
  { hypercall: "argo_op", file: "argo.h", prefix: "XEN_ARGO_OP_", selector: "arg0" },
  // pmu.h's comment says `struct xenpmu_params` (pmu.h:30); the structure is `xen_pmu_params`
  // (pmu.h:44), for every command
  { hypercall: "xenpmu_op", file: "pmu.h", prefix: "XENPMU_", selector: "arg0", shared: "xen_pmu_params" },
  {
    hypercall: "mmuext_op",
    file: "xen.h",
    prefix: "MMUEXT_",
    upper: true,
    selector: "struct:cmd",
    shared: "mmuext_op",
  },
  // the command is the low two bits of each request's `ptr` (xen.h:221)
  {
    hypercall: "mmu_update",
    file: "xen.h",
    prefix: "MMU_",
    upper: true,
    selector: "struct:ptr",
    shared: "mmu_update",
  },
  {
    hypercall: "callback_op",
    file: "callback.h",
    prefix: "CALLBACKOP_",
    selector: "arg0",
    convention: ["callback_"],
  },
  { hypercall: "nmi_op", file: "nmi.h", prefix: "XENNMI_", selector: "arg0" },
  { hypercall: "vm_assist", file: "xen.h", prefix: "VMASST_CMD_", selector: "arg0" },
];

/** A `#define` with where it sits. */
interface Define {
  name: string;
  body: string;
  file: string;
  line: number;
  /** the arches whose builds read it */
  arch: Arch[];
  /** the structures it sits inside, outermost first (`[]` at file level) */
  inside: string[];
}

/** The four builds a header is read in: each arch's 32- and 64-bit compilers, with the tools' view. */
const BUILDS: { arch: Arch; defined: Set<string> }[] = [
  { arch: "x86", defined: new Set(["__i386__"]) },
  { arch: "x86", defined: new Set(["__x86_64__"]) },
  { arch: "arm", defined: new Set(["__arm__"]) },
  { arch: "arm", defined: new Set(["__aarch64__"]) },
];
/** Known in every build: the tools define `__XEN_TOOLS__`; every other macro (`__XEN__`, include guards) may be either. */
const ARCH_MACROS = new Set(["__i386__", "__x86_64__", "__arm__", "__aarch64__"]);

type Tri = boolean | null;

/** An `#if` condition in one build: true, false, or null when it depends on something else. */
export function evalCondition(cond: string, defined: ReadonlySet<string>, iface: number | null): Tri {
  const tokens = cond.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|\w+|&&|\|\||[<>=!]=|[()!<>]/g) ?? [];
  let i = 0;
  const macro = (name: string): Tri => {
    if (ARCH_MACROS.has(name)) return defined.has(name);
    return name === "__XEN_TOOLS__" ? true : null;
  };
  const value = (t: string | undefined): number | null => {
    if (t === undefined) return null;
    if (t === "__XEN_INTERFACE_VERSION__" || t === "__XEN_LATEST_INTERFACE_VERSION__") return iface;
    return /^\d/.test(t) ? numberOf(t) : null;
  };
  const primary = (): Tri => {
    const t = tokens[i++];
    if (t === "!") {
      const v = primary();
      return v === null ? null : !v;
    }
    if (t === "(") {
      const v = or();
      i++;
      return v;
    }
    if (t === "defined") {
      const paren = tokens[i] === "(";
      if (paren) i++;
      const v = macro(tokens[i++] ?? "");
      if (paren) i++;
      return v;
    }
    const left = value(t);
    const op = tokens[i];
    if (op && /^[<>=!]=?$/.test(op) && op !== "!") {
      i++;
      const right = value(tokens[i++]);
      return left === null || right === null ? null : compareInts(op, left, right);
    }
    if (left !== null) return left !== 0;
    return t && ARCH_MACROS.has(t) ? defined.has(t) : null;
  };
  // `&&` and `||` over three values: the operand that decides (false, true) wins over an unknown one
  const chain = (op: string, operand: () => Tri, decides: boolean): Tri => {
    let v = operand();
    while (tokens[i] === op) {
      i++;
      const w = operand();
      v = v === decides || w === decides ? decides : v === null || w === null ? null : !decides;
    }
    return v;
  };
  const and = (): Tri => chain("&&", primary, false);
  const or = (): Tri => chain("||", and, true);
  return or();
}

/** An open conditional in one build: whether its branch is read, and whether an earlier one surely was. */
interface Open {
  live: boolean;
  taken: boolean;
}

/** The `#define`s of a header, each with the arches that read it and the structures around it. */
function readDefines(text: string, file: string, iface: number | null): Define[] {
  const fileArch: Arch[] = /\/arch-x86/.test(file)
    ? ["x86"]
    : /\/arch-arm/.test(file)
      ? ["arm"]
      : ["x86", "arm"];
  const stacks: Open[][] = BUILDS.map(() => []);
  const out: Define[] = [];
  // the structures open at this point: a brace stack of names (`""` for anonymous or other blocks)
  const braces: string[] = [];
  for (const { line, text: l } of logicalLines(text)) {
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(l);
    if (!d) {
      for (const m of l.matchAll(/(?:\b(?:struct|union)\s+(\w+)\s*)?([{}])/g)) {
        if (m[2] === "{") braces.push(m[1] ?? "");
        else braces.pop();
      }
      continue;
    }
    const [, directive = "", rest = ""] = d;
    BUILDS.forEach((b, k) => {
      const stack = stacks[k] as Open[];
      const top = stack.at(-1);
      if (directive === "if" || directive === "ifdef" || directive === "ifndef") {
        const name = /^\w+/.exec(rest)?.[0] ?? "";
        const v =
          directive === "if"
            ? evalCondition(rest, b.defined, iface)
            : directive === "ifdef"
              ? evalCondition(`defined(${name})`, b.defined, iface)
              : evalCondition(`!defined(${name})`, b.defined, iface);
        stack.push({ live: v !== false, taken: v === true });
      } else if (directive === "elif" && top) {
        const v = evalCondition(rest, b.defined, iface);
        top.live = !top.taken && v !== false;
        top.taken ||= v === true;
      } else if (directive === "else" && top) {
        top.live = !top.taken;
      } else if (directive === "endif") stack.pop();
    });
    if (directive !== "define") continue;
    const m = /^(\w+)(?!\()\s*(.*)$/.exec(rest);
    if (!m?.[1]) continue;
    const arch = [
      ...new Set(BUILDS.filter((_, k) => stacks[k]?.every((o) => o.live)).map((b) => b.arch)),
    ].filter((a) => fileArch.includes(a));
    if (arch.length === 0) continue;
    out.push({ name: m[1], body: (m[2] ?? "").trim(), file, line, arch, inside: [...braces] });
  }
  return out;
}

const LITERAL = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/;

/** The value of a C integer literal (`0x10`, `010`, `16U`), null for anything else. */
function numberOf(t: string): number | null {
  const v = literal(t);
  return v === null ? null : Number(v);
}

/**
 * The commands of a family among a header's defines (lines of xen/include/public at
 * RELEASE-4.22.0):
 * - the prefix followed by a lower-case name: upper case marks flags and masks
 *   (`XEN_DOMCTL_CDF_hvm`, domctl.h:49), except in the FLASK_/MMUEXT_/MMU_ families, whose
 *   commands are upper case and whose flags have other prefixes;
 * - a plain literal: flags are shifts or masks, aliases name another constant
 *   (`KEXEC_CMD_kexec_load KEXEC_CMD_kexec_load_v1`, kexec.h:229, for old interfaces);
 * - at file level, or right inside the selector's structure for the families that put them
 *   there (`XEN_DOMCTL_createdomain`, domctl.h:1285, inside `struct xen_domctl`); definitions
 *   inside any other structure are that structure's field values (`XEN_DOMCTL_SCHEDOP_putinfo`,
 *   domctl.h:441).
 */
function commandsOf(family: Family, defines: readonly Define[]): Define[] {
  const name = family.upper ? /^[A-Z][A-Z0-9_]*$/ : /^[a-z][A-Za-z0-9_]*$/;
  const seen = new Set<string>();
  const cands = defines.filter((d) => {
    if (!d.name.startsWith(family.prefix) || !name.test(d.name.slice(family.prefix.length))) return false;
    if (!LITERAL.test(d.body) || seen.has(d.name)) return false;
    const where = family.inside ? [family.inside] : [];
    if (d.inside.length !== where.length || d.inside.some((s, i) => s !== where[i])) return false;
    seen.add(d.name);
    return true;
  });
  // sub-sub-ops: `XENMEM_sharing_op_share` (memory.h:477, under memory.h:474) and
  // `HVMOP_altp2m_create_p2m` (hvm/hvm_op.h:319, under :209) extend another command's name and
  // number again from 0 or 1; `XENMEM_add_to_physmap_batch` (memory.h:249, 23 after 7),
  // `XEN_DOMCTL_soft_reset_cont` (domctl.h:1309) and `KEXEC_CMD_kexec_load` (kexec.h:188, 4 under
  // `kexec`, 0) extend one but take numbers of their own
  const value = (d: Define) => numberOf(d.body) ?? Number.NaN;
  const lower = (d: Define) => d.name.slice(family.prefix.length).toLowerCase();
  return cands.filter((d) => {
    const parent = cands.find((p) => p !== d && lower(d).startsWith(`${lower(p)}_`));
    if (!parent) return true;
    const family2 = cands.filter((x) => lower(x).startsWith(`${lower(parent)}_`));
    return !family2.some((x) => value(x) <= 1 && value(x) < value(parent));
  });
}

/** A structure or union of the headers. */
interface Composite {
  name: string;
  ref: string;
  body: Node;
}

/** The structures and typedefs of the public headers, and how to find the guest handles inside them. */
class Structures {
  readonly structs = new Map<string, Composite>();
  /** typedef name → its type node and `path:line` */
  readonly typedefs = new Map<string, { type: Node; ref: string }>();

  add(tree: Node, file: string): void {
    const visit = (n: Node): void => {
      if ((n.type === "struct_specifier" || n.type === "union_specifier") && n.childForFieldName("body")) {
        const name = n.childForFieldName("name")?.text;
        if (name && !this.structs.has(name))
          this.structs.set(name, {
            name,
            ref: `${file}:${lineOf(n)}`,
            body: n.childForFieldName("body") as Node,
          });
      }
      if (n.type === "type_definition") {
        const type = n.childForFieldName("type");
        for (const d of n.childrenForFieldName("declarator"))
          if (d?.type === "type_identifier" && type && !this.typedefs.has(d.text))
            this.typedefs.set(d.text, { type, ref: `${file}:${lineOf(n)}` });
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(tree);
  }

  /** The structure a name stands for: `xen_domctl_createdomain`, `xen_memory_reservation_t`. */
  resolve(name: string, depth = 0): Composite | null {
    const s = this.structs.get(name);
    if (s) return s;
    const def = this.typedefs.get(name);
    if (!def || depth > 8) return null;
    const t = def.type;
    const named = t.childForFieldName("name")?.text ?? (t.type === "type_identifier" ? t.text : undefined);
    // `typedef struct { ... } name_t;`: the typedef is the structure's only name
    if ((t.type === "struct_specifier" || t.type === "union_specifier") && t.childForFieldName("body"))
      return { name: named ?? name, ref: def.ref, body: t.childForFieldName("body") as Node };
    return named ? this.resolve(named, depth + 1) : null;
  }

  /** Whether a type is a guest handle: the handle macros, their expansion, or a typedef of one. */
  private isHandle(type: Node, depth = 0): boolean {
    if (type.type === "macro_type_specifier")
      return /^XEN_GUEST_HANDLE/.test(type.childForFieldName("name")?.text ?? "");
    if (type.type !== "type_identifier") return false;
    if (/^__guest_handle_/.test(type.text)) return true;
    const t = this.typedefs.get(type.text);
    return !!t && depth < 8 && this.isHandle(t.type, depth + 1);
  }

  /** The composite a field's type reads into, if any. */
  private inner(type: Node): Node | null {
    if (type.type === "struct_specifier" || type.type === "union_specifier") {
      const body = type.childForFieldName("body");
      if (body) return body;
      const name = type.childForFieldName("name")?.text;
      return name ? (this.resolve(name)?.body ?? null) : null;
    }
    return type.type === "type_identifier" ? (this.resolve(type.text)?.body ?? null) : null;
  }

  /** The field paths of every guest handle (or raw pointer: an older interface's) in a structure body. */
  handles(body: Node, skip?: string, seen: ReadonlySet<number> = new Set()): string[] {
    const out: string[] = [];
    if (seen.has(body.id)) return out;
    const inside = new Set([...seen, body.id]);
    const fields = (n: Node): Node[] =>
      n.namedChildren.flatMap((c) => {
        if (!c) return [];
        if (c.type === "field_declaration") return [c];
        // every branch of an #if: some build reads it
        return c.type.startsWith("preproc_") || c.type === "else" ? fields(c) : [];
      });
    for (const f of fields(body)) {
      const type = f.childForFieldName("type");
      if (!type) continue;
      const declarators = f.childrenForFieldName("declarator").filter((d): d is Node => d !== null);
      // an anonymous struct or union member: its fields are the outer structure's
      if (declarators.length === 0) {
        const b = this.inner(type);
        if (b) out.push(...this.handles(b, undefined, inside));
        continue;
      }
      for (const d of declarators) {
        let path = "";
        let pointer = false;
        let cur: Node | null = d;
        while (cur && cur.type !== "field_identifier") {
          if (cur.type === "array_declarator") path = `[]${path}`;
          if (cur.type === "pointer_declarator") pointer = true;
          cur = cur.childForFieldName("declarator");
        }
        if (!cur || cur.text === skip) continue;
        path = `${cur.text}${path}`;
        if (pointer || this.isHandle(type)) {
          out.push(path);
          continue;
        }
        const b = this.inner(type);
        if (b) out.push(...this.handles(b, undefined, inside).map((p) => `${path}.${p}`));
      }
    }
    return [...new Set(out)];
  }

  /** The members of a structure's union `u`: member name → its type node. */
  unionMembers(struct: string): Map<string, Node> {
    const out = new Map<string, Node>();
    const s = this.structs.get(struct);
    if (!s) return out;
    const walk = (n: Node, inUnion: boolean): void => {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type.startsWith("preproc_") || c.type === "else") walk(c, inUnion);
        if (c.type !== "field_declaration") continue;
        const type = c.childForFieldName("type");
        const name = c.childForFieldName("declarator")?.text;
        if (!type) continue;
        if (!inUnion && name === "u" && type.type === "union_specifier" && type.childForFieldName("body"))
          walk(type.childForFieldName("body") as Node, true);
        else if (name && inUnion) out.set(name, type);
      }
    };
    walk(s.body, false);
    return out;
  }

  /** A member type's structure name and reference. */
  describe(type: Node): { struct: string; ref?: string; body: Node | null } {
    const name = type.childForFieldName("name")?.text ?? type.text;
    const s = this.resolve(name);
    return { struct: s?.name ?? name, ref: s?.ref, body: s?.body ?? null };
  }
}

/** What the header's comments say the argument is: `arg == addr of struct xen_memory_reservation`, `@arg == NULL`. */
function commentArgument(lines: readonly string[], line: number): string | null {
  const at = (i: number) => lines[i - 1] ?? "";
  const own = /\/\*(.*?)(\*\/|$)/.exec(at(line))?.[1] ?? "";
  const block: string[] = [own];
  let i = line - 1;
  // contiguous defines of the same group share the comment above the first
  while (i > 0 && /^\s*#\s*define\b/.test(at(i))) i--;
  if (/\*\/\s*$/.test(at(i))) {
    while (i > 0 && !/\/\*/.test(at(i))) block.push(at(i--));
    block.push(at(i));
  }
  const text = block.join(" ");
  // argo.h: `arg1: XEN_GUEST_HANDLE(xen_argo_register_ring_t)`
  const handle = /\barg1:\s*XEN_GUEST_HANDLE\((\w+)\)/.exec(text);
  if (handle?.[1]) return handle[1];
  const m =
    /@?(?:extra_)?args?\s*==\s*(?:(?:the\s+)?addr(?:ess)?\s+of\s+|(?:a\s+)?pointer\s+to\s+(?:an?\s+)?)?(?:struct\s+)?(\w+)/i.exec(
      text,
    );
  return m?.[1] ?? null;
}

/** The catalogue of one tree. */
export async function extractHypercallCatalogue(
  treeRoot: string,
  xen: string,
  /** the commit of a tree without git (tree-meta.ts) */
  commit?: string,
): Promise<HypercallCatalogue> {
  // without the hypercall numbers there is nothing to list: say so rather than return an empty catalogue
  if (!existsSync(join(treeRoot, PUBLIC, "xen.h")))
    fail(
      error(
        "extract/not-a-xen-tree",
        `\`${treeRoot}\` has no ${PUBLIC}/xen.h: give the root of a Xen source tree`,
      ),
    );
  const known = treeMeta(treeRoot, { ...(commit !== undefined && { commit }) }).commit ?? "";
  const parse = await loadCParser();
  const publicFiles = headers(join(treeRoot, PUBLIC)).map((f) => `${PUBLIC}/${f}`);
  const texts = new Map(publicFiles.map((f) => [f, readSource(treeRoot, f)]));
  // Xen and its tools build with the latest interface version
  const iface = latestInterfaceVersion(texts.get(`${PUBLIC}/xen-compat.h`) ?? "");
  const defines = new Map<string, Define[]>();
  for (const [f, text] of texts) defines.set(f, readDefines(text, f, iface));

  const hypercalls = readHypercalls(treeRoot, publicFiles, defines, iface);
  const structures = new Structures();
  for (const [f, text] of texts) structures.add(parse(text, f).rootNode, f);
  return buildCatalogue(known, xen, hypercalls, structures, texts, defines);
}

function buildCatalogue(
  commit: string,
  xen: string,
  hypercalls: Hypercall[],
  structures: Structures,
  texts: ReadonlyMap<string, string>,
  defines: ReadonlyMap<string, Define[]>,
): HypercallCatalogue {
  const linesOf = new Map<string, string[]>();
  for (const family of FAMILIES) {
    const h = hypercalls.find((x) => x.name === family.hypercall);
    if (!h) continue;
    h.selector = family.selector;
    const path = `${PUBLIC}/${family.file}`;
    // xen.h holds five families: split it once
    const lines = linesOf.get(path) ?? (texts.get(path) ?? "").split("\n");
    linesOf.set(path, lines);
    const argumentOf = argumentsOf(family, structures, lines);
    for (const d of commandsOf(family, defines.get(path) ?? [])) {
      const name = d.name.slice(family.prefix.length).toLowerCase();
      // commandsOf keeps only literal bodies
      const value = numberOf(d.body) ?? Number.NaN;
      const subop: Subop = { name, constant: d.name, value, ref: `${d.file}:${d.line}`, arch: d.arch };
      Object.assign(subop, argumentOf(name, d.line));
      h.subops.push(subop);
    }
  }
  return HypercallCatalogueSchema.parse({ kind: "privcmd-hypercalls", xen, commit, hypercalls });
}

/** The hypercalls: `__HYPERVISOR_<name>` of the public headers (and the arch headers), with hypercall-defs.c's callers. */
function readHypercalls(
  root: string,
  publicFiles: readonly string[],
  defines: ReadonlyMap<string, Define[]>,
  iface: number | null,
): Hypercall[] {
  const all = publicFiles.flatMap((f) => defines.get(f) ?? []);
  for (const f of ARCH_HYPERCALL_HEADERS)
    if (existsSync(join(root, f))) all.push(...readDefines(readSource(root, f), f, iface));
  const byName = new Map<string, Define>();
  for (const d of all) if (/^__HYPERVISOR_[a-z]/.test(d.name) && !byName.has(d.name)) byName.set(d.name, d);
  const number = (name: string, depth = 0): number | null => {
    const d = byName.get(name);
    if (!d || depth > 4) return null;
    if (LITERAL.test(d.body)) return numberOf(d.body);
    return /^\w+$/.test(d.body) ? number(d.body, depth + 1) : null;
  };
  const table = existsSync(join(root, HYPERCALL_DEFS))
    ? readHypercallTable(readSource(root, HYPERCALL_DEFS), HYPERCALL_DEFS).entries
    : [];
  const out: Hypercall[] = [];
  for (const [constant, d] of byName) {
    const n = number(constant);
    if (n === null) continue;
    const name = constant.slice("__HYPERVISOR_".length);
    // a hypercall may have a row per #if branch (grant_table_op): any branch's callers may call it
    const rows = table.filter((e) => e.name === name);
    const h: Hypercall = {
      name,
      number: n,
      ref: `${d.file}:${d.line}`,
      callers: {
        x86pv: rows.some((e) => e.callers.includes("pv")),
        x86hvm: rows.some((e) => e.callers.includes("hvm")),
        arm: rows.some((e) => e.arch.includes("arm")),
      },
      subops: [],
    };
    if (rows[0]) h.callersRef = rows[0].ref;
    out.push(h);
  }
  return out.sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
}

type Argument = Pick<Subop, "struct" | "handles" | "structRef">;

/**
 * How a family's sub-ops find their argument structure and its handles, when the header ties one
 * to them; what every sub-op of the family shares (the selector's structure, its handles outside
 * `u`) is looked up once.
 */
function argumentsOf(
  family: Family,
  structures: Structures,
  lines: readonly string[],
): (name: string, line: number) => Argument {
  if (family.union) {
    const top = structures.structs.get(family.union);
    if (!top) return () => ({});
    const outer = structures.handles(top.body, "u");
    const members = structures.unionMembers(family.union);
    return (name) => {
      const override = family.overrides?.[name];
      if (override === null) return { struct: top.name, handles: outer, structRef: top.ref };
      const member = override ?? name;
      const type = members.get(member);
      if (!type) return {};
      const { struct, ref, body } = structures.describe(type);
      const inner = body ? structures.handles(body).map((p) => `u.${member}.${p}`) : [];
      return { struct, handles: [...outer, ...inner], ...(ref ? { structRef: ref } : {}) };
    };
  }
  const named = (n: string): Argument | null => {
    const s = structures.resolve(n);
    if (!s) return null;
    return { struct: s.name, handles: structures.handles(s.body), structRef: s.ref };
  };
  if (family.shared) {
    const shared = named(family.shared) ?? {};
    return () => shared;
  }
  return (name, line) => {
    const override = family.overrides?.[name];
    if (override) return named(override) ?? {};
    if (override === null) return { handles: [] };
    const comment = commentArgument(lines, line);
    // `arg == NULL`: no structure, and nothing to point at
    if (comment === "NULL") return { handles: [] };
    const fromComment = comment ? named(comment) : null;
    if (fromComment) return fromComment;
    const base = family.strip && name.startsWith(family.strip) ? name.slice(family.strip.length) : name;
    for (const p of family.convention ?? []) {
      const s = named(`${p}${base}`) ?? named(`${p}${name}`);
      if (s) return s;
    }
    return {};
  };
}
