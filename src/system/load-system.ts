import { closeSync, constants, openSync, readSync } from "node:fs";
import type { z } from "zod";
import { disabledOptions } from "../cmdline/xen-config.js";
import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import { parseSourceFast, type SourceDoc } from "../core/source-doc.js";
import type { Span } from "../core/span.js";
import { didYouMean } from "../core/suggest.js";
import { loadDeviceTree } from "../devicetree/load-device-tree.js";
import { FDT_MAGIC } from "../devicetree/read-dtb.js";
import { CAPABILITY_FIELD, type Capabilities, type Domain } from "../model/domain.js";
import type { System } from "../model/system.js";
import { checkBootRules } from "./boot-rules.js";
import {
  type DeviceTreeSystem,
  type DeviceTreeSystemOptions,
  systemFromDeviceTree,
} from "./device-tree-system.js";
import { BuildEntrySchema, type DomainEntry, DomainEntrySchema, SystemFileSchema } from "./system-schema.js";

/** Keys allowed at each level, from the schema itself, for "did you mean" help. */
function keysFor(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(SystemFileSchema.shape);
  if (path[0] === "domains") return Object.keys(DomainEntrySchema.shape);
  if (path[0] === "build") return Object.keys(BuildEntrySchema.shape);
  return [];
}

function zodDiagnostics(err: z.ZodError, doc: SourceDoc): Diagnostic[] {
  return err.issues.flatMap((issue): Diagnostic[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) =>
        error(
          "system/unknown-key",
          `unknown key \`${k}\``,
          doc.spanOf([...path, k], true),
          didYouMean(k, keysFor(path)) ?? `known keys: ${keysFor(path).join(", ")}`,
        ),
      );
    }
    const where = path.length ? `\`${path.join(".")}\`: ` : "";
    let message = issue.message.replace(/^Invalid input: /, "").replace(/^./, (c) => c.toLowerCase());
    let help: string | undefined;
    if (issue.code === "invalid_value" && "values" in issue) {
      const got = path.reduce<unknown>((v, p) => (v as Record<string | number, unknown>)?.[p], doc.value);
      message = `unknown value \`${String(got)}\``;
      help =
        didYouMean(String(got), issue.values.map(String)) ??
        `expected one of ${issue.values.map((v) => `\`${String(v)}\``).join(", ")}`;
    }
    return [error("system/invalid", `${where}${message}`, doc.spanOf(path), help)];
  });
}

function capabilities(entry: DomainEntry, builtBy: Domain["builtBy"]): Capabilities {
  // dom0 is control and hardware unless told otherwise (x86 setup.c:1071-1077, Arm domain_build.c at 4.22.0).
  const names = entry.caps ?? (builtBy === "dom0" ? ["control", "hardware"] : []);
  const caps = {
    control: false,
    hardware: false,
    xenstore: false,
    deviceModel: false,
    notHypercallTarget: false,
  };
  for (const n of names) caps[CAPABILITY_FIELD[n]] = true;
  return caps;
}

/** Whether the file itself sets a top-level key (else the schema's default applies). */
const given = (doc: SourceDoc, key: string) =>
  typeof doc.value === "object" && doc.value !== null && Object.hasOwn(doc.value, key);

/** Where the file sets `xen` and `xsm`, found when asked (a diagnostic about either needs it). */
function valueSpans(doc: SourceDoc): NonNullable<System["valueSpans"]> {
  const out = {};
  for (const key of ["xen", "xsm"] as const)
    if (given(doc, key)) Object.defineProperty(out, key, { get: () => doc.spanOf([key]), enumerable: true });
  return out;
}

/** Turns a parsed source document into a validated system, or throws an InputError with every problem. */
export function systemFromSource(doc: SourceDoc): System {
  const parsed = SystemFileSchema.safeParse(doc.value ?? {});
  if (!parsed.success) throw new InputError(zodDiagnostics(parsed.error, doc));
  const file = parsed.data;
  const problems: Diagnostic[] = [];
  const byName = new Map<string, number>();
  const byDomid = new Map<number, number>();
  // each domain's span is found when it is first asked for: a query of a valid file needs none
  const spans: Record<string, Span> = {};
  const lazySpan = (name: string, i: number) => {
    Object.defineProperty(spans, name, {
      get: () => {
        const span = doc.spanOf(["domains", i]);
        Object.defineProperty(spans, name, { value: span, enumerable: true });
        return span;
      },
      enumerable: true,
      configurable: true,
    });
  };

  file.domains.forEach((d, i) => {
    if (!Object.hasOwn(spans, d.name)) lazySpan(d.name, i);
    if (byName.has(d.name))
      problems.push(
        error(
          "system/duplicate-name",
          `duplicate domain name \`${d.name}\``,
          doc.spanOf(["domains", i, "name"]),
          "give every domain its own name",
        ),
      );
    else byName.set(d.name, i);
    if (byDomid.has(d.domid)) {
      const first = file.domains[byDomid.get(d.domid) ?? 0]?.name;
      problems.push(
        error(
          "system/duplicate-domid",
          `duplicate domid ${d.domid} (also \`${first}\`)`,
          doc.spanOf(["domains", i, "domid"]),
          "domids are unique in a running Xen",
        ),
      );
    } else byDomid.set(d.domid, i);
    if (file.arch === "arm" && d.type === "pv")
      problems.push(
        error(
          "system/pv-on-arm",
          `\`${d.name}\`: Arm has no PV guests`,
          doc.spanOf(["domains", i, "type"]),
          "use `pvh` (Arm guests are HVM-like) or `hvm`",
        ),
      );
  });

  const domains = file.domains.map((d, i): Domain => {
    const builtBy = d.built ?? (d.domid === 0 ? "dom0" : "toolstack");
    let target: number | null = null;
    if (d.target !== undefined) {
      const idx =
        typeof d.target === "number"
          ? byDomid.get(d.target)
          : (byName.get(d.target) ?? byDomid.get(Number(d.target)));
      const span = () => doc.spanOf(["domains", i, "target"]);
      if (idx === undefined) {
        problems.push(
          error(
            "system/unknown-target",
            `\`${d.name}\`: target \`${d.target}\` is not a domain of this system`,
            span(),
            didYouMean(String(d.target), byName.keys()) ?? "name a domain of this file by name or domid",
          ),
        );
      } else if (idx === i) {
        // XEN_DOMCTL_set_target refuses d == e with -EINVAL (xen/common/domctl.c at 4.22.0).
        problems.push(
          error(
            "system/self-target",
            `\`${d.name}\` cannot be its own device-model target`,
            span(),
            "XEN_DOMCTL_set_target returns -EINVAL when the target is the domain itself",
          ),
        );
      } else {
        const t = file.domains[idx] as DomainEntry;
        if ((t.type ?? "pvh") === "pv")
          problems.push(
            error(
              "system/pv-target",
              `\`${d.name}\`: target \`${t.name}\` is a PV domain`,
              span(),
              "XEN_DOMCTL_set_target returns -EOPNOTSUPP unless the target is HVM or PVH",
            ),
          );
        target = t.domid;
      }
    }
    return {
      domid: d.domid,
      name: d.name,
      caps: capabilities(d, builtBy),
      // every dom0less domain gets is_console (xen/common/device-tree/dom0less-build.c at 4.22.0)
      isConsole: d.console ?? builtBy === "dom0less",
      target,
      type: d.type ?? "pvh",
      builtBy,
      ...(d.label !== undefined && { label: d.label }),
    };
  });

  file.domains.forEach((d, i) => {
    // late_hwdom_init() exists only with CONFIG_LATE_HWDOM, which depends on X86 (xen/common/Kconfig at 4.22.0).
    if (d.built === "late-hwdom" && !(file.build.late_hwdom && file.arch === "x86"))
      problems.push(
        error(
          "system/late-hwdom-disabled",
          `\`${d.name}\` is built as a late hardware domain but the build has no CONFIG_LATE_HWDOM`,
          doc.spanOf(["domains", i, "built"]),
          "set `build: { late_hwdom: true }` (x86 only)",
        ),
      );
  });
  const hw = domains.filter((d) => d.caps.hardware);
  if (hw.length > 1) {
    for (const d of hw.slice(1))
      problems.push(
        error(
          "system/second-hardware-domain",
          `\`${d.name}\` is a second hardware domain (first: \`${hw[0]?.name}\`)`,
          spans[d.name],
          "Xen has one `hardware_domain` pointer; dom0less panics on a second CAPS_HARDWARE domain",
        ),
      );
  }
  if (problems.length) throw new InputError(problems);
  return {
    xen: file.xen,
    xsm: file.xsm,
    build: {
      arch: file.arch,
      verboseDebug: file.build.verbose_debug,
      lateHwdom: file.build.late_hwdom,
      pvShimExclusive: file.build.pv_shim_exclusive,
      phase: file.build.phase,
      disabled: file.build.disabled,
      secureBoot: file.build.secure_boot,
      ...(file.build.iommu !== undefined && { iommu: file.build.iommu }),
    },
    domains,
    source: doc.file,
    spans,
    valueSpans: valueSpans(doc),
  };
}

/** Reads a YAML or JSON system description. */
export function loadSystemText(text: string, file: string): System {
  const { doc, diagnostics } = parseSourceFast(text, file);
  if (!doc) throw new InputError(diagnostics);
  return systemFromSource(doc);
}

/** `.dts`, `.dtsi` and `.dtb` files, anything that starts with the FDT magic number, and other text with `/dts-v1/` near its start. */
export function isDeviceTree(path: string): boolean {
  if (/\.(dts|dtsi|dtb)$/i.test(path)) return true;
  if (/\.(ya?ml|json)$/i.test(path)) return false;
  try {
    const head = Buffer.alloc(4096);
    // without blocking: a FIFO is refused by the reader, not waited on here
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const n = readSync(fd, head, 0, head.length, 0);
      // a blob, or DTS source under another name (cpp output: `board.i`)
      return (n >= 4 && head.readUInt32BE(0) === FDT_MAGIC) || head.subarray(0, n).includes("/dts-v1/");
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * The system an Arm device tree boots, for queries: a tree Xen would refuse to boot is bad input,
 * with every boot rule it breaks (`xenpriv lint` shows warnings and notes too).
 */
export function loadDeviceTreeSystem(path: string, options: DeviceTreeSystemOptions = {}): DeviceTreeSystem {
  const dts = systemFromDeviceTree(loadDeviceTree(path), options);
  const refused = checkBootRules(dts).filter((d) => d.severity === "error");
  if (refused.length) throw new InputError(refused);
  if (dts.system.domains.length === 0)
    throw new InputError([
      error(
        "system/no-domains",
        "the device tree describes no domain Xen would build",
        dts.tree.root.span,
        "add a dom0 kernel or `xen,domain` nodes under `/chosen`",
      ),
    ]);
  return dts;
}

/** Reads a system description file (YAML, JSON, or a device tree); unreadable files are bad input. */
export function loadSystemFile(path: string, options: DeviceTreeSystemOptions = {}): System {
  if (isDeviceTree(path)) return loadDeviceTreeSystem(path, options).system;
  const text = readInput(path, {
    code: "system/unreadable",
    help: "check the path given to --system",
  }).toString("utf8");
  const system = loadSystemText(text, path);
  const off = disabledOptions(options.config).filter((o) => !system.build.disabled.includes(o));
  return off.length
    ? { ...system, build: { ...system.build, disabled: [...system.build.disabled, ...off] } }
    : system;
}
