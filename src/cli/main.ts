import { writeSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { LOCKDOWN_MODEL_IDS } from "../cmdline/lockdown-models.js";
import { SAFE_LIST_IDS } from "../cmdline/safe-lists.js";
import { shippedOptionVersions } from "../cmdline/shipped-option-versions.js";
import { error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import type { Model } from "../query/model.js";
import type { VersionDiff } from "../query/version-diff.js";
import { renderDiagnostics } from "../report/render-diagnostics.js";
import type { CmdlineOptions } from "./commands/cmdline.js";
import type { LintOptions } from "./commands/lint.js";
import type { OptionsListOptions } from "./commands/options.js";
import type { EmuOptions, ExportOptions, PrivcmdOptions } from "./commands/privcmd.js";
import type { PrivcmdCheckOptions } from "./commands/privcmd-check.js";
import type { ReportOptions } from "./commands/report.js";
import type { SbatCheckOptions, SbatGenerateOptions } from "./commands/sbat.js";
import type { CommonOptions } from "./context.js";
import { EXPORT_FORMATS, FAIL_ON, FORMATS, LINT_FORMATS } from "./formats.js";
import { type Output, render } from "./output.js";

type PrivcmdClassifyOptions = PrivcmdOptions & { class?: string; hypercall: string[]; disputed?: boolean };

// Command modules are imported when their command runs: a cold `sbat check` then loads the PE
// reader and shim's rules, not the catalogue, the models and the schemas of every other command.
const context = () => import("./context.js");

/** Exit codes: documented in the README. */
export const EXIT = { ok: 0, denied: 1, input: 2, internal: 3 } as const;

const KCONFIG = [
  "--kconfig <file>",
  "the Xen build's .config: the boot rules read its options, and the operations of options it turns off vanish",
] as const;

const collect = (v: string, prev: string[]) => [...prev, ...v.split(",").filter(Boolean)];

function common(cmd: Command, withPolicy = true): Command {
  cmd.option(
    "-s, --system <file>",
    "system description: YAML or JSON, or an Arm device tree (.dts, .dtb); default: the built-in seed scenario",
  );
  cmd.option(
    "--hyperlaunch",
    "build a device tree's domains from the hyperlaunch design's /chosen/hypervisor (Xen 4.22.0 does not implement it)",
  );
  cmd.option(KCONFIG[0], KCONFIG[1]);
  if (withPolicy)
    cmd.option(
      "-p, --policy <name>",
      "XSM policy module (see `xenpriv policies`); default: the system's `xsm`",
    );
  return cmd
    .option(
      "--xen <version>",
      "catalogue: a shipped Xen version or a catalogue path; default: the system's `xen`",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("table"));
}

function emit(out: Output, format: CommonOptions["format"]): void {
  const text = render(out, format);
  writeSync(1, text.endsWith("\n") ? text : `${text}\n`);
  process.exitCode = out.exitCode ?? EXIT.ok;
}

/** Builds the command tree; exported for tests. */
export function program(): Command {
  const p = new Command("xenpriv")
    .description(
      "Who may do what on a Xen system, and why: the XSM default policy and its variants, from files",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  common(
    p
      .command("check")
      .argument("<src>", "calling domain (name or domid)")
      .argument("<op>", "operation, e.g. domctl/pausedomain")
      .argument("[target]", "target domain"),
  )
    .description(
      "may <src> perform <op> on [target]? prints the decision and every check behind it; exit 0 allowed, 1 denied",
    )
    .option("--with <name=domain>", "bind an extra operand of the operation (repeatable)", collect, [])
    .action(
      async (src: string, op: string, target: string | undefined, o: CommonOptions & { with: string[] }) => {
        const [{ checkCommand }, { loadModel }] = await Promise.all([
          import("./commands/check.js"),
          context(),
        ]);
        emit(checkCommand(loadModel(o), src, op, target, o.with), o.format);
      },
    );

  common(p.command("who-can").argument("<op>", "operation"))
    .description("which domains may perform <op>, and on which targets")
    .option("--on <target>", "only this target domain")
    .action(async (op: string, o: CommonOptions & { on?: string }) => {
      const [{ whoCanCommand }, { loadModel }] = await Promise.all([
        import("./commands/who-can.js"),
        context(),
      ]);
      emit(whoCanCommand(loadModel(o), op, o.on), o.format);
    });

  common(p.command("what-can").argument("<domain>", "domain (name or domid)"))
    .description("every operation <domain> may perform, and on whom")
    .option("--all", "also list the operations it may not perform")
    .action(async (d: string, o: CommonOptions & { all?: boolean }) => {
      const [{ whatCanCommand }, { loadModel }] = await Promise.all([
        import("./commands/what-can.js"),
        context(),
      ]);
      emit(whatCanCommand(loadModel(o), d, o.all), o.format);
    });

  common(p.command("matrix"))
    .description("domains x operations, targets summarised by relation")
    .option("--hypercall <names>", "only these hypercalls (comma-separated, repeatable)", collect, [])
    .action(async (o: CommonOptions & { hypercall: string[] }) => {
      const [{ matrixCommand }, { loadModel }] = await Promise.all([
        import("./commands/matrix.js"),
        context(),
      ]);
      emit(matrixCommand(loadModel(o), o.hypercall), o.format);
    });

  common(p.command("diff"), false)
    .description(
      "what changes between two policies (--policy A --vs B), or two Xen versions, catalogues or source trees (--xen A --vs B)",
    )
    .option("-p, --policy <name>", "the policy to compare from")
    .requiredOption("--vs <name>", "the policy, or with --xen the version / catalogue / tree, to compare to")
    .option("--hypercall <names>", "only these hypercalls", collect, [])
    .option("--exit-code", "exit 1 when anything changes")
    .action(
      async (o: CommonOptions & { policy?: string; vs: string; hypercall: string[]; exitCode?: boolean }) => {
        if (!o.policy && o.xen) {
          const [{ diffXenCommand }, { systemOptions }, { hasChanges }] = await Promise.all([
            import("./commands/diff-xen.js"),
            context(),
            import("../query/version-diff.js"),
          ]);
          const out = await diffXenCommand(o.xen, o.vs, o.system, o.hypercall, systemOptions(o));
          const changed = hasChanges(out.json as VersionDiff);
          emit({ ...out, exitCode: o.exitCode && changed ? EXIT.denied : EXIT.ok }, o.format);
          return;
        }
        if (!o.policy)
          throw new InputError([
            error("cli/diff-needs-side", "diff needs `--policy A --vs B` or `--xen A --vs B`"),
          ]);
        const [{ diffCommand }, { loadModels }] = await Promise.all([
          import("./commands/diff.js"),
          context(),
        ]);
        const [from, to] = loadModels(o, [o.policy, o.vs]) as [Model, Model];
        const out = diffCommand(from, to, o.hypercall);
        const changed = (out.json as { changes: unknown[] }).changes.length > 0;
        emit({ ...out, exitCode: o.exitCode && changed ? EXIT.denied : EXIT.ok }, o.format);
      },
    );

  common(p.command("ops"), false)
    .description("the operation catalogue")
    .option("--hypercall <names>", "only these hypercalls", collect, [])
    .option("--hook <name>", "only operations that pass this hook (without xsm_)")
    .option("--action <action>", "only operations checked with this action (PRIV, DM_PRIV, ...)")
    .option(
      "--flask",
      "what Flask checks for each operation: class, permissions, subject and object, with lines",
    )
    .action(
      async (o: CommonOptions & { hypercall: string[]; hook?: string; action?: string; flask?: boolean }) => {
        const [{ opsCommand }, { loadModel }] = await Promise.all([import("./commands/ops.js"), context()]);
        emit(opsCommand(loadModel(o), o), o.format);
      },
    );

  p.command("extract")
    .argument("<xen-tree>", "root of a Xen source tree (4.17.0 or later)")
    .description("read the operation catalogue and the default policy out of a Xen source tree")
    .option("-o, --output <file>", "write the catalogue here (whole or not at all) instead of stdout")
    .option("--xen-version <version>", "the version to record; default: from xen/Makefile")
    .option(
      "--commit <sha>",
      "the commit a tree without git was made from (git archive, a tarball); default: the checkout's, else unknown",
    )
    .option(
      "--cache-dir <dir>",
      "keep parsed files here for the next extraction; default: $XDG_CACHE_HOME/xenpriv or ~/.cache/xenpriv",
    )
    .addOption(new Option("--no-cache", "parse every file, keep nothing").conflicts("cacheDir"))
    .action(
      async (
        tree: string,
        o: { output?: string; xenVersion?: string; commit?: string; cacheDir?: string; cache: boolean },
      ) => (await import("./commands/extract.js")).extractCommand(tree, o),
    );

  const options = p
    .command("options")
    .description("Xen's command-line options: registrations joined with docs/misc/xen-command-line.pandoc");
  options
    .command("list", { isDefault: true })
    .description(
      "the options of a Xen version, each with its guards, where it builds and its documented syntax",
    )
    .option(
      "--xen <version>",
      `an option catalogue: ${shippedOptionVersions().join(", ")} or a path`,
      "4.22.0",
    )
    .addOption(
      new Option("--arch <arch>", "only what a build of this arch can have (arm: arm64)").choices([
        "x86",
        "arm",
        "arm32",
      ]),
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("table"))
    .action(async (o: OptionsListOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/options.js")).optionsCommand(o), o.format),
    );
  options
    .command("extract")
    .argument("<xen-tree>", "root of a Xen source tree")
    .description("read every *_param registration and the command-line document out of a Xen tree")
    .option("-o, --output <file>", "write the catalogue here (whole or not at all) instead of stdout")
    .option("--xen-version <version>", "the version to record; default: from xen/Makefile")
    .action(async (tree: string, o: { output?: string; xenVersion?: string }) =>
      (await import("./commands/options.js")).optionsExtractCommand(tree, o),
    );

  p.command("cmdline")
    .argument(
      "[line...]",
      "the bootloader's command line; with --boot efi, the EFI load options (image name first, Xen options after a quoted `--`)",
    )
    .description(
      "what a Xen command line does: where each option comes from, whether it is trusted, what is applied, and what lockdown drops",
    )
    .addOption(
      new Option(
        "--boot <path>",
        "boot path; default: efi with --efi-cfg/--uki, dt with --dt, else multiboot",
      ).choices(["multiboot", "efi", "dt", "pvh"]),
    )
    .addOption(
      new Option(
        "--arch <arch>",
        "default: arm for --boot dt, else x86; arm is arm64, arm32 has its own options and integer widths",
      ).choices(["x86", "arm", "arm32"]),
    )
    .option(
      "--loader <name>",
      "multiboot boot_loader_name: not GRUB 2 means the first word is dropped",
      "GRUB 2.12",
    )
    .option("--builtin <line>", "CONFIG_CMDLINE, parsed before the bootloader's line")
    .option("--override", "CONFIG_CMDLINE_OVERRIDE: the bootloader's line is not parsed")
    .option(
      KCONFIG[0],
      "the Xen build's .config: CONFIG_CMDLINE, CONFIG_CMDLINE_OVERRIDE, CONFIG_LOCKDOWN_DEFAULT, CONFIG_PV_SHIM",
    )
    .option("--efi-cfg <file>", "the EFI configuration file (xen.cfg)")
    .option("--section <name>", "the xen.cfg section to use (as a bare word in the load options would)")
    .option(
      "--uki <file>",
      "a unified Xen image: its .config section is the configuration, trusted when the image is signed",
    )
    .option("--dt <file>", "an Arm device tree: /chosen xen,xen-bootargs (or bootargs)")
    .option("--secure-boot", "efi_secure_boot is set")
    .option(
      "--secure-boot-variable <var>",
      "decide efi_secure_boot as Xen does from the SecureBoot variable: `absent`, or ATTRIBUTES:BYTES in hex (`6:01`)",
    )
    .addOption(
      new Option("--lockdown-model <model>", "how lockdown is decided (no released Xen has one)")
        .choices([...LOCKDOWN_MODEL_IDS])
        .default("summit"),
    )
    .addOption(
      new Option("--safe-list <list>", "the options lockdown lets through")
        .choices([...SAFE_LIST_IDS])
        .default("v2"),
    )
    .option("--lockdown-default", "CONFIG_LOCKDOWN_DEFAULT=y")
    .option("--pv-shim", "CONFIG_PV_SHIM=y (variant A's 2026 posting forces lockdown off)")
    .option(
      "--runtime",
      "the words are what `xl set-parameters` gets: what libxl writes to hypfs /params, and where it fails (exit 1)",
    )
    .option("--no-hypfs", "with --runtime: CONFIG_HYPFS=n, so there is no /params")
    .option(
      "--xen <version>",
      `an option catalogue: ${shippedOptionVersions().join(", ")} or a path`,
      "4.22.0",
    )
    .addOption(
      new Option("-f, --format <format>", "output format").choices(["table", "json", "md"]).default("table"),
    )
    .action(async (line: string[], o: CmdlineOptions & { format: CommonOptions["format"] }) =>
      emit(
        o.runtime
          ? (await import("./commands/cmdline-runtime.js")).cmdlineRuntimeCommand(line, o)
          : (await import("./commands/cmdline.js")).cmdlineCommand(line, o),
        o.format,
      ),
    );

  // README states the same rule, word for word (test/cli-sbat.test.ts)
  const sbatExits = `
Exit codes: 0 the image passes; 1 shim would not load it: revoked by the level, or refused (several
.sbat sections, relocations in .sbat, no .sbat when shim loads it, or .sbat text shim cannot parse,
named by its first bad record and the rule it breaks); 2 only for a file that is not a readable PE
image, a level that cannot be read, or bad usage. \`sbat show\` exits 0 for every readable image.`;
  const sbatFormat = () =>
    new Option("-f, --format <format>", "output format").choices(["table", "json", "md"]).default("table");
  const sbat = p
    .command("sbat")
    .description(
      "shim's SBAT: an EFI image's sections and .sbat records, revocation checks, downstream lines",
    )
    .addHelpText("after", sbatExits);
  sbat
    .command("show")
    .argument("<efi>", "a PE/COFF EFI image (shimx64.efi, xen.efi, grubx64.efi, a unified kernel image)")
    .description(
      "the image's headers and sections, its .sbat records as shim reads them, and a shim's .sbatlevel",
    )
    .addOption(sbatFormat())
    .action(async (efi: string, o: { format: CommonOptions["format"] }) =>
      emit((await import("./commands/sbat.js")).sbatShowCommand(efi), o.format),
    );
  sbat
    .command("check")
    .argument("<efi>", "the PE/COFF EFI image to check")
    .description(
      "does shim (Secure Boot on) let the image through under an SbatLevel? exit 0 it passes, 1 revoked or refused; names the revoking entry and the lines to bump",
    )
    .addHelpText("after", sbatExits)
    .option(
      "--level <level>",
      "latest, automatic (previous), original, a datestamp YYYYMMDDCC of SbatLevel_Variable.txt, or a file holding a payload",
      "automatic",
    )
    .option(
      "--shim <efi>",
      "take latest and automatic from this shim's .sbatlevel (default: the image's own, else upstream's)",
    )
    .option(
      "--via-protocol",
      "the image is verified through the shim protocol (as Xen verifies dom0), not loaded by shim",
    )
    .option(
      "--require <component=N>",
      "an advisory: images need generation N of the component (repeatable)",
      collect,
      [],
    )
    .addOption(sbatFormat())
    .action(async (efi: string, o: SbatCheckOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/sbat.js")).sbatCheckCommand(efi, o), o.format),
    );
  sbat
    .command("generate")
    .description("the .sbat section of a downstream Xen: the sbat header and a xen.<vendor> line")
    .requiredOption("--vendor <name>", "the vendor suffix: the component is xen.<name> (e.g. xs)")
    .requiredOption("--generation <n>", "the vendor's generation, 1 to 65535")
    .option(
      "--xen-version <version>",
      "the vendor_version field (default @@VERSION@@, for the build to fill in)",
    )
    .option("--vendor-name <text>", "the vendor_name field (default: the vendor suffix)")
    .option("--url <url>", "the vendor_url field, a URL or mailto: (default https://xenproject.org/)")
    .option("-o, --output <file>", "write the section text here (whole or not at all)")
    .addOption(sbatFormat())
    .action(async (o: SbatGenerateOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/sbat.js")).sbatGenerateCommand(o), o.format),
    );
  sbat
    .command("levels")
    .description("the published SbatLevel history bundled with xenpriv (rhboot/shim SbatLevel_Variable.txt)")
    .addOption(sbatFormat())
    .action(async (o: { format: CommonOptions["format"] }) =>
      emit((await import("./commands/sbat.js")).sbatLevelsCommand(), o.format),
    );

  const privcmd = p
    .command("privcmd")
    .description(
      "dom0 userspace hypercalls through Linux privcmd: their classification, and filter profiles emulated",
    );
  const privcmdFormat = () =>
    new Option("-f, --format <format>", "output format").choices(["table", "json", "md"]).default("table");
  privcmd
    .command("classify")
    .description(
      "every hypercall and sub-op dom0 userspace can reach: privileged, control-plane or informational, with the evidence and disagreements",
    )
    .option("--xen <version>", "hypercall catalogue: a shipped version or a path", "4.22.0")
    .addOption(
      new Option("--class <class>", "only this class").choices([
        "privileged",
        "control-plane",
        "informational",
      ]),
    )
    .option("--hypercall <names>", "only these hypercalls", collect, [])
    .option("--disputed", "only operations whose sources disagree")
    .addOption(privcmdFormat())
    .action(async (o: PrivcmdClassifyOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/privcmd.js")).privcmdClassifyCommand(o), o.format),
    );
  privcmd
    .command("emu")
    .argument(
      "[call...]",
      "<ioctl> [<hypercall> [<subop>]]: names or numbers, e.g. `HYPERCALL domctl createdomain`",
    )
    .description(
      "what a privcmd call gets under a profile: allowed or the errno, and every check on the way; exit 0 allowed, 1 denied",
    )
    .option(
      "--profile <profile>",
      "none, restrict, xenserver, pointer-free, or a YAML profile file",
      "xenserver",
    )
    .option("--xen <version>", "hypercall catalogue: a shipped version or a path", "4.22.0")
    .option("--dom <domid>", "the domain the call acts on (the ioctl's dom, or the one the structure names)")
    .option(
      "--field <name=value>",
      "a numeric field of the argument, e.g. altp2m_opts=1 (repeatable)",
      collect,
      [],
    )
    .option("--inner <subop>", "an inner sub-op (numa_op, livepatch_op, mmuext_op)")
    .option("--signed", "kexec_load: segment 0 carries a valid signature")
    .option(
      "--no-kexec-signature-check",
      "the kernel lacks CONFIG_SIGNED_PE_FILE_VERIFICATION: XenServer's filter then refuses every kexec_load (EPERM); with it, an unsigned image gets the verifier's ENODATA",
    )
    .option("--pci", "assign_device: the device is a PCI device")
    .option("--restrict-to <domid>", "the fd was restricted with IOCTL_PRIVCMD_RESTRICT")
    .option("--domu", "the process runs in a domU: XSA-482 restricts its fds")
    .option("--xs-target <domid>", "with --domu: Xenstore's target for this domain")
    .option("--unrestricted", "with --domu: the unrestricted module parameter")
    .option("--no-lockdown", "the kernel is not locked down (XenServer's filter is then off)")
    .option("--trace <file>", "a JSON Lines trace of calls, one object per line; prints a summary")
    .addOption(privcmdFormat())
    .action(async (call: string[], o: EmuOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/privcmd.js")).privcmdEmuCommand(call, o), o.format),
    );
  privcmd
    .command("check")
    .description(
      "per domain of a system: the privcmd operations its toolstack needs that a profile blocks, and those it allows that Xen never lets the domain use; exit 0 nothing needed is blocked, 1 otherwise",
    )
    .option(
      "--profile <profile>",
      "none, restrict, xenserver, pointer-free, or a YAML profile file",
      "xenserver",
    )
    .option(
      "-s, --system <file>",
      "system description: YAML or JSON, or an Arm device tree (.dts, .dtb); default: the built-in seed scenario",
    )
    .option("--hyperlaunch", "build a device tree's domains from the hyperlaunch design")
    .option(KCONFIG[0], KCONFIG[1])
    .option("-p, --policy <name>", "XSM policy module (see `xenpriv policies`); default: the system's `xsm`")
    .option("--xen <version>", "hypercall and XSM catalogues: a shipped version; default: the system's `xen`")
    .option(
      "--domain <name>",
      "only this domain, name or domid (repeatable); default: the domains with a role and the initial domain",
      collect,
      [],
    )
    .option(
      "--initial-domain <name>",
      "the domain whose Linux is the initial domain (its fds start unrestricted); default: domain 0",
    )
    .option("--unrestricted", "the other domains' Linux has xen_privcmd.unrestricted (void when locked down)")
    .option("--no-lockdown", "the kernels are not locked down (default: locked down, as under Secure Boot)")
    .option(
      "--no-kexec-signature-check",
      "the kernels lack CONFIG_SIGNED_PE_FILE_VERIFICATION (XenServer's filter then refuses every kexec_load)",
    )
    .option(
      "--trace <domain=file>",
      "a JSON Lines trace of the calls the domain's toolstack made (as for `privcmd emu --trace`); it replaces the domain's roles' known calls (repeatable)",
      collect,
      [],
    )
    .addOption(privcmdFormat())
    .addHelpText(
      "after",
      `
A call is needed when the domain's toolstack issues it through /dev/xen/privcmd: the calls
its roles' toolstack is known to make (catalogues/privcmd/toolstack-calls.json: control,
hardware, xenstore, device model; each with the library function and the Xen tools line that
makes it), or the calls of its --trace. What Xen would allow the domain is not a need. Calls
the kernel makes for the process (grant maps through gntdev, event channels through evtchn,
the mmu_update behind a foreign mapping) are listed as kernel-mediated, not as privcmd needs.
Each needed call goes through \`privcmd emu\`: the initial domain's fds start unrestricted; any
other domain's are restricted by XSA-482 to its device-model target (DOMID_IDLE without one)
unless --unrestricted and --no-lockdown, and a restricted fd gets EPERM for every HYPERCALL.
Under --profile restrict, each fd is restricted to the domain the call acts on. A verdict that
reads the call's arguments is "allowed only if" the conditions printed, not blocked.
Exit codes: 0 no needed call is blocked; 1 at least one is; 2 bad input.
`,
    )
    .action(async (o: PrivcmdCheckOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/privcmd-check.js")).privcmdCheckCommand(o), o.format),
    );
  privcmd
    .command("export")
    .description(
      "a profile as a kernel filter holds it: a PFC-like listing, a C header (allow-table and argument checks) or JSON",
    )
    .option(
      "--profile <profile>",
      "none, restrict, xenserver, pointer-free, or a YAML profile file",
      "xenserver",
    )
    .option("--xen <version>", "hypercall catalogue: a shipped version or a path", "4.22.0")
    .addOption(new Option("--as <format>", "what to write").choices([...EXPORT_FORMATS]).default("pfc"))
    .option("-o, --output <file>", "write it here (whole or not at all) instead of stdout")
    .addHelpText(
      "after",
      `
The decisions are those for IOCTL_PRIVCMD_HYPERCALL on an fd no RESTRICT narrowed, in a
locked-down dom0, per hypercall and sub-op of the catalogue, with the other ioctls' verdicts.
The C header defines <prefix>_decide(const struct xenpriv_call *), which returns 0 or -errno:
a table lookup, and the profile's checks on the arguments where an entry needs them.
`,
    )
    .action(async (o: ExportOptions) =>
      emit((await import("./commands/privcmd.js")).privcmdExportCommand(o), "table"),
    );

  common(p.command("report"))
    .description(
      "one self-contained HTML file: the system's domains and who acts on whom, the decision matrix as a heatmap with filters, explanations on click, a diff with --vs, lint findings, and lockdown's effect on a --cmdline",
    )
    .option("--vs <policy>", "a second policy: the report's diff view compares with it")
    .option("--secure-boot", "lint as for a Secure Boot system; with --cmdline, efi_secure_boot is set")
    .option(
      "--cmdline <line>",
      "a Xen command line (x86: multiboot from GRUB 2; Arm: /chosen xen,xen-bootargs): the report adds what lockdown keeps and drops of it",
    )
    .addOption(
      new Option("--lockdown-model <model>", "with --cmdline: how lockdown is decided")
        .choices([...LOCKDOWN_MODEL_IDS])
        .default("summit"),
    )
    .addOption(
      new Option("--safe-list <list>", "with --cmdline: the options lockdown lets through")
        .choices([...SAFE_LIST_IDS])
        .default("v2"),
    )
    .requiredOption("-o, --output <file>", "the HTML file to write (whole or not at all)")
    .action(async (o: ReportOptions & { format: CommonOptions["format"] }) =>
      emit((await import("./commands/report.js")).reportCommand(o), o.format),
    );

  p.command("lint")
    .argument(
      "[system]",
      "system description: YAML, JSON or an Arm device tree; default: the built-in seed scenario",
    )
    .description("check a system against Xen's boot rules and the rules of disaggregation (docs/rules/)")
    .option("-p, --policy <name>", "XSM policy module; default: the system's `xsm`")
    .option(
      "--xen <version>",
      "catalogue: a shipped Xen version or a catalogue path; default: the system's `xen`",
    )
    .option("--secure-boot", "the system boots with UEFI Secure Boot")
    .option(
      "--hyperlaunch",
      "build a device tree's domains from the hyperlaunch design (Xen 4.22.0 does not implement it)",
    )
    .option(KCONFIG[0], KCONFIG[1])
    .option("--rule <ids>", "only these rules", collect, [])
    .addOption(
      new Option("--fail-on <level>", "exit 1 when a finding is at least this severe")
        .choices(FAIL_ON)
        .default("error"),
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(LINT_FORMATS).default("text"))
    .option(
      "--source-root <dir>",
      "SARIF: paths are relative to this directory (%SRCROOT%); default: the git work tree of the system file, else the current directory",
    )
    .option(
      "--docs-uri <uri>",
      "SARIF: where xenpriv's docs/ folder is published, for each rule's helpUri; default: the installed package's docs",
    )
    .action(async (system: string | undefined, o: LintOptions & { rule: string[] }) => {
      const [{ lintCommand }, { builtinSystemPath }] = await Promise.all([
        import("./commands/lint.js"),
        context(),
      ]);
      const { text, exitCode } = lintCommand(system ?? builtinSystemPath(), {
        ...o,
        ...(o.rule.length === 0 && { rule: undefined }),
      } as LintOptions);
      writeSync(1, `${text}\n`);
      process.exitCode = exitCode;
    });

  p.command("policies")
    .description("the registered policy modules and their origin")
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("table"))
    .action(async (o: { format: CommonOptions["format"] }) =>
      emit((await import("./commands/policies.js")).policiesCommand(), o.format),
    );

  common(p.command("demo"), false)
    .description(
      "the main job on the built-in example: the matrix under dummy, then the diff dummy -> hw-priv-v1",
    )
    .action(async (o: CommonOptions) => {
      const [{ matrixCommand }, { diffCommand }, { loadModels }] = await Promise.all([
        import("./commands/matrix.js"),
        import("./commands/diff.js"),
        context(),
      ]);
      const [dummy, hwPrivV1] = loadModels(o, ["dummy", "hw-priv-v1"]) as [Model, Model];
      const text = [
        render(matrixCommand(dummy), o.format),
        render(diffCommand(dummy, hwPrivV1), o.format),
      ].join("\n\n");
      writeSync(1, `${text}\n`);
    });
  const flask = p
    .command("flask")
    .description("Xen's Flask (XSM/SELinux-style) policies: compile a tree's policy, read a compiled one");
  const flaskFormat = () =>
    new Option("-f, --format <format>", "output format").choices(["table", "json"]).default("table");
  flask
    .command("build")
    .argument("<xen-tree>", "root of a Xen source tree (read only: the policy is built in a temporary copy)")
    .description("compile the tree's Flask policy with checkpolicy and m4, as tools/flask/policy does")
    .option("-o, --output <file>", "where to write the policy (default: xenpolicy-<version> here)")
    .addOption(flaskFormat())
    .action(async (tree: string, o: { output?: string; format: CommonOptions["format"] }) =>
      emit((await import("./commands/flask.js")).flaskBuildCommand(tree, o), o.format),
    );
  flask
    .command("show")
    .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
    .description("what a compiled policy holds: version, target, counts as seinfo gives them, initial SIDs")
    .option("--rules", "also print every allow rule, as sesearch -A prints them")
    .addOption(flaskFormat())
    .action(async (policy: string, o: { rules?: boolean; format: CommonOptions["format"] }) =>
      emit((await import("./commands/flask.js")).flaskShowCommand(policy, o), o.format),
    );
  flask
    .command("lint")
    .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
    .description(
      "rules over a policy's types: a guest type that may act on dom0_t, a device-model type not bound to its target",
    )
    .addOption(flaskFormat())
    .action(async (policy: string, o: { format: CommonOptions["format"] }) =>
      emit((await import("./commands/flask.js")).flaskLintCommand(policy), o.format),
    );
  flask
    .command("reach")
    .argument("<policy>", "a compiled Flask policy (xenpolicy-*)")
    .description("which domain types may reach which: the permissions of each class, by type enforcement")
    .option("--source <type>", "only this source type")
    .option("--target <type>", "only this target type")
    .addOption(flaskFormat())
    .action(
      async (policy: string, o: { source?: string; target?: string; format: CommonOptions["format"] }) =>
        emit((await import("./commands/flask.js")).flaskReachCommand(policy, o), o.format),
    );

  return p;
}

/** Runs the CLI; returns the exit code. Only this function decides exit codes. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    // commander spreads the words after `--` into an array: 150,000 of them overflow the stack
    if (argv.length > LIMITS.arguments)
      throw new InputError([
        error(
          "cli/too-many-arguments",
          `${argv.length} arguments: xenpriv takes at most ${LIMITS.arguments}`,
          undefined,
          "put a long command line in a file (`--efi-cfg`, `--builtin`)",
        ),
      ]);
    await program().parseAsync(argv as string[], { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${renderDiagnostics(e.diagnostics)}\n`);
      return EXIT.input;
    }
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0)
        return EXIT.ok;
      return EXIT.input;
    }
    process.stderr.write(`internal error (this is a bug in xenpriv):\n${(e as Error).stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}

const invoked = process.argv[1] ?? "";
if (/xenpriv(\.js)?$|cli[/\\]main\.ts$/.test(invoked)) {
  process.exitCode = await main(process.argv.slice(2));
}
