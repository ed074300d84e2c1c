import { dirname, isAbsolute, join, resolve } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";
import { readRegularFile, UnreadableFile } from "../core/read-regular-file.js";
import type { Span } from "../core/span.js";
import { unescapeBytes } from "./unescape.js";

/**
 * A DTS token. `name` is a node or property name, `label` is `lbl:` (text without the colon), `ref` is
 * `&lbl` and `pathref` is `&{/path}` (text without `&` and braces), `word` an identifier where no name can stand
 * (always a syntax error, named for the message).
 */
export type Token =
  | {
      readonly kind: "name" | "label" | "ref" | "pathref" | "keyword" | "punct" | "word" | "eof";
      readonly text: string;
      readonly span: Span;
    }
  | {
      readonly kind: "number" | "char" | "byte";
      readonly text: string;
      readonly value: bigint;
      readonly span: Span;
    }
  | {
      readonly kind: "string";
      readonly text: string;
      readonly bytes: readonly number[];
      readonly span: Span;
    };

/** What the lexer expects next, switched by the tokens it returns, as dtc's lexer does. */
type Mode = "default" | "name" | "bytes";

interface Frame {
  readonly text: string;
  /** the real path, for `/include/` and cycles */
  readonly path: string;
  /** the name spans carry: the path, or what a line marker says */
  file: string;
  pos: number;
  line: number;
  col: number;
}

/** Where `/include/` and `/incbin/` look, and how files are read. */
export interface LexerOptions {
  /** folders searched for `/include/` and `/incbin/` files after the including file's folder */
  readonly includeDirs?: readonly string[];
  /** reads a file as one character per byte (latin1); the default reads the file system */
  readonly readFile?: (path: string) => string;
}

const MAX_INCLUDE_DEPTH = 200; // dtc's limit (srcpos.c)

const KEYWORDS = [
  "/dts-v1/",
  "/plugin/",
  "/memreserve/",
  "/bits/",
  "/delete-property/",
  "/delete-node/",
  "/omit-if-no-ref/",
];
const TWO_CHAR = new Set(["<<", ">>", "<=", ">=", "==", "!=", "&&", "||"]);
const LINE_MARKER =
  /#(?:line)?[ \t]+([0-9]+)(?:[ \t]+"((?:[^\\"\n]|\\.)*)")?(?:[ \t]+[0-9]+)*[ \t]*(?=\r?\n|$)/y;
const CPP_DIRECTIVE =
  /#[ \t]*(include|define|undef|ifdef|ifndef|if|else|elif|endif|error|warning|pragma)(?=[ \t<"\r\n]|$)/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|[0-9]+)(?:ULL|UL|LL|U|L)?/y;
const MAX_U64 = (1n << 64n) - 1n;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdent(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
/** `[a-zA-Z0-9,._+*#?@-]`: the characters of node and property names */
function isNameChar(c: number): boolean {
  return (
    isIdent(c) || c === 44 || c === 46 || c === 43 || c === 42 || c === 35 || c === 63 || c === 64 || c === 45
  );
}
function isPathChar(c: number): boolean {
  return isNameChar(c) || c === 47;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Reads a file as one character per byte, so offsets and columns count bytes as dtc's do. */
export function readLatin1(path: string): string {
  return readRegularFile(path).toString("latin1");
}

/**
 * Splits DTS text into tokens with spans, following `/include/` files and mapping cpp line markers
 * (`# 12 "board.dts"`) back to the original file and line. Bad input raises an InputError.
 */
export class DtsLexer {
  private readonly frames: Frame[] = [];
  private mode: Mode = "default";
  private readonly buffer: Token[] = [];
  private readonly options: LexerOptions;
  /** every file read, the top-level file first */
  readonly files: string[] = [];
  /** bytes of the `/include/` and `/incbin/` files read so far */
  private bytesRead = 0;

  constructor(text: string, file: string, options: LexerOptions = {}) {
    this.options = options;
    this.frames.push({ text, path: file, file, pos: 0, line: 1, col: 1 });
    this.files.push(file);
  }

  /** The next token, consumed. */
  next(): Token {
    return this.buffer.shift() ?? this.lex();
  }

  /** The token `ahead` places on (0 = the next one), not consumed. */
  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.lex());
    return this.buffer[ahead] as Token;
  }

  /**
   * Inside `[...]`: reads a run of hex pairs straight into `out`, without a token for each byte (a
   * 10 MB file can hold millions). Stops before anything else: `]`, a label, a comment, an odd digit.
   */
  hexRun(out: number[]): void {
    if (this.buffer.length > 0 || this.mode !== "bytes") return;
    const f = this.frame();
    const t = f.text;
    let { pos, line, col } = f;
    // where the run of identifier characters holding `pos` ends: found once per run, not once per
    // byte (a run of 200,000 hex digits was quadratic)
    let runEnd = -1;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (c === 32 || c === 9) {
        pos++;
        col++;
      } else if (c === 10) {
        pos++;
        line++;
        col = 1;
      } else if (isHex(c) && isHex(t.charCodeAt(pos + 1))) {
        // `ab:` is a label, not a byte
        if (pos >= runEnd) {
          runEnd = pos;
          while (runEnd < t.length && isIdent(t.charCodeAt(runEnd))) runEnd++;
        }
        if (t.charCodeAt(runEnd) === 58 /* : */) break;
        out.push(Number.parseInt(t.slice(pos, pos + 2), 16));
        pos += 2;
        col += 2;
      } else break;
    }
    f.pos = pos;
    f.line = line;
    f.col = col;
  }

  /** Reads a file named in the source (`/include/`, `/incbin/`): next to the current file, then `includeDirs`. */
  readRelative(name: string, span: Span, what: "include" | "incbin"): { path: string; text: string } {
    const here = this.frames[this.frames.length - 1] as Frame;
    const candidates = isAbsolute(name)
      ? [name]
      : [join(dirname(here.path), name), ...(this.options.includeDirs ?? []).map((d) => join(d, name))];
    const read = this.options.readFile ?? readLatin1;
    for (const path of candidates) {
      let text: string;
      try {
        text = read(path);
      } catch (e) {
        // a file that is there but cannot be read (`/dev/zero`, a FIFO, too large) is not looked for further
        if (e instanceof UnreadableFile && (e.code === "ENOTREG" || e.code === "EFBIG"))
          fail(
            error(
              `devicetree/${what}-unreadable`,
              `cannot read the ${what === "include" ? "included" : "/incbin/"} file \`${name}\`: ${e.message}`,
              span,
              "name a regular file",
            ),
          );
        continue;
      }
      // what every file read adds up to: `/incbin/` of one large file a hundred times is refused too
      this.bytesRead += text.length;
      if (this.bytesRead > LIMITS.inputBytes)
        fail(
          error(
            `devicetree/${what}-too-large`,
            `the files read for this tree pass the input limit of ${LIMITS.inputBytes / 2 ** 20} MiB`,
            span,
            "README's Limits section lists the sizes xenpriv reads",
          ),
        );
      return { path, text };
    }
    return fail(
      error(
        `devicetree/${what}-not-found`,
        `cannot find the ${what === "include" ? "included" : "/incbin/"} file \`${name}\``,
        span,
        `looked in ${candidates.map((c) => `\`${c}\``).join(", ")}`,
      ),
    );
  }

  private frame(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  private here(): { line: number; col: number; pos: number } {
    const f = this.frame();
    return { line: f.line, col: f.col, pos: f.pos };
  }

  private spanFrom(start: { line: number; col: number; pos: number }): Span {
    const f = this.frame();
    return {
      file: f.file,
      line: start.line,
      column: start.col,
      endLine: f.line,
      endColumn: f.col,
      offset: start.pos,
      endOffset: f.pos,
    };
  }

  /** Moves over `n` characters, counting lines. */
  private advance(n: number): void {
    const f = this.frame();
    const end = Math.min(f.pos + n, f.text.length);
    for (let i = f.pos; i < end; i++) {
      if (f.text.charCodeAt(i) === 10) {
        f.line++;
        f.col = 1;
      } else f.col++;
    }
    f.pos = end;
  }

  private lexError(code: string, message: string, span: Span, help?: string): never {
    return fail(error(`devicetree/${code}`, message, span, help));
  }

  /** Skips white space, comments and line markers; pops finished include files. */
  private skip(): void {
    for (;;) {
      const f = this.frame();
      const t = f.text;
      if (f.pos >= t.length) {
        if (this.frames.length === 1) return;
        this.frames.pop();
        continue;
      }
      const c = t.charCodeAt(f.pos);
      if (isSpace(c)) {
        this.advance(1);
        continue;
      }
      if (c === 47 /* / */ && t.charCodeAt(f.pos + 1) === 42 /* * */) {
        const start = this.here();
        const end = t.indexOf("*/", f.pos + 2);
        if (end < 0) {
          this.advance(2);
          this.lexError(
            "unterminated-comment",
            "unterminated comment",
            this.spanFrom(start),
            "close it with `*/`",
          );
        }
        this.advance(end + 2 - f.pos);
        continue;
      }
      if (c === 47 && t.charCodeAt(f.pos + 1) === 47) {
        const end = t.indexOf("\n", f.pos);
        this.advance((end < 0 ? t.length : end) - f.pos);
        continue;
      }
      if (c === 35 /* # */ && f.col === 1 && this.lineMarker()) continue;
      return;
    }
  }

  /** `# 12 "file" 1 3` or `#line 12 "file"` at the start of a line: the next line is line 12 of file. */
  private lineMarker(): boolean {
    const f = this.frame();
    LINE_MARKER.lastIndex = f.pos;
    const m = LINE_MARKER.exec(f.text);
    if (!m) {
      CPP_DIRECTIVE.lastIndex = f.pos;
      const d = CPP_DIRECTIVE.exec(f.text);
      if (d) {
        const start = this.here();
        this.advance(d[0].length);
        this.lexError(
          "needs-cpp",
          `\`#${d[1]}\` is a C preprocessor directive`,
          this.spanFrom(start),
          "run the file through the C preprocessor first (`cpp -nostdinc -undef -x assembler-with-cpp`), or use `/include/`",
        );
      }
      return false;
    }
    const start = this.here();
    this.advance(m[0].length);
    if (m[2] !== undefined) {
      const name = unescapeBytes(m[2]);
      if ("badEscapeAt" in name) {
        this.lexError("bad-escape", "`\\x` without hex digits in a line marker", this.spanFrom(start));
      }
      if (name.bytes.includes(0))
        this.lexError("bad-line-marker", "NUL in a line marker's file name", this.spanFrom(start));
      f.file = Buffer.from(name.bytes).toString("utf8");
    }
    f.line = Number(m[1]) - 1; // the newline that ends the marker moves to the line it names
    return true;
  }

  private lex(): Token {
    this.skip();
    const f = this.frame();
    const t = f.text;
    const start = this.here();
    if (f.pos >= t.length) return { kind: "eof", text: "end of input", span: this.spanFrom(start) };
    const c = t.charCodeAt(f.pos);

    if (c === 47 /* / */) {
      if (t.startsWith("/include/", f.pos)) {
        this.include(start);
        return this.lex();
      }
      for (const k of KEYWORDS) {
        if (t.startsWith(k, f.pos)) {
          this.advance(k.length);
          if (k === "/dts-v1/" || k === "/memreserve/" || k === "/bits/") this.mode = "default";
          else if (k !== "/plugin/") this.mode = "name";
          return { kind: "keyword", text: k, span: this.spanFrom(start) };
        }
      }
      if (this.mode === "default" && t.startsWith("/incbin/", f.pos)) {
        this.advance(8);
        return { kind: "keyword", text: "/incbin/", span: this.spanFrom(start) };
      }
    }
    if (c === 34 /* " */) return this.string(start);
    if (c === 39 /* ' */) return this.char(start);

    // `lbl:` wins over a name or a byte: it is the longer match
    if (isIdentStart(c)) {
      let e = f.pos + 1;
      while (e < t.length && isIdent(t.charCodeAt(e))) e++;
      if (t.charCodeAt(e) === 58 /* : */) {
        const text = t.slice(f.pos, e);
        this.advance(e + 1 - f.pos);
        return { kind: "label", text, span: this.spanFrom(start) };
      }
    }
    if (c === 38 /* & */) {
      const n = t.charCodeAt(f.pos + 1);
      if (isIdentStart(n)) {
        let e = f.pos + 2;
        while (e < t.length && isIdent(t.charCodeAt(e))) e++;
        const text = t.slice(f.pos + 1, e);
        this.advance(e - f.pos);
        return { kind: "ref", text, span: this.spanFrom(start) };
      }
      if (n === 123 /* { */) {
        let e = f.pos + 2;
        while (e < t.length && isPathChar(t.charCodeAt(e))) e++;
        if (t.charCodeAt(e) !== 125 /* } */ || e === f.pos + 2) {
          this.advance(e - f.pos);
          this.lexError(
            "bad-reference",
            "malformed path reference",
            this.spanFrom(start),
            "write `&{/path/to/node}`",
          );
        }
        const text = t.slice(f.pos + 2, e);
        this.advance(e + 1 - f.pos);
        return { kind: "pathref", text, span: this.spanFrom(start) };
      }
    }

    if (
      this.mode === "name" &&
      (isNameChar(c) || (c === 92 /* \ */ && isNameChar(t.charCodeAt(f.pos + 1))))
    ) {
      let e = f.pos + 1;
      while (e < t.length && isNameChar(t.charCodeAt(e))) e++;
      const text = t.slice(c === 92 ? f.pos + 1 : f.pos, e); // `\name` escapes a name that looks like a keyword
      this.advance(e - f.pos);
      this.mode = "default";
      return { kind: "name", text, span: this.spanFrom(start) };
    }
    if (this.mode === "bytes") {
      if (isHex(c)) {
        if (!isHex(t.charCodeAt(f.pos + 1))) {
          this.advance(1);
          this.lexError(
            "odd-hex-digits",
            "a byte string needs two hex digits for each byte",
            this.spanFrom(start),
            "write each byte as two hex digits, e.g. `[0a 1b]`",
          );
        }
        const text = t.slice(f.pos, f.pos + 2);
        this.advance(2);
        return { kind: "byte", text, value: BigInt(`0x${text}`), span: this.spanFrom(start) };
      }
      if (c === 93 /* ] */) {
        this.advance(1);
        this.mode = "default";
        return { kind: "punct", text: "]", span: this.spanFrom(start) };
      }
    }
    if (this.mode === "default" && c >= 48 && c <= 57) return this.number(start);
    if (this.mode === "default" && isIdentStart(c)) {
      let e = f.pos + 1;
      while (e < t.length && isNameChar(t.charCodeAt(e))) e++;
      const text = t.slice(f.pos, e);
      this.advance(e - f.pos);
      return { kind: "word", text, span: this.spanFrom(start) };
    }

    const two = t.slice(f.pos, f.pos + 2);
    if (TWO_CHAR.has(two)) {
      this.advance(2);
      return { kind: "punct", text: two, span: this.spanFrom(start) };
    }
    const one = t[f.pos] as string;
    this.advance(1);
    if (one === "[") this.mode = "bytes";
    else if (one === "{" || one === ";") this.mode = "name";
    return { kind: "punct", text: one, span: this.spanFrom(start) };
  }

  private number(start: { line: number; col: number; pos: number }): Token {
    const f = this.frame();
    NUMBER.lastIndex = f.pos;
    const m = NUMBER.exec(f.text) as RegExpExecArray;
    const text = m[0];
    this.advance(text.length);
    const span = this.spanFrom(start);
    const digits = text.replace(/[UL]+$/, "");
    let value: bigint;
    if (/^0[xX]/.test(digits)) value = BigInt(digits);
    else if (digits.length > 1 && digits.startsWith("0")) {
      if (!/^[0-7]+$/.test(digits)) {
        this.lexError(
          "bad-number",
          `bad integer literal \`${text}\``,
          span,
          "a number that starts with 0 is octal",
        );
      }
      value = BigInt(`0o${digits.slice(1)}`);
    } else value = BigInt(digits);
    if (value > MAX_U64)
      this.lexError("number-out-of-range", `integer literal \`${text}\` does not fit in 64 bits`, span);
    return { kind: "number", text, value, span };
  }

  /** The body of a quoted string or character literal ending at the first unescaped `quote`, or -1. */
  private quotedEnd(quote: number): number {
    const f = this.frame();
    const t = f.text;
    for (let i = f.pos + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 92) i++;
      else if (c === quote) return i;
    }
    return -1;
  }

  /** A quoted string (`"`) or character literal (`'`): its text, its bytes and its span. */
  private quoted(
    start: { line: number; col: number; pos: number },
    quote: 34 | 39,
  ): { body: string; bytes: number[]; span: Span } {
    const f = this.frame();
    const end = this.quotedEnd(quote);
    const what = quote === 34 ? "string" : "character literal";
    if (end < 0) {
      this.advance(1);
      this.lexError(
        quote === 34 ? "unterminated-string" : "unterminated-char",
        `unterminated ${what}`,
        this.spanFrom(start),
        quote === 34 ? 'close the string with `"`' : "close it with `'`",
      );
    }
    const body = f.text.slice(f.pos + 1, end);
    this.advance(end + 1 - f.pos);
    const span = this.spanFrom(start);
    const u = unescapeBytes(body);
    if ("badEscapeAt" in u) this.lexError("bad-escape", `\`\\x\` without hex digits in a ${what}`, span);
    return { body, bytes: u.bytes, span };
  }

  private string(start: { line: number; col: number; pos: number }): Token {
    const { body, bytes, span } = this.quoted(start, 34);
    return { kind: "string", text: body, bytes, span };
  }

  private char(start: { line: number; col: number; pos: number }): Token {
    const { body, bytes, span } = this.quoted(start, 39);
    if (bytes.length !== 1) {
      this.lexError(
        "bad-char",
        bytes.length === 0
          ? "empty character literal"
          : `character literal has ${bytes.length} characters instead of 1`,
        span,
      );
    }
    return { kind: "char", text: body, value: BigInt(bytes[0] as number), span };
  }

  /** `/include/ "file"`: lexing goes on in that file, then comes back. */
  private include(start: { line: number; col: number; pos: number }): void {
    const f = this.frame();
    this.advance("/include/".length);
    while (f.pos < f.text.length && isSpace(f.text.charCodeAt(f.pos))) this.advance(1);
    if (f.text.charCodeAt(f.pos) !== 34) {
      this.lexError(
        "bad-include",
        "`/include/` needs a file name in quotes",
        this.spanFrom(start),
        'write `/include/ "file.dtsi"`',
      );
    }
    const end = this.quotedEnd(34);
    if (end < 0) {
      this.advance(1);
      this.lexError(
        "unterminated-string",
        "unterminated string",
        this.spanFrom(start),
        'close the string with `"`',
      );
    }
    const raw = f.text.slice(f.pos + 1, end);
    this.advance(end + 1 - f.pos);
    const span = this.spanFrom(start);
    const u = unescapeBytes(raw);
    if ("badEscapeAt" in u) this.lexError("bad-escape", "`\\x` without hex digits in a file name", span);
    const name = Buffer.from(u.bytes).toString("utf8");
    if (this.frames.length >= MAX_INCLUDE_DEPTH) {
      this.lexError("include-depth", `includes nested more than ${MAX_INCLUDE_DEPTH} deep`, span);
    }
    const { path, text } = this.readRelative(name, span, "include");
    const cycle = this.frames.findIndex((fr) => resolve(fr.path) === resolve(path));
    if (cycle >= 0) {
      const chain = [...this.frames.slice(cycle).map((fr) => fr.path), path]
        .map((p) => `\`${p}\``)
        .join(" -> ");
      this.lexError(
        "include-cycle",
        `include cycle: ${chain}`,
        span,
        "a file cannot include itself, directly or through others",
      );
    }
    this.frames.push({ text, path, file: path, pos: 0, line: 1, col: 1 });
    if (!this.files.includes(path)) this.files.push(path);
  }
}
