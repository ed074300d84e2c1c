import { type Command, Option } from "commander";
import type { PrivcmdCheckOptions } from "../../privcmd/privcmd-check.js";
import type { ClassifyOptions } from "../../privcmd/privcmd-classify.js";
import type { EmuOptions } from "../../privcmd/privcmd-emu.js";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { EXPORT_FORMATS, TEXT_FORMATS } from "../formats.js";
import { collect, flaskBooleans, KCONFIG } from "../options.js";
import type { ExportOptions } from "../outputs/privcmd.js";

/** `xenpriv privcmd classify|emu|check|export`: its arguments and options; its action returns what it found to `emit`. */
export function registerPrivcmd(p: Command, emit: Emit): void {
  const privcmd = p
    .command("privcmd")
    .description(
      "dom0 userspace hypercalls through Linux privcmd: their classification, and filter profiles emulated",
    );
  const privcmdFormat = () =>
    new Option("-f, --format <format>", "output format").choices(TEXT_FORMATS).default("table");
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
    .action(async (o: ClassifyOptions & { format: CommonOptions["format"] }) => {
      const [{ privcmdClassifyOutput }, { privcmdClassify }] = await Promise.all([
        import("../outputs/privcmd.js"),
        import("../../privcmd/privcmd-classify.js"),
      ]);
      emit(privcmdClassifyOutput(o.xen, privcmdClassify(o)), o.format);
    });
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
    .action(async (call: string[], o: EmuOptions & { format: CommonOptions["format"] }) => {
      const [{ privcmdEmuOutput }, { privcmdEmu }] = await Promise.all([
        import("../outputs/privcmd.js"),
        import("../../privcmd/privcmd-emu.js"),
      ]);
      emit(privcmdEmuOutput(privcmdEmu(call, o)), o.format);
    });
  const check = privcmd
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
    .option("-p, --policy <name>", "XSM policy module (see `xenpriv policies`); default: the system's `xsm`");
  flaskBooleans(check)
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
    .action(async (o: PrivcmdCheckOptions & { format: CommonOptions["format"] }) => {
      const [{ privcmdCheckOutput }, { privcmdCheck }] = await Promise.all([
        import("../outputs/privcmd-check.js"),
        import("../../privcmd/privcmd-check.js"),
      ]);
      emit(privcmdCheckOutput(privcmdCheck(o)), o.format);
    });
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
      emit((await import("../outputs/privcmd.js")).privcmdExportCommand(o), "table"),
    );
}
