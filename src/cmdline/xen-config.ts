import { type Diagnostic, error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { readInput } from "../core/read-input.js";
import type { Span } from "../core/span.js";

/**
 * A Xen build configuration: the `xen/.config` Kconfig writes, or a fragment in its syntax. In a
 * whole `.config` an option the file does not name was not selected (Kconfig writes every option
 * whose dependencies hold); a fragment sets only what it names, like a defconfig fragment.
 */
export interface XenConfig {
  readonly file: string;
  /** written by Kconfig ("Automatically generated file"), so complete */
  readonly complete: boolean;
  /** `CONFIG_NAME` to its value: `y`, `n` (from `# CONFIG_NAME is not set`), a number or a string */
  readonly values: ReadonlyMap<string, string>;
}

/** `CONFIG_NAME` on or off in a build: undefined when no configuration, or a fragment that does not name it, was given. */
export function configOption(config: XenConfig | undefined, name: string): boolean | undefined {
  const value = config?.values.get(name);
  if (!config || (value === undefined && !config.complete)) return undefined;
  return value === "y";
}

/** The options a configuration switches off, for the operations that vanish with them. */
export function disabledOptions(config: XenConfig | undefined): string[] {
  return config ? [...config.values].filter(([, v]) => v === "n").map(([k]) => k) : [];
}

/** Reads the text of a `.config`; a line that is neither a comment nor `CONFIG_X=value` is bad input. */
export function parseXenConfig(text: string, file: string): XenConfig {
  const values = new Map<string, string>();
  const bad: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set\s*$/.exec(line);
    if (unset) values.set(unset[1] as string, "n");
    else if (line.trim() === "" || line.startsWith("#")) return;
    else {
      const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
      if (set) values.set(set[1] as string, (set[2] as string).replace(/^"(.*)"$/, "$1"));
      else {
        const span: Span = { file, line: i + 1, column: 1, endLine: i + 1, endColumn: line.length + 1 };
        bad.push(
          error(
            "config/syntax",
            `\`${line.length > 40 ? `${line.slice(0, 40)}...` : line}\` is not a Kconfig line`,
            span,
            "a Xen `.config` has `CONFIG_NAME=value` lines, `# CONFIG_NAME is not set` lines and comments",
          ),
        );
      }
    }
  });
  if (bad.length) throw new InputError(bad.slice(0, 10));
  return { file, complete: /^# Automatically generated file; DO NOT EDIT\./m.test(text), values };
}

/** Reads a Xen `.config` file; an unreadable one is bad input. */
export function readXenConfig(path: string): XenConfig {
  const text = readInput(path, {
    code: "config/unreadable",
    help: "give the `.config` of the Xen build (xen/.config after `make menuconfig`)",
  }).toString("utf8");
  return parseXenConfig(text, path);
}
