/**
 * Where a C text (after blank-macros.ts) is cut into the chunks the extractor parses one by one
 * (c-parser.ts): after each line that is only `}` at column 0, closing a function's body (braces
 * opened after a `)`) and every `#if` before it, where the chunk has at least MIN_CHUNK characters.
 * Xen ends each function so (do_domctl, xen/common/domctl.c:315-965 at RELEASE-4.22.0); a struct, an
 * enum or an initializer ends with `};`, or with `}` and its name on the next line, which stays in the
 * chunk. Braces in comments, string and character literals and
 * directive lines do not count.
 *
 * The chunks are parsed alone, so tree-sitter's recovery from an error (a macro it cannot read) stays
 * in its chunk instead of swallowing the functions after it, and a chunk whose text another version of
 * the file had is not parsed again (parse-source.ts). The ends, increasing, the last the text's length.
 */
export function chunkBounds(text: string): number[] {
  const ends: number[] = [];
  const n = text.length;
  let braces = 0;
  let ifs = 0;
  // the last character that is no blank, comment or directive, and whether the outermost braces open a body
  let last = 0;
  let body = false;
  let i = 0;
  let lineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      if (text[j] === "#") {
        ifs += directiveDepth(text, j + 1);
        i = endOfDirective(text, j);
        continue;
      }
    }
    if (c === NL) {
      lineStart = true;
      i++;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) break;
      i = close + 2;
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      i = endOfLine(text, i);
    } else if (c === QUOTE || c === APOSTROPHE) {
      i = endOfLiteral(text, i, c);
      last = c;
    } else {
      if (c === OPEN) {
        // a function's body opens after its parameters' `)`; a struct's, an enum's or an initializer's does
        // not, and what follows its `}` (`foo_t;`) belongs to it
        if (braces === 0) body = last === RPAREN;
        braces++;
      } else if (c === CLOSE) {
        braces--;
        const alone = (i === 0 || text.charCodeAt(i - 1) === NL) && text.charCodeAt(i + 1) === NL;
        if (
          braces === 0 &&
          body &&
          ifs === 0 &&
          alone &&
          i + 2 < n &&
          i + 2 - (ends.at(-1) ?? 0) >= MIN_CHUNK
        )
          ends.push(i + 2);
      }
      if (c !== SPACE && c !== TAB && c !== CR) last = c;
      i++;
    }
  }
  ends.push(n);
  return ends;
}

/**
 * The fewest characters a chunk has (but the last): a parse and a copy cost about 8 µs whatever the
 * chunk, and a text of one-line functions would cost five times its parse as a whole.
 */
const MIN_CHUNK = 256;

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const RPAREN = 41;
const SLASH = 47;
const STAR = 42;
const QUOTE = 34;
const APOSTROPHE = 39;
const BACKSLASH = 92;
const OPEN = 123;
const CLOSE = 125;

/** +1 for `#if`, `#ifdef`, `#ifndef`; -1 for `#endif`; 0 for any other directive (from after its `#`). */
function directiveDepth(text: string, at: number): number {
  let k = at;
  while (text[k] === " " || text[k] === "\t") k++;
  const word = /^\w*/.exec(text.slice(k, k + 8))?.[0];
  return word === "if" || word === "ifdef" || word === "ifndef" ? 1 : word === "endif" ? -1 : 0;
}

/** Where a directive's last line ends (joined lines and comments in it included), at its newline. */
function endOfDirective(text: string, at: number): number {
  let j = at;
  while (j < text.length && text.charCodeAt(j) !== NL) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH && text.charCodeAt(j + 1) === NL) j += 2;
    else if (c === SLASH && text.charCodeAt(j + 1) === STAR) {
      const close = text.indexOf("*/", j + 2);
      j = close < 0 ? text.length : close + 2;
    } else if (c === SLASH && text.charCodeAt(j + 1) === SLASH) return endOfLine(text, j);
    // `#include "a/*b"`: no comment in a literal
    else if (c === QUOTE || c === APOSTROPHE) j = endOfLiteral(text, j, c);
    else j++;
  }
  return j;
}

/** Where a `//` comment ends, at its newline (a joined line continues it). */
function endOfLine(text: string, at: number): number {
  let j = at;
  while (j < text.length && text.charCodeAt(j) !== NL)
    j += text.charCodeAt(j) === BACKSLASH && text.charCodeAt(j + 1) === NL ? 2 : 1;
  return j;
}

/** Past a string or character literal; one left open ends at its line's end, as the lexer gives up there. */
function endOfLiteral(text: string, at: number, quote: number): number {
  let j = at + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === quote) return j + 1;
    if (c === NL) return j;
    j += c === BACKSLASH ? 2 : 1;
  }
  return j;
}
