import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ZodType } from "zod";
import { type Catalogue, OperationSchema } from "../catalog/schema.js";
import { InputError } from "../core/errors.js";
import type { FlaskHook } from "../flask/hook-checks.js";
import type { Action } from "../model/action.js";
import { loadCParser, type ParseC } from "./c-parser.js";
import { contradictingSites, findCallSites, findMismatches } from "./call-sites.js";
import { CalleeMemo } from "./callee-memo.js";
import { codeDigest } from "./code-digest.js";
import { namesIn } from "./compare-policy.js";
import { constantsOf, publicHeaders } from "./constants.js";
import type { DefaultActionExtraction } from "./default-action.js";
import type { HookExtraction } from "./dummy-hooks.js";
import { flaskHookFiles, readFlaskHooks } from "./flask-hooks.js";
import { domainParams } from "./hook-body.js";
import { readHypercallTable } from "./hypercall-table.js";
import { KeptConstantsSchema, KeptFlaskHooksSchema, KeptPolicySchema } from "./kept-values.js";
import { lookupsFor } from "./lookup-semantics.js";
import { extractOperations } from "./operations.js";
import { ParseCache } from "./parse-cache.js";
import { treeSalt } from "./parse-files.js";
import { HOOKS_H, readPolicy } from "./read-policy.js";
import type { Unresolved } from "./unresolved.js";
import { splitVariants } from "./variants.js";
import { WalkMemo } from "./walk-memo.js";
import type { HookShape } from "./walker.js";
import { checkLayout, DUMMY_H, HYPERCALL_DEFS, parseFile, readSource, readXenTree } from "./xen-tree.js";

export interface ExtractOptions {
  /**
   * what the catalogue's meta says about the tree, or its promise (tree-meta.ts's treeMetaLater asks
   * git while the tree is read); a promise that fails fails the extraction, before its own failures
   */
  readonly meta?: Partial<Catalogue["meta"]> | Promise<Partial<Catalogue["meta"]>>;
  readonly progress?: (stage: string, done?: number, total?: number) => void;
  /** where parsed trees are kept between runs (parse-cache.ts); none: every file is parsed */
  readonly cacheDir?: string;
  /** threads that parse (parse-files.ts); 0 parses on this one */
  readonly workers?: number;
  /** a parser to use instead, on this thread and without the cache (parse-files.ts) */
  readonly parse?: ParseC;
  /** told, before tree-sitter loads, that the cache holds nearly every file: few will be parsed */
  readonly fewToParse?: () => void;
  /**
   * @internal for the tests, which check that keeping them changes nothing. false: every helper is
   * walked again from each caller, none taken from another sub-op's walk (callee-memo.ts)
   */
  readonly keepHelperWalks?: boolean;
}

/** Reads a Xen source tree and builds its catalogue, with the tree's own default policy. */
export async function extractCatalogue(root: string, options: ExtractOptions = {}): Promise<Catalogue> {
  const meta = Promise.resolve(options.meta ?? {});
  try {
    return await extractWith(root, options, meta);
  } catch (e) {
    await meta;
    throw e;
  } finally {
    // what this thread's caches write in the background is on disk before the catalogue is given
    await ParseCache.written();
  }
}

/** extractCatalogue's work, with the meta to come. */
async function extractWith(
  root: string,
  options: ExtractOptions,
  meta: Promise<Partial<Catalogue["meta"]>>,
): Promise<Catalogue> {
  const progress = options.progress ?? (() => {});
  // a meta that fails (a commit named that is not the checkout's) stops the extraction where it is
  // seen, not after the whole tree is read; extractCatalogue says its error before any other
  let metaFailed: { error: unknown } | undefined;
  meta.catch((error: unknown) => {
    metaFailed = { error };
  });
  const stopIfMetaFailed = () => {
    if (metaFailed) throw metaFailed.error;
  };
  checkLayout(root);
  // what is kept between runs: the parse cache's entries, keyed by xenpriv's code too
  const kept =
    options.cacheDir === undefined || options.parse
      ? undefined
      : new ParseCache(options.cacheDir, treeSalt(), codeDigest(), { inBackground: true });
  // what this thread parses itself (dummy.h, Flask's files) where the cache has not kept what is read
  // of it; the grammar is the one readXenTree's parser loads (c-parser.ts loads it once per thread)
  let parser: Promise<ParseC> | undefined;
  const parse = () => {
    parser ??= options.parse ? Promise.resolve(options.parse) : loadCParser();
    return parser;
  };
  const remember = rememberIn(kept);
  progress("hooks");
  // The tree's files are read by the parser's threads while this one reads the policy, and parsed once
  // the hooks are known: a tree whose dummy.h cannot be read whole is refused before the long parse.
  let hooksRead: (hooks: ReadonlySet<string>) => void = () => {};
  let policyRefused: (error: unknown) => void = () => {};
  const reaching = new Promise<ReadonlySet<string>>((resolve, reject) => {
    hooksRead = resolve;
    policyRefused = reject;
  });
  // a refusal is the policy's own error, thrown below, whether the reading still waits for it or not
  reaching.catch(() => {});
  const reading = readXenTree(root, {
    reaching,
    progress: (done, total) => progress("parsing", done, total),
    ...(options.cacheDir !== undefined && { cacheDir: options.cacheDir }),
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.parse && { parse: options.parse }),
    ...(options.fewToParse && { fewToParse: options.fewToParse }),
  });
  // awaited below: a failure meanwhile is said after the policy's
  reading.catch(() => {});
  let policy: TreePolicy;
  try {
    policy = await readTreePolicy(root, parse, remember);
    stopIfMetaFailed();
  } catch (e) {
    policyRefused(e);
    await reading.catch(() => {});
    throw e;
  }
  const { hookX, defaultX, flaskHooks, shapes } = policy;
  hooksRead(new Set(shapes.keys()));
  progress("parsing");
  const tree = await reading;
  stopIfMetaFailed();
  // INVARIANT: readXenTree gives the functions reaching the hooks it was given, as it read them
  const relevant = tree.reaching as ReadonlySet<string>;

  const table = readHypercallTable(readSource(root, HYPERCALL_DEFS), HYPERCALL_DEFS);
  const bad = table.diagnostics.filter((d) => d.severity === "error");
  if (bad.length)
    throw new InputError(
      bad.map((d) => (d.span ? { ...d, span: { ...d.span, file: join(root, d.span.file) } } : d)),
    );
  // what the table reader could only partly read (a guard it lost) is said in the output, not dropped
  const tableNotes: Unresolved[] = table.diagnostics
    .filter((d) => d.severity !== "error")
    .map((d) => ({
      ref: `${HYPERCALL_DEFS}:${d.span?.line ?? 1}`,
      what: "hypercall table",
      reason: d.message,
    }));
  progress("operations");
  const headers = publicHeaders(root);
  const { constants: constantList } = await remember(
    "constants",
    [...headers],
    () => ({ constants: [...constantsOf(headers)] }),
    KeptConstantsSchema,
  );
  const constants = new Map(constantList);
  const memo = kept && new WalkMemo(kept, tree, shapes, relevant);
  const ops = extractOperations(tree, table.entries, shapes, relevant, constants, {
    ...(memo && { memo }),
    ...(options.keepHelperWalks !== false && { callees: new CalleeMemo() }),
  });

  // An XSM_OTHER hook decides on its arguments: without their value at the call site the check cannot be
  // evaluated, so it becomes a run-time condition of the answer (never a silent allow).
  const decidesOn = new Map(
    hookX.hooks.flatMap((h) => {
      const body = hookX.bodies[h.name];
      return body ? [[h.name, [...namesIn(body, h.params).values.keys()]] as const] : [];
    }),
  );
  for (const op of ops.operations)
    op.checks = op.checks.map((c) => {
      const needed = c.kind === "xsm" ? decidesOn.get(c.hook) : undefined;
      if (c.kind !== "xsm" || !needed) return c;
      const missing = [...needed].filter((v) => v !== "action" && !(v in c.values));
      if (missing.length === 0) return c;
      const reason = `xsm_${c.hook} decides on ${missing.map((m) => `\`${m}\``).join(", ")}, known only at run time`;
      ops.unresolved.push({ ref: c.ref, what: `${op.id}: xsm_${c.hook}`, reason });
      return {
        kind: "gate",
        require: `runtime:${reason}`,
        error: c.denial,
        ref: c.ref,
        ...(c.when && { when: c.when }),
      } as unknown as typeof c;
    });

  // an operation the catalogue cannot hold (a case label like `FOO + 1` makes no id) is said, not written
  const operations = ops.operations
    .flatMap((op) => splitVariants(op, constants))
    .filter((op) => {
      const r = OperationSchema.safeParse(op);
      if (!r.success)
        ops.unresolved.push({
          ref: op.ref,
          what: op.id,
          reason: `not a valid operation: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        });
      return r.success;
    });
  const sites = findCallSites(tree, new Set(shapes.keys()));
  const reached = new Map<string, string[]>();
  // checks kept as run-time gates still reach their call site
  for (const op of operations)
    for (const c of op.checks)
      if (c.kind === "xsm" || c.kind === "gate") {
        const list = reached.get(c.ref) ?? [];
        if (!list.includes(op.id)) list.push(op.id);
        reached.set(c.ref, list);
      }
  const usedLookups = new Set(
    operations.flatMap((o) => (o.target.kind === "domain" ? [o.target.lookup] : [])),
  );
  // the policy's own gaps were refused by readPolicy: what is left are the walker's and the table's notes
  const unresolved: Unresolved[] = [...tableNotes, ...ops.unresolved];
  if (
    usedLookups.has("domctl") &&
    ![...ops.lookupFailures.values()].some((f) => f.ref.startsWith("xen/common/domctl.c:"))
  )
    unresolved.push({
      ref: "xen/common/domctl.c:1",
      what: "do_domctl lookup",
      reason: "the error after the lookup was not recognised; -ESRCH assumed",
    });

  // dummy.h is parsed again (the policy may come from the cache) only where a call site contradicts its hook
  const contradicting = contradictingSites(sites, hookX.hooks);
  const mismatches =
    contradicting.length === 0
      ? []
      : findMismatches(contradicting, {
          root,
          dummyH: parseFile({ path: DUMMY_H, text: readSource(root, DUMMY_H) }, await parse()),
        });
  const m = await meta;
  return {
    version: 1,
    meta: {
      xen: m.xen ?? "unknown",
      tag: m.tag ?? "",
      commit: m.commit ?? "",
      origin: "extracted",
      date: m.date ?? "",
      note: m.note ?? `extracted by xenpriv extract from ${tree.files} C files`,
    },
    hooks: hookX.hooks,
    lookups: lookupsFor(tree, usedLookups, ops.lookupFailures.values()),
    operations,
    policy: { actions: defaultX.actions as Action[], defaultAction: defaultX.program, hooks: hookX.bodies },
    extraction: {
      callSites: sites.map((s) => ({
        ...s,
        action: s.action as Action | null,
        reachedBy: reached.get(s.ref) ?? [],
      })),
      mismatches: mismatches as never,
      unresolved,
    },
    ...(flaskHooks && {
      flask: { source: m.tag || m.commit || `Xen ${m.xen ?? "unknown"}`, hooks: flaskHooks },
    }),
  } as unknown as Catalogue;
}

/** What extraction reads of the tree's XSM policy: dummy.h's hooks and default action, and Flask's hooks. */
interface TreePolicy {
  readonly hookX: HookExtraction;
  readonly defaultX: DefaultActionExtraction;
  /** what each Flask hook checks; none for a tree without Flask */
  readonly flaskHooks?: FlaskHook[];
  /** what the walker needs to know of each hook */
  readonly shapes: Map<string, HookShape>;
}

/**
 * `make`'s value for `input`, or the one `kept` has as `what` of the same input (JSON), where it is
 * of `shape` (kept-values.ts); without a cache, `make`'s.
 */
const rememberIn =
  (kept: ParseCache | undefined) =>
  async <T extends object>(
    what: string,
    input: unknown,
    make: () => T | Promise<T>,
    shape: ZodType,
  ): Promise<T> => {
    const text = JSON.stringify(input);
    const recalled = kept?.recall<T>(what, text);
    // an entry of another shape was not made by this code: read again
    if (recalled !== undefined && shape.safeParse(recalled).success) return recalled;
    const made = await make();
    kept?.remember(what, text, made);
    return made;
  };
type Remember = ReturnType<typeof rememberIn>;

async function readTreePolicy(
  root: string,
  parse: () => Promise<ParseC>,
  remember: Remember,
): Promise<TreePolicy> {
  const {
    declared: declaredList,
    hooks: hookX,
    defaultAction: defaultX,
  } = await remember(
    "policy",
    [DUMMY_H, HOOKS_H].map((p) => (existsSync(join(root, p)) ? readSource(root, p) : null)),
    async () => {
      const { dummyH, hooks, defaultAction } = readPolicy(root, await parse());
      return {
        hooks,
        defaultAction,
        declared: dummyH.functions.map((f) => [f.name, domainParams(f)] as const),
      };
    },
    KeptPolicySchema,
  );
  // what each Flask hook checks, for `--policy flask:...` with this catalogue (a tree without
  // xen/xsm/flask/hooks.c has no Flask part)
  const flaskFiles = flaskHookFiles(root);
  const flaskHooks = flaskFiles.some((f) => f.path.endsWith("hooks.c"))
    ? (
        await remember(
          "flask hooks",
          flaskFiles,
          async () => ({ flaskHooks: readFlaskHooks(flaskFiles, await parse()) }),
          KeptFlaskHooksSchema,
        )
      ).flaskHooks
    : undefined;
  // Checks are the asserted hooks and the ARGO hooks, which take no action argument (dummy.h:719-741
  // at 4.22.0 return 0; silo.c restricts them); the other unasserted functions allocate, free or log.
  const declared = new Map(declaredList);
  const shape = (name: string, params: readonly string[], extra = {}): [string, HookShape] => {
    const d = declared.get(`xsm_${name}`);
    return [name, { params, domains: d?.domains ?? [], domids: d?.domids ?? [], ...extra }];
  };
  const shapes = new Map<string, HookShape>([
    ...hookX.hooks.map((h) => shape(h.name, h.params)),
    ...hookX.nonHooks
      .filter((h) => h.name.startsWith("xsm_argo_"))
      .map((h) => shape(h.name.slice(4), h.params)),
    // `xsm_do_xsm_op()` is `return -ENOSYS;` in dummy.h: the hypercall works only with a module of its own
    ...hookX.nonHooks.flatMap((h) =>
      h.fails ? [shape(h.name.slice(4), h.params, { fails: { error: h.fails, ref: h.ref } })] : [],
    ),
  ]);
  return { hookX, defaultX, ...(flaskHooks && { flaskHooks }), shapes };
}
