/** `get_argv` and the loader-option loop of `efi_start` (xen/common/efi/boot.c at RELEASE-4.22.0). */
export const EFI_ARGV_REF = "xen/common/efi/boot.c:353";
export const EFI_START_REF = "xen/common/efi/boot.c:1488";

/** What Xen's EFI loader took from its load options. */
export interface EfiLoadOptions {
  /** the words before `--` (after the image name), as get_argv split them */
  readonly words: readonly string[];
  /** the last bare word: the configuration section to use */
  readonly section?: string;
  /** `-cfg=<file>` or `-cfg <file>` */
  readonly cfgFile?: string;
  readonly baseVideo: boolean;
  readonly mapBs: boolean;
  /** `-x` words Xen warns about and ignores */
  readonly unknown: readonly string[];
  /** everything after the first bare `--` and its separators, verbatim: Xen options */
  readonly xenOptions?: string;
  /** offset of `xenOptions` in the load options */
  readonly xenOptionsAt?: number;
}

/**
 * Splits EFI load options as the EFI shell passes them (the image name first), the way `get_argv`
 * does: space and TAB separate words, and the text after a bare `--` word is kept whole.
 */
export function parseEfiLoadOptions(s: string): EfiLoadOptions {
  const argv: string[] = [];
  let xenOptionsAt: number | undefined;
  for (const m of s.matchAll(/[^ \t\0]+/g)) {
    if (argv.at(-1) === "--") {
      argv.pop();
      xenOptionsAt = m.index;
      break;
    }
    argv.push(m[0]);
  }
  const words = argv.slice(1);
  let section: string | undefined;
  let cfgFile: string | undefined;
  let baseVideo = false;
  let mapBs = false;
  const unknown: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w[0] === "/" || w[0] === "-") {
      const flag = w.slice(1);
      if (flag === "basevideo") baseVideo = true;
      else if (flag === "mapbs") mapBs = true;
      else if (flag.startsWith("cfg=")) cfgFile = flag.slice(4);
      else if (flag === "cfg" && i + 1 < words.length) cfgFile = words[++i];
      else unknown.push(w);
    } else section = w;
  }
  const nul = s.indexOf("\0");
  const end = nul < 0 ? s.length : nul;
  return {
    words,
    ...(section !== undefined && { section }),
    ...(cfgFile !== undefined && { cfgFile }),
    baseVideo,
    mapBs,
    unknown,
    ...(xenOptionsAt !== undefined && { xenOptions: s.slice(xenOptionsAt, end), xenOptionsAt }),
  };
}
