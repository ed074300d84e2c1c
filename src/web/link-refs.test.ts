import assert from "node:assert/strict";
import { test } from "node:test";
import { linkRefs } from "./link-refs.js";

const link = (ref: string) => (/:\d+$/.test(ref) ? `https://x/${ref}` : undefined);

test("each bracketed reference with an address becomes a link; the rest stays text", () => {
  const text = "ALLOW  ctl dm_op\n  ✔ lookup   [xen/a.c:1]\n  ✔ note   [not a ref]\n  ✘ b   [xen/b.h:22]";
  const segments = linkRefs(text, link);
  assert.deepEqual(segments, [
    "ALLOW  ctl dm_op\n  ✔ lookup   [",
    { text: "xen/a.c:1", href: "https://x/xen/a.c:1" },
    "]\n  ✔ note   [not a ref]\n  ✘ b   [",
    { text: "xen/b.h:22", href: "https://x/xen/b.h:22" },
    "]",
  ]);
  // nothing is lost or added
  assert.equal(segments.map((s) => (typeof s === "string" ? s : s.text)).join(""), text);
});

test("a text without references is one segment", () => {
  assert.deepEqual(linkRefs("DENY  a b", link), ["DENY  a b"]);
  assert.deepEqual(linkRefs("", link), []);
});
