let rows = new Int32Array(192);

/**
 * Edit distance with adjacent transpositions (optimal string alignment); past `max` it stops and
 * returns `max + 1`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const m = a.length;
  const n = b.length;
  // three rows, rotated: the one before the previous is needed for transpositions; kept between
  // calls, since a command line of 150,000 unknown words asks for suggestions 150,000 times
  if (rows.length < 3 * (n + 1)) rows = new Int32Array(6 * (n + 1));
  let prev2 = rows.subarray(0, n + 1);
  let prev = rows.subarray(n + 1, 2 * (n + 1));
  let cur = rows.subarray(2 * (n + 1), 3 * (n + 1));
  for (let j = 0; j <= n; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // a cell comes from the row above or, by a transposition, the one before it: two rows past
    // `max` keep every later row past it
    if (rowMin > max && prevMin > max) return max + 1;
    prevMin = rowMin;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

/**
 * The known names closest to `input`, best first: those within a distance that
 * grows with the length, plus those that contain it or that it contains.
 */
export function suggest(input: string, known: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  const scored: [string, number][] = [];
  for (const name of known) {
    const hay = name.toLowerCase();
    // a length difference above the limit already puts the distance above it
    const d = Math.abs(needle.length - hay.length) > limit ? limit + 1 : editDistance(needle, hay, limit);
    const score =
      d <= limit
        ? d
        : hay.includes(needle) || (needle.length > 3 && hay.endsWith(`/${needle}`))
          ? limit + 0.5
          : -1;
    if (score >= 0) scored.push([name, score]);
  }
  return scored
    .sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
    .slice(0, max)
    .map(([n]) => n);
}

/** `did you mean ...?` help text, or undefined when nothing is close. */
export function didYouMean(input: string, known: Iterable<string>): string | undefined {
  const s = suggest(input, known);
  if (s.length === 0) return undefined;
  return `did you mean ${s.map((x) => `\`${x}\``).join(", ")}?`;
}
