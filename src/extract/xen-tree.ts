import { createHash, type Hash } from "node:crypto";
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { error } from "../core/diagnostic.js";
import { fail, InputError } from "../core/errors.js";
import { blankMacros } from "./blank-macros.js";
import { lineOf, type Node, type ParseC } from "./c-parser.js";
import { conditional, currentScope, type Frame, logicalLines } from "./directives.js";
import { FunctionTable } from "./function-table.js";
import { buildable, type Kconfig, readKconfig } from "./kconfig.js";
import { mostlyKept } from "./mostly-kept.js";
import { oncePer } from "./once-per.js";
import { type OnParsed, type SourceFile, SourceParser } from "./parse-files.js";
import { type CallSummary, callSummary, ReachingHooks } from "./relevant.js";
import { type FileScan, nameHash } from "./scan-source.js";
import type { SyntaxTree } from "./syntax-tree.js";

export type Arch = "x86" | "arm";

/** A C function definition in the tree, with where it is built. */
export interface CFunction {
  readonly name: string;
  /** path relative to the tree root */
  readonly file: string;
  readonly line: number;
  /** null: common code, built for every arch */
  readonly arch: Arch | null;
  /** `#ifdef CONFIG_*` around the definition, `!CONFIG_X` under `#ifndef` / `#else` */
  readonly guards: readonly string[];
  readonly params: readonly string[];
  readonly body: Node;
  /** what relevant.ts reads of the body, made where the file was parsed (a worker); else it reads the body */
  readonly summary?: CallSummary;
  /** where the body is and a hash of its text, made where the file was parsed; else made from the body */
  readonly extent?: Extent;
}

/** Where a function's body is, and a hash of its text: what walk-reads.ts compares of a definition. */
export interface Extent {
  /** the body's first line */
  readonly from: number;
  /** its last */
  readonly to: number;
  readonly digest: string;
}

/** A hash of the text fed to `hash` as walk-reads.ts compares it: 132 bits, SHA-256's first 22 base64url characters. */
export const shortDigest = (hash: Hash): string => hash.digest("base64url").slice(0, 22);

export const extentOf = (body: Node): Extent => ({
  from: lineOf(body),
  to: body.endPosition.row + 1,
  digest: shortDigest(createHash("sha256").update(body.text)),
});

/** A parsed Xen source tree: the files the extractor reads and every function definition. */
export interface XenTree {
  readonly root: string;
  readonly functions: ReadonlyMap<string, readonly CFunction[]>;
  readonly files: number;
  readonly bytes: number;
  /** what each arch's Kconfig lets a build have */
  readonly kconfig: Readonly<Record<Arch, Kconfig>>;
  /** header macros that stand for a flag when a feature is off: `#define llc_coloring_enabled false` */
  readonly flags: ReadonlyMap<string, readonly HeaderFlag[]>;
  /**
   * The names of the functions read that reach the hooks asked for (`reaching`), found as they were
   * read (relevant.ts's ReachingHooks); given whenever `reaching` was.
   */
  readonly reaching?: ReadonlySet<string>;
}

export interface HeaderFlag {
  readonly value: boolean;
  readonly arch: Arch | null;
  readonly guards: readonly string[];
  readonly ref: string;
}

const FLAG = /^([a-z_][a-z0-9_]*)\s+(true|false|0|1)\s*$/;
/** What may stand between a directive's tokens in the raw text: a blank, a continuation, a comment. */
const GAP = String.raw`(?:[ \t\f\v]|\\\r?\n|\/\*(?:[^*]|\*(?!\/))*\*\/)`;
/**
 * Comments, taken whole as logicalLines blanks them, or (group 1) what a FLAG needs: `#define`, a
 * lower-case name, then `true`, `false`, `0` or `1` as a word; or a `/*` left open, which the full
 * reading handles as it always did. Tested on the raw text first: 22 of RELEASE-4.22.0's 548 headers
 * pass, where a test of the name alone passed 82, whose lines took a cached extraction 40 ms to read.
 * No match starts inside a comment, so the test takes linear time.
 */
const MAY_FLAG = new RegExp(
  String.raw`\/\*[\s\S]*?\*\/|\/\/[^\n]*|(\/\*|#${GAP}*define${GAP}+[a-z_][a-z0-9_]*${GAP}+(?:true|false|0|1)(?![A-Za-z0-9_]))`,
  "g",
);
const mayFlag = (text: string): boolean => {
  MAY_FLAG.lastIndex = 0;
  for (let m = MAY_FLAG.exec(text); m; m = MAY_FLAG.exec(text)) if (m[1] !== undefined) return true;
  return false;
};
/** `#ifndef __XEN_IOMMU_H__`: around the whole header, no condition of the build */
const INCLUDE_GUARD = /^_*[A-Z0-9_]*_H_*$/;

/**
 * The lower-case object macros of a header defined as `true`, `false`, `0` or `1`, with their
 * guards; one under a condition that is no plain `CONFIG_*` test (`#ifdef NDEBUG`) is left out.
 */
export function flagsIn(text: string, file: string, arch: Arch | null): [string, HeaderFlag][] {
  const out: [string, HeaderFlag][] = [];
  if (!mayFlag(text)) return out;
  const frames: Frame[] = [];
  let scope = currentScope(frames);
  for (const { line, text: l } of logicalLines(text)) {
    const directive = /^\s*#\s*(\w+)\s*(.*)$/.exec(l);
    if (!directive) continue;
    const [, name = "", rest = ""] = directive;
    const flag = name === "define" ? FLAG.exec(rest.trim()) : null;
    if (flag && !scope.dead && scope.lossy.length === 0 && scope.others.every((o) => INCLUDE_GUARD.test(o)))
      out.push([
        flag[1] as string,
        { value: flag[2] === "true" || flag[2] === "1", arch, guards: scope.guards, ref: `${file}:${line}` },
      ]);
    if (name !== "define" && !conditional(frames, name, rest, line)) scope = currentScope(frames);
  }
  return out;
}

/** The files that make a directory a Xen tree the extractor understands. */
export const DUMMY_H = "xen/include/xsm/dummy.h";
export const HYPERCALL_DEFS = "xen/include/hypercall-defs.c";
const REQUIRED_FILES = [DUMMY_H, HYPERCALL_DEFS, "xen/common/domctl.c"];

/** Architectures outside the catalogue's model are not read. */
const OTHER_ARCH = /^xen\/arch\/(?!x86\/|arm\/)/;

export function archOf(path: string): Arch | null | "other" {
  if (path.startsWith("xen/arch/x86/")) return "x86";
  if (path.startsWith("xen/arch/arm/")) return "arm";
  return OTHER_ARCH.test(path) ? "other" : null;
}

/** The largest file read: Xen's largest C file is under 0.5 MB; tree-sitter's wasm heap is not unlimited. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const unreadable = (file: string, why: string): never =>
  fail(error("extract/unreadable", `cannot read \`${file}\`: ${why}`, { file, line: 1, column: 1 }));

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/** Regular `.c` and `.h` files only: a FIFO named `x.c` would block the read forever. */
export function walk(dir: string, out: { c: string[]; h: string[] }): void {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    unreadable(dir, errno(e));
  }
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.[ch]$/.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFile(p))))
      out[e.name.endsWith(".c") ? "c" : "h"].push(p);
  }
}

const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** A file of the tree as text; an unreadable or oversized one is bad input naming it, not a crash. */
export function readSource(root: string, path: string): string {
  const file = join(root, path);
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES)
      unreadable(file, `${size} bytes, more than the ${MAX_FILE_BYTES} a source file may have`);
    return readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    return unreadable(file, errno(e));
  }
}

/** What each modelled arch's Kconfig lets a build of the tree have. */
export function kconfigOf(root: string): Record<Arch, Kconfig> {
  // both arches source common/Kconfig and the rest: each file is read once
  const files = new Map<string, string | null>();
  const read = (path: string) => {
    if (!files.has(path))
      files.set(path, existsSync(join(root, "xen", path)) ? readSource(root, `xen/${path}`) : null);
    return files.get(path) ?? null;
  };
  return { x86: readKconfig(read, "x86"), arm: readKconfig(read, "arm") };
}

/** Fails with exit 2 unless `root` looks like a Xen source tree. */
export function checkLayout(root: string): void {
  if (!existsSync(root) || !statSync(root).isDirectory())
    fail(
      error(
        "extract/not-a-directory",
        `\`${root}\` is not a directory`,
        undefined,
        "give the root of a Xen source tree",
      ),
    );
  for (const f of REQUIRED_FILES)
    if (!existsSync(join(root, f)))
      fail(
        error(
          "extract/not-a-xen-tree",
          `\`${root}\` is not a Xen source tree the extractor knows: \`${f}\` is missing`,
          { file: join(root, f), line: 1, column: 1 },
          // hypercall-defs.c came in 4.17 (commit eca1f00d0227, "xen: generate hypercall interface related code"):
          // RELEASE-4.16.0 has none, so older trees stop here
          `expected ${REQUIRED_FILES.map((x) => `\`${x}\``).join(", ")} (Xen 4.17.0 or later)`,
        ),
      );
}

const GUARD_NAME = /^CONFIG_[A-Z0-9_]+$/;

/** The `CONFIG_*` guards a preprocessor branch adds; conditions that are not plain ones are not kept. */
export function branchGuards(node: Node, inElse: boolean): string[] {
  if (node.type === "preproc_ifdef") {
    const name = node.childForFieldName("name")?.text ?? "";
    if (!GUARD_NAME.test(name)) return [];
    const negated = (node.child(0)?.text === "#ifndef") !== inElse;
    return [negated ? `!${name}` : name];
  }
  const cond = node.childForFieldName("condition");
  if (!cond) return [];
  const terms = cond.text.split(/\s*&&\s*/);
  const simple = terms.map((t) => /^(!?)\s*defined\s*\(?\s*(CONFIG_[A-Z0-9_]+)\s*\)?$/.exec(t.trim()));
  if (simple.some((m) => !m)) return [];
  if (inElse) return simple.length === 1 ? [`${simple[0]?.[1] ? "" : "!"}${simple[0]?.[2]}`] : [];
  return simple.map((m) => `${m?.[1] ?? ""}${m?.[2]}`);
}

const PREPROC_BRANCH = new Set(["preproc_ifdef", "preproc_if", "preproc_elif", "preproc_else"]);

/**
 * What the preprocessor branch `n` (whose `alternative` and parent are given) adds to the guards of
 * its child `c`: nothing from a node that is no branch.
 */
function branchAdds(n: Node, c: Node, alternative: Node | null, owner: Node | null): string[][] {
  if (n.type === "preproc_else" || n.type === "preproc_elif") {
    // an `#elif`'s own condition holds in its body (not in the `#elif` / `#else` that follow it)
    const own = n.type === "preproc_elif" && !alternative?.equals(c) ? [branchGuards(n, false)] : [];
    // the `#if` this branch belongs to, negated, first
    return owner ? [branchGuards(owner, true), ...own] : own;
  }
  // a node in the `alternative` of an #if is handled by the preproc_else above
  if (!PREPROC_BRANCH.has(n.type) || alternative?.equals(c)) return [];
  return [branchGuards(n, false)];
}

const alternativeOf = (n: Node): Node | null =>
  PREPROC_BRANCH.has(n.type) ? n.childForFieldName("alternative") : null;

/** Guards from the preprocessor branches enclosing a node, outermost first. */
export function guardsAround(node: Node): string[] {
  const out: string[][] = [];
  let child: Node = node;
  for (let p = node.parent; p; child = p, p = p.parent)
    out.unshift(...branchAdds(p, child, alternativeOf(p), p.parent));
  return [...new Set(out.flat())];
}

function declaratorName(decl: Node | null): { name: string; params: string[] } | null {
  for (let d = decl; d; d = d.childForFieldName("declarator")) {
    if (d.type === "function_declarator") {
      const id = d.childForFieldName("declarator");
      if (id?.type !== "identifier") return null;
      const params = (d.childForFieldName("parameters")?.namedChildren ?? []).flatMap((p) => {
        let x: Node | null = p?.childForFieldName("declarator") ?? null;
        while (x && x.type !== "identifier") x = x.childForFieldName("declarator");
        return x ? [x.text] : [];
      });
      return { name: id.text, params };
    }
  }
  return null;
}

/**
 * Every function definition in a parsed file, with guardsAround's guards gathered on the way down
 * (no node's parents read: most files' trees are never walked).
 */
export function functionsIn(root: Node, file: string, arch: Arch | null): CFunction[] {
  const out: CFunction[] = [];
  const visit = (n: Node, above: readonly string[][], owner: Node | null): void => {
    const alternative = alternativeOf(n);
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === "function_definition") {
        const id = declaratorName(c.childForFieldName("declarator"));
        const body = c.childForFieldName("body");
        const guards = [...new Set([...above, ...branchAdds(n, c, alternative, owner)].flat())];
        if (id && body) out.push({ ...id, file, line: lineOf(c), arch, guards, body });
      } else if (
        PREPROC_BRANCH.has(c.type) ||
        c.type === "translation_unit" ||
        c.type === "ERROR" ||
        c.type === "linkage_specification" ||
        c.type === "declaration_list"
      )
        visit(c, [...above, ...branchAdds(n, c, alternative, owner)], n);
    }
  };
  visit(root, [], null);
  return out;
}

/** A function definition as parse-worker.ts posts it: its body as its node's place in the file's tree. */
export interface FunctionAt {
  readonly name: string;
  readonly params: readonly string[];
  readonly line: number;
  readonly guards: readonly string[];
  readonly body: number;
  readonly summary: CallSummary;
  /** made where the walks are kept (walk-reads.ts compares it): hashing every body costs */
  readonly extent?: Extent;
}

/** functionsIn on a copied tree, as a worker posts it; with their extents where they are kept (a cache). */
export function functionsAt(
  tree: SyntaxTree,
  file: string,
  arch: Arch | null,
  extents: boolean,
): FunctionAt[] {
  return functionsIn(tree.rootNode, file, arch).map((f) => ({
    name: f.name,
    params: f.params,
    line: f.line,
    guards: f.guards,
    body: f.body.at,
    summary: callSummary(f.body),
    ...(extents && { extent: extentOf(f.body) }),
  }));
}

/**
 * The functions a worker posted, on the file's tree here: what functionsIn gives, with their summaries.
 * Given a way to get the tree instead, a body is made when it is first read (the cache had the
 * functions, and most bodies are never read: walk-memo.ts).
 */
export function functionsOf(
  list: readonly FunctionAt[],
  tree: SyntaxTree | (() => SyntaxTree),
  file: string,
  arch: Arch | null,
  /** the tree's root, where a kept function that does not fit is said to be */
  root: string,
): CFunction[] {
  return list.map((f) => {
    const made = { name: f.name, params: f.params, file, line: f.line, arch, guards: f.guards };
    const rest = { summary: f.summary, ...(f.extent && { extent: f.extent }) };
    if (typeof tree !== "function") return { ...made, body: bodyAt(tree, f, root, file), ...rest };
    let body: Node | undefined;
    return Object.defineProperty({ ...made, ...rest }, "body", {
      get: () => {
        body ??= bodyAt(tree(), f, root, file);
        return body;
      },
      enumerable: true,
    }) as CFunction;
  });
}

/**
 * A function's body in its file's tree. The cache keeps the functions apart from the tree, and a hit
 * makes the tree only when a body is read: an entry whose body is no block of the tree was made by no
 * xenpriv (its hash holds, its text was forged), and only the tree can tell. (Which block it is, the
 * tree cannot tell cheaply: the entry's hash is what vouches for that.)
 */
function bodyAt(tree: SyntaxTree, f: FunctionAt, root: string, file: string): Node {
  const body = f.body >= 0 && f.body < tree.arrays.kind.length ? tree.node(f.body) : undefined;
  if (body?.type === "compound_statement") return body;
  const path = join(root, file);
  return fail(
    error(
      "extract/cache-entry",
      `the functions the parse cache kept for \`${path}\` do not fit it: \`${f.name}\` has no body where the entry says`,
      { file: path, line: f.line, column: 1 },
      "an entry of the cache was changed by hand: delete the cache directory, or extract with --no-cache",
    ),
  );
}

/**
 * Off in the build the catalogue models: features on (`config GRANT_TABLE ... default y`,
 * xen/common/Kconfig:32-34 at RELEASE-4.22.0), not the exclusive PV shim (`PV_SHIM_EXCLUSIVE` has no
 * default, xen/arch/x86/Kconfig:299-301).
 */
export const offByDefault = (g: string): boolean =>
  g === "CONFIG_PV_SHIM_EXCLUSIVE" || (g.startsWith("!") && g !== "!CONFIG_PV_SHIM_EXCLUSIVE");

/**
 * The definitions of a function that build compiles on one arch: a stand-in for a feature that is
 * off (`#ifndef CONFIG_GRANT_TABLE` in the PV shim) gives way to the real one.
 */
export function definitionsOn(tree: XenTree, name: string, arch: Arch): CFunction[] {
  const defs = (tree.functions.get(name) ?? []).filter(
    (f) => (f.arch === null || f.arch === arch) && buildable(tree.kconfig[arch], f.guards),
  );
  const on = defs.filter((f) => !f.guards.some(offByDefault));
  return on.length > 0 && on.length < defs.length ? on : defs;
}

/** A header read on its own (dummy.h): its path in the tree and the functions it defines. */
export interface ParsedFile {
  readonly path: string;
  readonly functions: readonly CFunction[];
}

export function parseFile(file: { readonly path: string; readonly text: string }, parse: ParseC): ParsedFile {
  return {
    path: file.path,
    functions: functionsIn(parse(blankMacros(file.text), file.path).rootNode, file.path, null),
  };
}

export interface ReadTreeOptions {
  /** each file as it is parsed, in any order, against every file read (not all of which are parsed) */
  readonly progress?: (done: number, total: number) => void;
  /** where parsed trees are kept between runs (parse-cache.ts); none: every file is parsed */
  readonly cacheDir?: string;
  /** threads that parse (parse-files.ts); 0 parses on this one */
  readonly workers?: number;
  /** a parser to use instead, on this thread and without the cache (parse-files.ts); every file is parsed */
  readonly parse?: ParseC;
  /**
   * The XSM hooks (without `xsm_`) whose callers matter: only the files that can define a function
   * reaching one (relevant.ts) are parsed ahead, and any other when a function it may define is
   * asked for. None: every file is parsed. A promise lets the files be read meanwhile (the caller
   * reads dummy.h): once the files are read, it is awaited, and its rejection ends the reading.
   */
  readonly reaching?: ReadonlySet<string> | Promise<ReadonlySet<string>>;
  /**
   * Told, before tree-sitter loads, that the cache holds nearly every file of the tree (mostly-kept.ts):
   * few will be parsed. The CLI keeps WebAssembly on V8's baseline compiler then (cli/wasm-tier.ts).
   */
  readonly fewToParse?: () => void;
}

/**
 * Reads every C file of the hypervisor (xen/), Arm and x86 only, and parses those that can matter;
 * `checkLayout` first. Worker threads scan and parse while this one reads the Kconfig files and the
 * headers' flags.
 */
export async function readXenTree(root: string, options: ReadTreeOptions = {}): Promise<XenTree> {
  const found = { c: [] as string[], h: [] as string[] };
  walk(join(root, "xen"), found);
  const files = sourceFilesOf(root, found.c);
  // 64 files read ahead of the scans, only where someone asks
  const { fewToParse, cacheDir } = options;
  if (fewToParse && cacheDir !== undefined && !options.parse && mostlyKept(root, files, cacheDir))
    fewToParse();
  const parser = await SourceParser.open(root, files, {
    ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }),
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.parse && { parse: options.parse }),
  });
  try {
    // this thread reads the headers, then what the caller reads before `reaching`, then scans
    const scanning = parser.scan(options.reaching instanceof Promise ? options.reaching : undefined);
    // this thread's own reading, while the workers scan
    let kconfig: Record<Arch, Kconfig> | undefined;
    const flags = new Map<string, HeaderFlag[]>();
    let failure: { error: unknown } | undefined;
    try {
      kconfig = kconfigOf(root);
      for (const p of found.h) {
        const file = relative(root, p);
        const arch = archOf(file);
        if (arch === "other" || !file.includes("/include/") || file.startsWith("xen/include/public/"))
          continue;
        addFlags(flags, flagsIn(readSource(root, file), file, arch));
      }
    } catch (error) {
      failure = { error };
    }
    // a .c file that cannot be read is said first, as when the files were read one after the other
    const scans = await scanning;
    if (failure || !kconfig) throw failure?.error;
    const reaching = await options.reaching;
    let done = 0;
    const reach = reaching && new ReachingHooks(reaching);
    const add = (i: number, list: CFunction[]) => {
      functions.add(i, list);
      if (reach) for (const f of list) reach.add(f);
      if (options.progress && ++done % 50 === 0) options.progress(done, files.length);
    };
    const functions: FunctionTable = new FunctionTable(files.length, byName(namesBy(scans, "defines")), (i) =>
      parser.parseNow(i, add),
    );
    const all = files.map((_, i) => i);
    if (reaching && reach && !options.parse)
      await parseReaching(parser, scans, functions, reaching, reach, add);
    else await parser.parse(all, add);
    functions.sortNames();
    // the walks' lookups parse on this thread, without waiting
    await parser.ready();
    const bytes = scans.reduce((n, s) => n + s.length, 0);
    // a copy: the functions a walk's lookups read later are not in it, as they are not in a table made now
    return {
      root,
      functions,
      files: files.length,
      bytes,
      kconfig,
      flags,
      ...(reach && { reaching: new Set(reach.reached) }),
    };
  } finally {
    parser.close();
  }
}

/** The C files of the hypervisor the extractor reads (xen/, Arm and x86 only), of those `walk` found. */
function sourceFilesOf(root: string, found: readonly string[]): SourceFile[] {
  const files: SourceFile[] = [];
  for (const p of found) {
    const file = relative(root, p);
    const arch = archOf(file);
    // hypercall-defs.c is the table gen_hypercall.awk reads (xen/include/Makefile), not C
    if (
      arch === "other" ||
      file === HYPERCALL_DEFS ||
      file.startsWith("xen/tools/") ||
      file.startsWith("xen/scripts/")
    )
      continue;
    files.push({ file, arch });
  }
  return files;
}

/** For each name's hash, the files whose scan lists it (scan-source.ts), in the tree's order. */
function namesBy(scans: readonly FileScan[], what: "calls" | "defines"): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [i, scan] of scans.entries())
    for (const name of scan[what]) {
      const files = out.get(name);
      if (files) files.push(i);
      else out.set(name, [i]);
    }
  return out;
}

const byName =
  (files: ReadonlyMap<number, readonly number[]>) =>
  (name: string): readonly number[] =>
    files.get(nameHash(name)) ?? [];

/**
 * Parses, round by round, the files that can hold a function reaching a hook: first those that
 * call a hook or may test the caller's role themselves, then every file that calls a function
 * found to reach one, until none is new. A function reaches a hook only through a call, and its
 * file's scan lists what it calls (scan-source.ts), so a file left out holds no function that
 * reaches one. What else the walk looks up, FunctionTable parses then.
 */
async function parseReaching(
  parser: SourceParser,
  scans: readonly FileScan[],
  functions: FunctionTable,
  hooks: ReadonlySet<string>,
  reach: ReachingHooks,
  add: OnParsed,
): Promise<void> {
  const callers = namesBy(scans, "calls");
  const next = new Set<number>(scans.flatMap((s, i) => (s.gate ? [i] : [])));
  const calling = byName(callers);
  for (const hook of hooks) for (const i of calling(`xsm_${hook}`)) next.add(i);
  while (next.size > 0) {
    await parser.parse(
      [...next].sort((a, b) => a - b),
      add,
    );
    next.clear();
    for (const name of reach.fresh()) for (const i of calling(name)) if (!functions.parsed(i)) next.add(i);
  }
}
/**
 * The flag macros a C file defines for itself (`#define opt_grant_transfer false` without CONFIG_PV,
 * xen/common/grant_table.c:192-194 at RELEASE-4.22.0), read once per tree and file, when a walk asks.
 */
export const fileFlags = (tree: XenTree, file: string): Map<string, HeaderFlag[]> => flagsOfFiles(tree)(file);

const flagsOfFiles = oncePer((tree: XenTree) =>
  oncePer((file: string) => addFlags(new Map(), flagsIn(readSource(tree.root, file), file, null))),
);

/** `flags` with each of `found` added to its name's list, in order. */
function addFlags(
  flags: Map<string, HeaderFlag[]>,
  found: readonly [string, HeaderFlag][],
): Map<string, HeaderFlag[]> {
  for (const [name, flag] of found) flags.set(name, [...(flags.get(name) ?? []), flag]);
  return flags;
}
