/** Where a progress line is written: the process's stderr, or a stand-in in a test. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  /** the terminal's width, when known: a longer line would wrap and not be cleared */
  readonly columns?: number;
  write(text: string): unknown;
}

/** One line on a terminal, rewritten in place as long work moves from stage to stage. */
export interface Progress {
  /** false when nothing is ever written (not a terminal, or `--quiet`) */
  readonly shown: boolean;
  /** shows `<name>: <stage>` in place of the line before */
  stage(stage: string): void;
  /** clears the line: when the work is done, and before anything else is written to the terminal */
  clear(): void;
}

export interface ProgressOptions {
  /** the global `--quiet` */
  readonly quiet?: boolean | undefined;
  /** default: process.stderr */
  readonly stream?: ProgressStream;
}

const CLEAR = "\r\x1b[K";

const SILENT: Progress = { shown: false, stage: () => {}, clear: () => {} };

/**
 * A progress line for the work `name` names, on stderr only (never stdout, never a file): shown on a
 * terminal, silent when stderr is not a TTY (a pipe, a file, CI) and with `--quiet`.
 */
export function progress(name: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet === true || stream.isTTY !== true) return SILENT;
  let last = "";
  return {
    shown: true,
    stage(stage) {
      const full = `${name}: ${stage}`;
      const width = stream.columns && stream.columns > 1 ? stream.columns - 1 : undefined;
      const line = width !== undefined && full.length > width ? full.slice(0, width) : full;
      if (line === last) return;
      last = line;
      stream.write(`${CLEAR}${line}`);
    },
    clear() {
      if (last === "") return;
      last = "";
      stream.write(CLEAR);
    },
  };
}
