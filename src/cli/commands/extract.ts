import { type Command, Option } from "commander";
import type { Emit } from "../command.js";
import type { ExtractCliOptions } from "../outputs/extract.js";

/** `xenpriv extract`: its arguments and options; its action returns what it found to `emit`. */
export function registerExtract(p: Command, _emit: Emit): void {
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
      "keep what was read (files, walks, the policy) here for the next extraction; default: $XDG_CACHE_HOME/xenpriv or ~/.cache/xenpriv",
    )
    .addOption(new Option("--no-cache", "read everything afresh, keep nothing").conflicts("cacheDir"))
    .action(async (tree: string, _o: unknown, cmd: Command) =>
      (await import("../outputs/extract.js")).extractCommand(tree, cmd.optsWithGlobals<ExtractCliOptions>()),
    );
}
