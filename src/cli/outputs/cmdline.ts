import { analyseCmdline } from "../../cmdline/analyse-cmdline.js";
import type { CmdlineOptions } from "../../cmdline/boot-sources.js";
import { type CmdlineFailOn, cmdlineFailure } from "../../cmdline/cmdline-failure.js";
import { renderCmdline, renderCmdlineMarkdown } from "../../report/render-cmdline.js";
import type { Output } from "../output.js";

/** `xenpriv cmdline`: what a Xen command line does on a boot path, under a lockdown model. */
export function cmdlineCommand(
  words: readonly string[],
  o: CmdlineOptions & { readonly failOn?: CmdlineFailOn },
): Output {
  const a = analyseCmdline(words.join(" "), o);
  const failure = o.failOn && cmdlineFailure(a, o.failOn);
  const verdict = failure ? `fails --fail-on ${o.failOn}: ${failure}` : "";
  return {
    kind: "cmdline",
    json: a,
    text: [renderCmdline(a), verdict].filter(Boolean).join("\n\n"),
    markdown: [renderCmdlineMarkdown(a), verdict && `**${verdict}**`].filter(Boolean).join("\n\n"),
    ...(failure && { exitCode: 1 }),
  };
}
