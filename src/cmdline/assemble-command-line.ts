import { type Diagnostic, error } from "../core/diagnostic.js";
import { EFI_START_REF, type EfiLoadOptions, parseEfiLoadOptions } from "./efi-load-options.js";
import { type CfgValue, cfgSections, cfgValue, XEN_CFG_REF, type XenCfg } from "./xen-cfg.js";

/** Where a piece of the command line came from. */
export type SourceKind =
  | "builtin"
  | "multiboot"
  | "pvh"
  | "efi-cfg"
  | "uki-config"
  | "efi-load-options"
  | "dt-bootargs";

/** A stretch of a parsed string that came from one source. */
export interface Piece {
  readonly source: SourceKind;
  /** built into Xen, or inside a signed image: an attacker with the ESP cannot change it */
  readonly trusted: boolean;
  /** `CONFIG_CMDLINE`, a file, `file:line` of an `options=`, or `/chosen/xen,xen-bootargs` */
  readonly origin: string;
  readonly start: number;
  readonly end: number;
  /** where the piece's first character is in a file (an `options=` value) */
  readonly at?: { readonly file: string; readonly line: number; readonly column: number };
}

/** One call of `_cmdline_parse`: the built-in line, then the bootloader's. */
export interface Pass {
  readonly kind: "builtin" | "bootloader";
  readonly text: string;
  readonly pieces: readonly Piece[];
}

export type BootPath = "multiboot" | "efi" | "dt" | "pvh";

/** A Xen configuration file and whether it is part of a signed image. */
export interface CfgSource {
  readonly cfg: XenCfg;
  /** `.config` of a unified image: read instead of any file (boot.c:1541) */
  readonly uki: boolean;
  /** the unified image carries an Authenticode signature */
  readonly signed: boolean;
}

export interface BootSources {
  readonly arch: "x86" | "arm";
  readonly boot: BootPath;
  /** `CONFIG_CMDLINE` */
  readonly builtin?: string;
  /** `CONFIG_CMDLINE_OVERRIDE=y`: the bootloader's string is not parsed */
  readonly override?: boolean;
  /** multiboot: the loader's `cmdline`; pvh: start_info's; dt: unused */
  readonly bootloader?: string;
  /** multiboot: the loader's name (`boot_loader_name`); GRUB 2 leaves the image name out */
  readonly loaderName?: string;
  /** efi: the load options as the EFI shell passes them, the image name first */
  readonly loadOptions?: string;
  /** efi: a section chosen by the caller (like a bare word in the load options) */
  readonly section?: string;
  readonly cfg?: CfgSource;
  /** efi `chain=`: reads another configuration file by the name Xen was given */
  readonly readChained?: (name: string) => XenCfg;
  /** dt: `/chosen` properties */
  readonly chosen?: {
    readonly xenBootargs?: string;
    readonly bootargs?: string;
    readonly dom0Bootargs?: boolean;
    readonly dom0ModuleHasCmdline?: boolean;
    readonly file: string;
  };
}

/** The strings `cmdline_parse` gets, with the dom0 tail and what `xl info` shows. */
export interface AssembledCommandLine {
  readonly passes: readonly Pass[];
  /** x86: the text after the first ` -- `, given to dom0 */
  readonly dom0?: string;
  /** `saved_cmdline` (`XENVER_commandline`, `xl info`'s xen_commandline): at most 1023 characters */
  readonly saved: string;
  readonly efi?: EfiLoadOptions & { readonly chosenSection?: string; readonly options?: CfgValue };
  /** how the strings were put together, and where Xen would stop */
  readonly notes: readonly Diagnostic[];
}

export const SOURCE_REFS = {
  cmdlineParse: "xen/common/kernel.c:218",
  cmdlineCook: "xen/arch/x86/setup.c:978",
  loaderIsGrub2: "xen/arch/x86/setup.c:964",
  dom0Split: "xen/arch/x86/setup.c:1205",
  placeString: "xen/arch/x86/efi/efi-boot.h:122",
  x86EfiCmdline: "xen/arch/x86/efi/efi-boot.h:317",
  armEfiCmdline: "xen/arch/arm/efi/efi-boot.h:464",
  bootFdtCmdline: "xen/common/device-tree/bootinfo-fdt.c:520",
  savedCmdline: "xen/common/kernel.c:230",
} as const;

const note = (code: string, message: string, ref: string, help?: string): Diagnostic => ({
  code,
  severity: "note",
  message,
  ref,
  ...(help && { help }),
});

/** `loader_is_grub2` (setup.c:964): "GRUB " not followed by `0`. */
export function loaderIsGrub2(name: string): boolean {
  const i = name.indexOf("GRUB ");
  return i >= 0 && name[i + 5] !== "0";
}

/**
 * `cmdline_cook` (setup.c:978): leading spaces go, and unless the loader is GRUB 2 or Xen's own
 * EFI loader, the first word is taken for the image name and dropped with its spaces.
 */
export function cmdlineCook(
  p: string,
  stripImageName: boolean,
): { text: string; at: number; imageName?: string } {
  let i = 0;
  while (p[i] === " ") i++;
  if (!stripImageName) return { text: p.slice(i), at: i };
  const word = i;
  while (i < p.length && p[i] !== " ") i++;
  const imageName = p.slice(word, i);
  while (p[i] === " ") i++;
  return { text: p.slice(i), at: i, imageName };
}

/** A builder for a string made of pieces with known sources. */
class Joiner {
  text = "";
  pieces: Piece[] = [];
  add(s: string, source: SourceKind, trusted: boolean, origin: string, at?: Piece["at"]): void {
    if (!s) return;
    this.pieces.push({
      source,
      trusted,
      origin,
      start: this.text.length,
      end: this.text.length + s.length,
      ...(at && { at }),
    });
    this.text += s;
  }
  /** drops the first `n` characters (what cmdline_cook skips) and shifts the pieces */
  dropPrefix(n: number): void {
    if (!n) return;
    this.text = this.text.slice(n);
    this.pieces = this.pieces
      .map((p) => ({ ...p, start: Math.max(0, p.start - n), end: p.end - n }))
      .filter((p) => p.end > p.start);
  }
  /** keeps text[0, end) and the pieces within it */
  cut(end: number): void {
    this.text = this.text.slice(0, end);
    this.pieces = this.pieces.filter((p) => p.start < end).map((p) => ({ ...p, end: Math.min(p.end, end) }));
  }
}

/** The EFI loader: load options, the configuration (chained as Xen does), and its `options=`. */
function efiStrings(s: BootSources, notes: Diagnostic[]) {
  const efi = parseEfiLoadOptions(s.loadOptions ?? "");
  for (const w of efi.unknown)
    notes.push(
      note(
        "cmdline/efi-unknown-loader-option",
        `the EFI loader warns about \`${w}\` and ignores it`,
        EFI_START_REF,
        "loader options are -basevideo, -mapbs, -cfg=<file>; Xen options go after `--`",
      ),
    );
  let cfg = s.cfg?.cfg;
  const section = s.section ?? efi.section;
  const chosenSection = section ?? (cfg ? cfgValue(cfg, "global", "default")?.value : undefined);
  if (cfg && chosenSection !== undefined && !cfgSections(cfg).includes(chosenSection))
    notes.push({
      ...note(
        "cmdline/efi-no-section",
        `section \`${chosenSection}\` is not in \`${cfg.file}\`: Xen finds no kernel and stops ("No Dom0 kernel image specified.")`,
        "xen/common/efi/boot.c:1576",
      ),
      severity: "warning",
    });
  const seen = new Set<string>();
  // boot.c:1574-1592: without a kernel= in the section, [global] chain= replaces the file
  while (cfg && !cfgValue(cfg, chosenSection, "kernel")) {
    const chain = cfgValue(cfg, "global", "chain");
    if (!chain || !s.readChained) break;
    if (seen.has(chain.value)) {
      notes.push({
        ...note(
          "cmdline/efi-chain-loop",
          `\`chain=${chain.value}\` comes back to a file already read: Xen loops for ever`,
          "xen/common/efi/boot.c:1574",
        ),
        severity: "error",
      });
      break;
    }
    seen.add(chain.value);
    cfg = s.readChained(chain.value);
    notes.push(
      note(
        "cmdline/efi-chain",
        `\`${chain.file}:${chain.line}\` has no \`kernel=\` for the section, so Xen reads \`${chain.value}\` (chain=)`,
        "xen/common/efi/boot.c:1579",
      ),
    );
  }
  if (s.cfg?.uki)
    notes.push(
      note(
        "cmdline/uki-config",
        `the unified image's \`.config\` section is used: "Using builtin config file"${s.cfg.signed ? "" : "; the image is not signed, so it is not trusted"}`,
        XEN_CFG_REF.efiStart,
      ),
    );
  if (section !== undefined)
    notes.push(
      note(
        "cmdline/efi-section",
        `section \`${section}\` was chosen by the load options, which anyone who can edit the boot entry controls`,
        EFI_START_REF,
      ),
    );
  const options = cfg ? cfgValue(cfg, chosenSection, "options") : undefined;
  if (cfg && !options && chosenSection && cfgValue(cfg, "global", "options"))
    notes.push(
      note(
        "cmdline/efi-global-options",
        `\`[global]\` has \`options=\` but Xen reads \`options=\` only from section \`${chosenSection}\``,
        "xen/common/efi/boot.c:1634",
        "only video=, ucode=, chain= and default= are read from [global]",
      ),
    );
  const trustedCfg = Boolean(s.cfg?.uki && s.cfg.signed && cfg === s.cfg.cfg);
  return {
    efi,
    options,
    cfgKind: s.cfg?.uki && cfg === s.cfg.cfg ? "uki-config" : "efi-cfg",
    trustedCfg,
    chosenSection,
  } as const;
}

/**
 * The strings Xen 4.22.0 parses on a boot path: `CONFIG_CMDLINE` first, then the bootloader's
 * string (none with `CONFIG_CMDLINE_OVERRIDE`), each stretch labelled with its source and trust.
 */
export function assembleCommandLine(s: BootSources): AssembledCommandLine {
  const notes: Diagnostic[] = [];
  const passes: Pass[] = [];
  if (s.builtin)
    passes.push({
      kind: "builtin",
      text: s.builtin,
      pieces: [
        { source: "builtin", trusted: true, origin: "CONFIG_CMDLINE", start: 0, end: s.builtin.length },
      ],
    });
  const j = new Joiner();
  let efiInfo: AssembledCommandLine["efi"];
  if (s.boot === "multiboot" || s.boot === "pvh") {
    j.add(s.bootloader ?? "", s.boot, false, s.boot === "pvh" ? "start_info cmdline" : "multiboot cmdline");
    if (s.boot === "multiboot") {
      const cooked = cmdlineCook(j.text, !loaderIsGrub2(s.loaderName ?? "GRUB 2"));
      j.dropPrefix(cooked.at);
      if (cooked.imageName)
        notes.push({
          ...note(
            "cmdline/image-name-stripped",
            `the loader \`${s.loaderName}\` is not GRUB 2, so Xen drops the first word \`${cooked.imageName}\` as the image name`,
            SOURCE_REFS.cmdlineCook,
            "put `placeholder` first (an option Xen ignores) so that no real option is lost",
          ),
          severity: cooked.imageName.includes("=") || !/[/.]/.test(cooked.imageName) ? "warning" : "note",
        });
    }
  } else if (s.boot === "efi") {
    const e = efiStrings(s, notes);
    efiInfo = {
      ...e.efi,
      ...(e.chosenSection !== undefined && { chosenSection: e.chosenSection }),
      ...(e.options && { options: e.options }),
    };
    const cfgOrigin = e.options ? `${e.options.file}:${e.options.line} options=` : "";
    if (s.arch === "x86") {
      // place_string prepends: the cfg options, a space, then the load options (efi-boot.h:317-330)
      j.add(e.options?.value ?? "", e.cfgKind, e.trustedCfg, cfgOrigin, e.options);
      if (e.options?.value && e.efi.xenOptions) j.add(" ", e.cfgKind, e.trustedCfg, cfgOrigin);
      j.add(e.efi.xenOptions ?? "", "efi-load-options", false, "EFI load options after --");
      // cmdline_cook with Xen's own EFI loader: leading spaces only
      j.dropPrefix(cmdlineCook(j.text, false).at);
    } else {
      // Arm: " <cfg options>" or else " <xen,xen-bootargs>", then " <load options>" (efi-boot.h:482-519)
      if (e.options) j.add(` ${e.options.value}`, e.cfgKind, e.trustedCfg, cfgOrigin);
      else if (s.chosen?.xenBootargs !== undefined)
        j.add(` ${s.chosen.xenBootargs}`, "dt-bootargs", false, `${s.chosen.file} /chosen/xen,xen-bootargs`);
      if (e.efi.xenOptions)
        j.add(` ${e.efi.xenOptions}`, "efi-load-options", false, "EFI load options after --");
      if (j.text.length >= 4096)
        notes.push(
          error(
            "cmdline/fdt-string-overflow",
            `the Arm EFI command line is ${j.text.length} bytes: Xen stops with "FDT string overflow" (at most 4095)`,
            undefined,
          ),
        );
    }
  } else {
    const c = s.chosen;
    // boot_fdt_cmdline: bootargs only when dom0 has its own arguments elsewhere
    if (c?.xenBootargs !== undefined)
      j.add(c.xenBootargs, "dt-bootargs", false, `${c.file} /chosen/xen,xen-bootargs`);
    else if (c?.bootargs !== undefined && (c.dom0Bootargs || c.dom0ModuleHasCmdline))
      j.add(c.bootargs, "dt-bootargs", false, `${c.file} /chosen/bootargs`);
    else if (c?.bootargs !== undefined)
      notes.push(
        note(
          "cmdline/dt-bootargs-unused",
          "`/chosen/bootargs` is not Xen's: without `xen,xen-bootargs`, Xen reads it only when `xen,dom0-bootargs` exists or the dom0 module has its own command line",
          SOURCE_REFS.bootFdtCmdline,
        ),
      );
  }
  let dom0: string | undefined;
  if (s.arch === "x86") {
    const at = j.text.indexOf(" -- ");
    if (at >= 0) {
      let k = at + 3;
      while (j.text[k + 1] === " ") k++;
      dom0 = j.text.slice(k);
      j.cut(at);
    } else if (/^--( |$)/.test(j.text))
      notes.push({
        ...note(
          "cmdline/dom0-separator-first",
          "`--` at the very start has no space before it, so it does not split off dom0's options: they are parsed as Xen's",
          SOURCE_REFS.dom0Split,
        ),
        severity: "warning",
      });
  }
  if (s.override) {
    if (j.text)
      notes.push({
        ...note(
          "cmdline/override",
          "CONFIG_CMDLINE_OVERRIDE: the bootloader's string is not parsed, and `xl info` shows no command line",
          SOURCE_REFS.cmdlineParse,
        ),
        severity: "warning",
      });
  } else if (j.text) passes.push({ kind: "bootloader", text: j.text, pieces: j.pieces });
  return {
    passes,
    ...(dom0 !== undefined && { dom0 }),
    saved: s.override ? "" : j.text.slice(0, 1023),
    ...(efiInfo && { efi: efiInfo }),
    notes,
  };
}
