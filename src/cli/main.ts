import { Command, CommanderError } from "commander";
import { error } from "../core/diagnostic.js";
import { InputError } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { renderDiagnostics } from "../report/render-diagnostics.js";
import { type Emit, EXIT } from "./command.js";
import { registerCheck } from "./commands/check.js";
import { registerCmdline } from "./commands/cmdline.js";
import { registerDemo } from "./commands/demo.js";
import { registerDiff } from "./commands/diff.js";
import { registerExtract } from "./commands/extract.js";
import { registerFlask } from "./commands/flask.js";
import { registerLint } from "./commands/lint.js";
import { registerMatrix } from "./commands/matrix.js";
import { registerOps } from "./commands/ops.js";
import { registerOptions } from "./commands/options.js";
import { registerPolicies } from "./commands/policies.js";
import { registerPrivcmd } from "./commands/privcmd.js";
import { registerReport } from "./commands/report.js";
import { registerSbat } from "./commands/sbat.js";
import { registerWhatCan } from "./commands/what-can.js";
import { registerWhoCan } from "./commands/who-can.js";
import { chunksOf } from "./output.js";
import { writeChunks } from "./write-out.js";

export { EXIT } from "./command.js";

/** The commands by name, in the order `--help` lists them: each declares its own arguments and options. */
const COMMANDS: Readonly<Record<string, (p: Command, emit: Emit) => void>> = {
  check: registerCheck,
  "who-can": registerWhoCan,
  "what-can": registerWhatCan,
  matrix: registerMatrix,
  diff: registerDiff,
  ops: registerOps,
  extract: registerExtract,
  options: registerOptions,
  cmdline: registerCmdline,
  sbat: registerSbat,
  privcmd: registerPrivcmd,
  report: registerReport,
  lint: registerLint,
  policies: registerPolicies,
  demo: registerDemo,
  flask: registerFlask,
};

/**
 * Builds the command tree; each command's output goes to `emit`. With `only` a command's name, only
 * that command is declared (a cold start declares what it runs); otherwise every command is, for
 * `--help`, `help <command>` and the suggestions for a mistyped name.
 */
export function program(emit: Emit = () => {}, only?: string): Command {
  const p = new Command("xenpriv")
    .description(
      "Who may do what on a Xen system, and why: the XSM default policy and its variants, from files",
    )
    .version("0.1.0")
    // read by the commands whose work is long (optsWithGlobals): extract, report
    .option("-q, --quiet", "no progress line on stderr (shown only when stderr is a terminal)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const one = only !== undefined && Object.hasOwn(COMMANDS, only) ? COMMANDS[only] : undefined;
  for (const register of one ? [one] : Object.values(COMMANDS)) register(p, emit);
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
    let code: number = EXIT.ok;
    // a command hands its output here: written in its format, its exit code kept for the return
    const emit: Emit = (out, format) => {
      writeChunks(1, chunksOf(out, format));
      code = out.exitCode ?? EXIT.ok;
    };
    await program(emit, argv[0]).parseAsync(argv as string[], { from: "user" });
    return code;
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
  main(process.argv.slice(2)).then((c) => {
    process.exitCode = c;
  });
}
