// `*` patterns (exemptions, namespace actions, auditor filters) matched without a regular expression: one left-to-right pass, no backtracking.
/**
 * Whether `value` matches `pattern`, where `*` stands for any run of characters (empty included) and everything else
 * must match exactly. The text between stars must appear in order: the first piece as a prefix, the last as a suffix,
 * each middle piece at its leftmost place after the one before (leftmost is always safe, so nothing is retried). The
 * work is bounded by the value's length times the pattern's, whatever the input: `*@*.example.com` against a 100 KB
 * user name is one scan, where the equivalent regular expression backtracks for seconds.
 */
export function globMatches(value: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return value === pattern;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    if (piece === '') continue;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
