import { setV8Flag } from "./v8-flag.js";

/** The flags `--liftoff-only` sets or implies, and what they must be put back to. */
const TIERS = ["liftoff-only", "liftoff", "wasm-tier-up", "wasm-dynamic-tiering"];

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff) for the rest of the process, unless the user
 * chose its tiers: for an extraction that parses few files (a second tag, the cache holding nearly
 * all of its files), where tree-sitter's code tiered up to TurboFan cost more than it saved
 * (seed-4.22.0 after RELEASE-4.22.0: 1.04 against 1.16 s, 1.71 against 1.92 s of CPU; neither
 * `--no-wasm-tier-up` nor `--no-wasm-dynamic-tiering` alone did it; BENCHMARKS.md, "A second tag
 * again"). One that parses many (no cache, master after RELEASE-4.22.0) is quicker tiered up, and is
 * left as it is. Set before tree-sitter loads: V8 decides a module's tiers when it compiles it.
 */
export function baselineWasm(): void {
  setV8Flag(TIERS, "--liftoff-only", "--no-liftoff-only --liftoff --wasm-tier-up --wasm-dynamic-tiering");
}
