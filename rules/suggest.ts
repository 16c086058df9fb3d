// "Did you mean" hints for misspelt ids, facts, operators and properties.

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return length;
}

/** ` (did you mean 'x'?)` for the closest known word, or '' when nothing is close. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number; prefix: number } | undefined;
  const limit = Math.max(2, Math.floor(word.length / 3));
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const d = distance(lower, other);
    // Among equally close words, the one sharing the longest start is the likelier intent.
    const prefix = commonPrefix(lower, other);
    if (d <= limit && (!best || d < best.distance || (d === best.distance && prefix > best.prefix))) {
      best = { candidate, distance: d, prefix };
    }
  }
  return best === undefined ? '' : ` (did you mean '${best.candidate}'?)`;
}
