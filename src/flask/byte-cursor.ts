import { error } from "../core/diagnostic.js";
import { fail } from "../core/errors.js";

const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Little-endian reads over a binary policy, each checked against its end. The section being read is
 * kept so that every diagnostic says where it is, by byte and by what the reader was reading there.
 */
export class ByteCursor {
  private readonly view: DataView;
  private readonly latin1 = new TextDecoder("latin1");
  pos = 0;
  /** what is being read: "class `domain`", "access vector table, entry 12" */
  section = "header";

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.pos;
  }

  /** Fails with a diagnostic located at `at` (default: here) in the current section. */
  bad(code: string, message: string, at = this.pos, help?: string): never {
    return fail(
      error(
        `flask/${code}`,
        `${message} (byte ${at}, ${hex(at)}, in ${this.section})`,
        { file: this.file, line: 0, column: 0, offset: at },
        help,
      ),
    );
  }

  need(n: number, what: string): void {
    if (n > this.remaining)
      this.bad(
        "truncated",
        `the policy ends at byte ${this.bytes.byteLength}, inside ${what} (${n} bytes from ${this.pos})`,
      );
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `len` bytes as a name (the policy stores names without NUL; bytes are kept one-to-one). */
  string(len: number, what: string): string {
    if (len === 0) this.bad("empty-name", `${what} has length 0`, this.pos - 4);
    this.need(len, what);
    const s = this.latin1.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }

  /**
   * An element count, checked against what is left: each element takes at least `minSize` bytes, so a
   * count that cannot fit is refused before any loop runs on it.
   */
  count(what: string, minSize: number): number {
    const at = this.pos;
    const n = this.u32(`the number of ${what}`);
    if (n * minSize > this.remaining)
      this.bad(
        "bad-count",
        `${n} ${what} cannot fit in the ${this.remaining} bytes left (each takes at least ${minSize})`,
        at,
      );
    return n;
  }
}
