/** A growing byte buffer: values and DTBs are built byte by byte without arrays of numbers. */
export class ByteSink {
  private buf = new Uint8Array(64);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: ArrayLike<number>): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** a big-endian number of `bits` (8, 16, 32 or 64) */
  uint(v: bigint | number, bits: number): void {
    this.room(bits / 8);
    if (typeof v === "number" && bits <= 32) {
      for (let shift = bits - 8; shift >= 0; shift -= 8) this.buf[this.length++] = (v >>> shift) & 0xff;
      return;
    }
    const big = BigInt(v);
    for (let shift = bits - 8; shift >= 0; shift -= 8)
      this.buf[this.length++] = Number((big >> BigInt(shift)) & 0xffn);
  }

  /** zeros up to a multiple of 4 */
  align4(): void {
    while (this.length % 4 !== 0) this.byte(0);
  }

  /** a copy of what was written */
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
