import type { ArmView } from "./arm-view.js";
import { oncePer } from "./once-per.js";
import type { HookShape } from "./walker.js";
import { type Arch, type CFunction, type Extent, extentOf, type HeaderFlag } from "./xen-tree.js";

/** Where a function is: its file, its first line and its last. */
export type Place = readonly [file: string, line: number, end: number];

/** A function's extent: kept with it from the cache, else made from its body once. */
const extentMade = oncePer((f: CFunction): Extent => extentOf(f.body));
const extent = (f: CFunction): Extent => f.extent ?? extentMade(f);

/**
 * What a walk sees of a function wherever it is in its file: its file, arch, guards, parameters, where
 * its body starts from its first line, and a hash of the body's text. Two definitions alike in these
 * give walks alike but for the lines of their refs (walk-memo.ts moves those).
 */
export function identityOf(f: CFunction): string {
  const e = extent(f);
  return [f.file, f.arch ?? "", f.guards.join(" "), f.params.join(" "), e.from - f.line, e.digest].join("\t");
}

/** Whether two identities (identityOf's) are alike but for the body's hash, their last field. */
export const sameButBody = (a: string, b: string): boolean =>
  a.slice(0, a.lastIndexOf("\t")) === b.slice(0, b.lastIndexOf("\t"));

export const placeOf = (f: CFunction): Place => [f.file, f.line, extent(f).to];

/** The value a walk read, as the text walk-memo.ts compares: each kind of read has its own. */
export const readValue = {
  definitions: (defs: readonly CFunction[]): string => defs.map(identityOf).join("\n"),
  hook: (shape: HookShape | undefined): string => (shape ? JSON.stringify(shape) : ""),
  relevant: (relevant: boolean): string => (relevant ? "1" : "0"),
  flag: (header: readonly HeaderFlag[] | undefined, own: readonly HeaderFlag[] | undefined): string =>
    JSON.stringify([header ?? null, own ?? null]),
};

/** A read's key: its kind and what was asked, `\0` between them. */
export const readKey = (...parts: string[]): string => parts.join("\0");

/**
 * Everything one walk (walker.ts) read of its inputs: each function definition looked up, each hook
 * shape, each name of the relevant set, each flag macro and Kconfig symbol, with the value it had, and
 * where the functions were. Keyed by what was asked, first read first.
 */
export class WalkReads {
  readonly values = new Map<string, string>();
  /** the definitions each `definitions` key gave, in their order (placeOf says where they are) */
  readonly defs = new Map<string, readonly CFunction[]>();
  /** how often each function's body was walked */
  readonly #entered = new Map<CFunction, number>();
  /** the cases left out of each function's switch on the sub-op, each time it ran one */
  readonly #skipped = new Map<CFunction, ArmView[]>();
  /** functions whose whole text was read (their switch on the sub-op included) */
  readonly #whole = new Set<CFunction>();
  /** where each function's walk left its body: the statement after, from the body's start */
  readonly #left = new Map<CFunction, number>();

  /** A function's body walked. */
  entered(f: CFunction): void {
    this.#entered.set(f, (this.#entered.get(f) ?? 0) + 1);
  }

  /** A switch on the sub-op in a function ran only some cases. */
  skipped(f: CFunction, view: ArmView): void {
    this.#skipped.set(f, [...(this.#skipped.get(f) ?? []), view]);
  }

  /** A function's walk left its body before the statement at `at` (from the body's start): none after is read. */
  left(f: CFunction, at: number): void {
    this.#left.set(f, at);
  }

  /** A function's text read beyond the statements walked (all its cases, a regex on its body). */
  whole(f: CFunction): void {
    this.#whole.add(f);
  }

  /**
   * What the walk read of `f` when it is less than its body: walked once, and in each switch on the
   * sub-op it ran, part of the cases; where it left the body early, none of what follows.
   */
  viewOf(f: CFunction): readonly ArmView[] | null {
    const skipped = this.#skipped.get(f) ?? [];
    const left = this.#left.get(f);
    const views =
      left === undefined ? skipped : [...skipped, { at: left, label: "", count: 0, tail: true as const }];
    return this.#entered.get(f) === 1 && views.length > 0 && !this.#whole.has(f) ? views : null;
  }

  /** The function the walk starts from (a `definitions` read of no name). */
  entry(f: CFunction): void {
    this.#definitions(readKey("e"), [f]);
  }

  definitions(arch: Arch, name: string, defs: readonly CFunction[]): void {
    this.#definitions(readKey("d", arch, name), defs);
  }

  #definitions(key: string, defs: readonly CFunction[]): void {
    if (this.values.has(key)) return;
    this.values.set(key, readValue.definitions(defs));
    this.defs.set(key, defs);
  }

  hook(name: string, shape: HookShape | undefined): void {
    this.#note(readKey("h", name), () => readValue.hook(shape));
  }

  relevant(name: string, relevant: boolean): void {
    this.#note(readKey("r", name), () => readValue.relevant(relevant));
  }

  flag(name: string, file: string, header?: readonly HeaderFlag[], own?: readonly HeaderFlag[]): void {
    this.#note(readKey("f", name, file), () => readValue.flag(header, own));
  }

  /** Notes a Kconfig symbol's value and gives it back. */
  kconfig<T extends string>(arch: Arch, symbol: string, value: T): T {
    this.#note(readKey("k", arch, symbol), () => value);
    return value;
  }

  /** What another walk read (a helper's, kept apart), where this one has not read it. */
  absorb(other: WalkReads): void {
    for (const [key, value] of other.values) if (!this.values.has(key)) this.values.set(key, value);
    for (const [key, defs] of other.defs) if (!this.defs.has(key)) this.defs.set(key, defs);
    for (const [f, n] of other.#entered) this.#entered.set(f, (this.#entered.get(f) ?? 0) + n);
    for (const [f, views] of other.#skipped)
      this.#skipped.set(f, [...(this.#skipped.get(f) ?? []), ...views]);
    for (const f of other.#whole) this.#whole.add(f);
    for (const [f, at] of other.#left) if (!this.#left.has(f)) this.#left.set(f, at);
  }

  #note(key: string, value: () => string): void {
    if (!this.values.has(key)) this.values.set(key, value());
  }
}
