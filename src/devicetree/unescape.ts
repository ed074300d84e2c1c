/**
 * The bytes of a DTS string or character literal body (between the quotes), escapes resolved as dtc
 * resolves them: `\a \b \t \n \v \f \r`, octal `\0`-`\377` (up to 3 digits), `\x` with 1-2 hex digits,
 * and any other escaped character as itself. `text` holds one byte per character (latin1).
 * Returns the index of a `\x` without hex digits instead of bytes.
 */
export function unescapeBytes(text: string): { bytes: number[] } | { badEscapeAt: number } {
  const bytes: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i++);
    if (c !== 0x5c /* \ */ || i >= text.length) {
      bytes.push(c & 0xff);
      continue;
    }
    const e = text[i++] as string;
    const simple = SIMPLE[e];
    if (simple !== undefined) bytes.push(simple);
    else if (e >= "0" && e <= "7") {
      let v = e.charCodeAt(0) - 48;
      for (let n = 0; n < 2 && i < text.length && isOctal(text.charCodeAt(i)); n++) {
        v = v * 8 + (text.charCodeAt(i++) - 48);
      }
      bytes.push(v & 0xff); // NOTE: dtc keeps the low byte of `\777`
    } else if (e === "x") {
      let v = -1;
      for (let n = 0; n < 2 && i < text.length && isHex(text.charCodeAt(i)); n++) {
        v = (v < 0 ? 0 : v * 16) + Number.parseInt(text[i++] as string, 16);
      }
      if (v < 0) return { badEscapeAt: i - 2 };
      bytes.push(v);
    } else bytes.push(e.charCodeAt(0) & 0xff);
  }
  return { bytes };
}

const SIMPLE: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
