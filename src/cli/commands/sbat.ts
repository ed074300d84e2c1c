import { type Command, Option } from "commander";
import type { SbatCheckOptions } from "../../sbat/sbat-image-check.js";
import type { Emit } from "../command.js";
import type { CommonOptions } from "../context.js";
import { TEXT_FORMATS } from "../formats.js";
import { collect } from "../options.js";
import type { SbatGenerateOptions } from "../outputs/sbat.js";

/** `xenpriv sbat show|check|generate|levels`: its arguments and options; its action returns what it found to `emit`. */
export function registerSbat(p: Command, emit: Emit): void {
  const sbatExits = `
Exit codes: 0 the image passes; 1 shim would not load it: revoked by the level, or refused (several
.sbat sections, relocations in .sbat, no .sbat when shim loads it, or .sbat text shim cannot parse,
named by its first bad record and the rule it breaks); 2 only for a file that is not a readable PE
image, a level that cannot be read, or bad usage. \`sbat show\` exits 0 for every readable image.`;
  const sbatFormat = () =>
    new Option("-f, --format <format>", "output format").choices(TEXT_FORMATS).default("table");
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
      emit((await import("../outputs/sbat.js")).sbatShowCommand(efi), o.format),
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
    .action(async (efi: string, o: SbatCheckOptions & { format: CommonOptions["format"] }) => {
      const [{ sbatCheckOutput }, { sbatImageCheck }] = await Promise.all([
        import("../outputs/sbat.js"),
        import("../../sbat/sbat-image-check.js"),
      ]);
      emit(sbatCheckOutput(sbatImageCheck(efi, o), o), o.format);
    });
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
      emit((await import("../outputs/sbat.js")).sbatGenerateCommand(o), o.format),
    );
  sbat
    .command("levels")
    .description("the published SbatLevel history bundled with xenpriv (rhboot/shim SbatLevel_Variable.txt)")
    .addOption(sbatFormat())
    .action(async (o: { format: CommonOptions["format"] }) =>
      emit((await import("../outputs/sbat.js")).sbatLevelsCommand(), o.format),
    );
}
