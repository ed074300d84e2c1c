import assert from "node:assert/strict";
import { test } from "node:test";
import { lineIndex } from "./line-index.js";

test("lineIndex: the line holding an offset, a line's first byte included, the last line open-ended", () => {
  const starts = [0, 4, 5, 9];
  assert.deepEqual(
    [0, 3, 4, 5, 8, 9, 100].map((o) => lineIndex(starts, o)),
    [0, 0, 1, 2, 2, 3, 3],
  );
  assert.equal(lineIndex([0], 7), 0);
});
