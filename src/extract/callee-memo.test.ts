/**
 * Helpers' walks taken again from other callers (callee-memo.ts) change no catalogue: where the
 * caller's stack cuts a call the helper makes (a cycle, the depth limit), the helper is walked again.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Catalogue } from "../catalog/schema.js";
import { extractCatalogue } from "./extract-catalogue.js";

const PATTERNS = fileURLToPath(new URL("../../test/fixtures/extract/patterns/", import.meta.url));

/** Each operation's checks as hook, condition and line: what a wrongly kept walk would change. */
const checksOf = (c: Catalogue): Record<string, string[]> =>
  Object.fromEntries(
    c.operations.map((o) => [
      o.id,
      o.checks.map((k) => `${k.kind === "xsm" ? k.hook : k.kind} ${JSON.stringify(k.when ?? [])} ${k.ref}`),
    ]),
  );

describe("helpers' walks kept within an extraction", () => {
  test("a helper reached through a cycle, under a condition and too deep: each sub-op as if walked alone", async () => {
    const root = join(PATTERNS, "shared-helpers");
    const kept = await extractCatalogue(root, { workers: 0 });
    assert.deepEqual(kept, await extractCatalogue(root, { workers: 0, keepHelperWalks: false }));
    const check = "[] xen/common/relay.c:15";
    const loop = "[] xen/common/relay.c:32";
    const loopIfHops = (more = "") => `${more}"runtime:hops > 1"${more ? "]}" : ""} xen/common/relay.c:32`;
    assert.deepEqual(checksOf(kept), {
      // relay_loop is below relay_route: its call back is cut
      "relay_op/looped": [`relay_loop ${loop}`, `relay_check ${check}`],
      "relay_op/direct": [`relay_check ${check}`, `relay_loop ${loopIfHops()}`],
      // relay_route as `looped` walked it, not as `direct` did before
      "relay_op/again": [`relay_loop ${loop}`, `relay_check ${check}`],
      "relay_op/guarded": [
        `relay_check "runtime:op.flags & 1" xen/common/relay.c:15`,
        `relay_loop ${loopIfHops('{"all":["runtime:op.flags & 1",')}`,
      ],
      // relay_route as `guarded` walked it, under this sub-op's condition
      "relay_op/flagged": [
        `relay_check "runtime:op.flags & 2" xen/common/relay.c:15`,
        `relay_loop ${loopIfHops('{"all":["runtime:op.flags & 2",')}`,
      ],
      // relay_route thirteen calls down makes no call: only relay_d1's own hook
      "relay_op/deep": ["relay_loop [] xen/common/relay.c:54"],
      "relay_op/shallow": [`relay_check ${check}`, `relay_loop ${loopIfHops()}`],
      "relay_op/deeper": ["relay_loop [] xen/common/relay.c:54"],
    });
  });

  for (const pattern of readdirSync(PATTERNS).filter((p) => !p.startsWith("bad-")))
    test(`${pattern}: the same catalogue with helpers' walks kept or not`, async () => {
      const root = join(PATTERNS, pattern);
      assert.deepEqual(
        await extractCatalogue(root, { workers: 0 }),
        await extractCatalogue(root, { workers: 0, keepHelperWalks: false }),
      );
    });
});
