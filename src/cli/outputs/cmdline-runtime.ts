import type { CmdlineOptions } from "../../cmdline/boot-sources.js";
import { runtimeParameters } from "../../cmdline/runtime-parameters.js";
import { renderSetParameters, renderSetParametersMarkdown } from "../../report/render-set-parameters.js";
import type { Output } from "../output.js";

/** `xenpriv cmdline --runtime`: what `xl set-parameters` writes to hypfs `/params`, and what fails. */
export function cmdlineRuntimeCommand(words: readonly string[], o: CmdlineOptions): Output {
  const r = runtimeParameters(words, o);
  return {
    kind: "set-parameters",
    json: r,
    text: renderSetParameters(r),
    markdown: renderSetParametersMarkdown(r),
    exitCode: r.ok ? 0 : 1,
  };
}
