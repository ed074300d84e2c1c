/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n] ?? 0;
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
    const d = editDistance(needle, hay);
    const tail = hay.split("/").pop() ?? hay;
    const score =
      d <= limit ? d : hay.includes(needle) || (needle.length > 3 && tail === needle) ? limit + 0.5 : -1;
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
