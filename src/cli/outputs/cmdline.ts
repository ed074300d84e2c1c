import { analyseCmdline } from "../../cmdline/analyse-cmdline.js";
import type { CmdlineOptions } from "../../cmdline/boot-sources.js";
import { renderCmdline, renderCmdlineMarkdown } from "../../report/render-cmdline.js";
import type { Output } from "../output.js";

/** `xenpriv cmdline`: what a Xen command line does on a boot path, under a lockdown model. */
export function cmdlineCommand(words: readonly string[], o: CmdlineOptions): Output {
  const a = analyseCmdline(words.join(" "), o);
  return { kind: "cmdline", json: a, text: renderCmdline(a), markdown: renderCmdlineMarkdown(a) };
}
