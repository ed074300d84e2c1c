import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

/** Where `pre_parse` and `get_value` are (xen/common/efi/boot.c at RELEASE-4.22.0). */
export const XEN_CFG_REF = {
  preParse: "xen/common/efi/boot.c:595",
  getValue: "xen/common/efi/boot.c:620",
  efiStart: "xen/common/efi/boot.c:1541",
} as const;

/** One NUL-terminated string left by `pre_parse`: a header, a `key=value`, or anything else. */
interface Segment {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** An EFI configuration file (`xen.cfg`, or the `.config` section of a unified image) as Xen reads it. */
export interface XenCfg {
  readonly file: string;
  readonly segments: readonly Segment[];
}

/** A value `get_value` returned, and where it is. */
export interface CfgValue {
  readonly value: string;
  readonly file: string;
  readonly line: number;
  /** column of the value's first character */
  readonly column: number;
}

/**
 * `pre_parse` (boot.c:595-617): any control character ends a line; leading whitespace goes; `#`
 * anywhere, or `;` first on a line, starts a comment. What is left is a list of strings.
 */
export function parseXenCfg(text: string, file: string): XenCfg {
  const segments: Segment[] = [];
  let line = 1;
  let lineStart = 0;
  let start = true;
  let comment = false;
  let cur = "";
  let curColumn = 0;
  const flush = () => {
    if (cur) segments.push({ text: cur, line, column: curColumn });
    cur = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f)
      fail(
        error(
          "efi-cfg/not-ascii",
          `\`${text[i]}\` is not ASCII`,
          { file, line, column: i - lineStart + 1, offset: i },
          "Xen reads its configuration file as ASCII; write the value with ASCII characters",
        ),
      );
    if (c < 0x20 || c === 0x7f) {
      flush();
      comment = false;
      start = true;
      if (text[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
    } else if (comment || (start && text[i] === " ")) {
      flush();
    } else if (text[i] === "#" || (start && text[i] === ";")) {
      flush();
      comment = true;
    } else {
      if (!cur) curColumn = i - lineStart + 1;
      cur += text[i];
      start = false;
    }
  }
  flush();
  return { file, segments };
}

/**
 * `get_value(file, section, item)` (boot.c:620-656): the first `item=` of the section, or of the
 * whole file when no section is chosen (headers then mean nothing). The section ends at the next
 * header; lines before the first header belong to no section. `key = v` is not `key=`.
 */
export function cfgValue(cfg: XenCfg, section: string | undefined, item: string): CfgValue | undefined {
  let match = !section;
  for (const s of cfg.segments) {
    if (s.text.startsWith("[")) {
      if (!section) continue;
      if (match) return undefined;
      match = s.text.startsWith(`[${section}]`);
    } else if (match && s.text.startsWith(`${item}=`)) {
      const raw = s.text.slice(item.length + 1);
      const value = raw.replace(/^\s+/, "");
      return {
        value,
        file: cfg.file,
        line: s.line,
        column: s.column + item.length + 1 + (raw.length - value.length),
      };
    }
  }
  return undefined;
}

/** The section headers of a file, for suggestions when a chosen section does not exist. */
export function cfgSections(cfg: XenCfg): string[] {
  return cfg.segments.flatMap((s) => {
    const m = /^\[([^\]]*)\]/.exec(s.text);
    return m ? [m[1] as string] : [];
  });
}
