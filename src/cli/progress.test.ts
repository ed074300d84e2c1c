import assert from "node:assert/strict";
import { test } from "node:test";
import { type ProgressStream, progress } from "./progress.js";

/** A stand-in for stderr that keeps what is written. */
function stream(isTTY: boolean, columns?: number): ProgressStream & { text: string } {
  const s = {
    isTTY,
    ...(columns !== undefined && { columns }),
    text: "",
    write(t: string) {
      s.text += t;
      return true;
    },
  };
  return s;
}

test("on a terminal each stage replaces the line before, and clear leaves the line empty", () => {
  const tty = stream(true);
  const p = progress("report", { stream: tty });
  assert.equal(p.shown, true);
  p.stage("model");
  p.stage("matrix: 4096 domains x 97 operations");
  p.clear();
  assert.equal(tty.text, "\r\x1b[Kreport: model\r\x1b[Kreport: matrix: 4096 domains x 97 operations\r\x1b[K");
});

test("a stage shown again is not written again; clear with nothing shown writes nothing", () => {
  const tty = stream(true);
  const p = progress("extract", { stream: tty });
  p.clear();
  p.stage("parsing 50 of 900 files");
  p.stage("parsing 50 of 900 files");
  p.clear();
  p.clear();
  assert.equal(tty.text, "\r\x1b[Kextract: parsing 50 of 900 files\r\x1b[K");
});

test("a line wider than the terminal is cut, so that it does not wrap and clearing clears it all", () => {
  const tty = stream(true, 20);
  progress("report", { stream: tty }).stage("writing a/long/path/to/report.html");
  assert.equal(tty.text, "\r\x1b[Kreport: writing a/l");
});

test("silent when the stream is not a terminal", () => {
  const pipe = stream(false);
  const p = progress("report", { stream: pipe });
  assert.equal(p.shown, false);
  p.stage("model");
  p.clear();
  assert.equal(pipe.text, "");
});

test("silent with --quiet, even on a terminal", () => {
  const tty = stream(true);
  const p = progress("extract", { stream: tty, quiet: true });
  assert.equal(p.shown, false);
  p.stage("hooks");
  p.clear();
  assert.equal(tty.text, "");
});

test("process.stderr by default: silent when it is not a terminal", (t) => {
  const written: unknown[] = [];
  t.mock.method(process.stderr, "write", (s: unknown) => written.push(s) > 0);
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  try {
    Object.defineProperty(process.stderr, "isTTY", { value: false, configurable: true });
    progress("report").stage("model");
    assert.deepEqual(written, []);
    Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
    const p = progress("report");
    p.stage("model");
    p.clear();
    assert.deepEqual(written, ["\r\x1b[Kreport: model", "\r\x1b[K"]);
  } finally {
    if (isTTY) Object.defineProperty(process.stderr, "isTTY", isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
});
