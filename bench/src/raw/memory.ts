/**
 * The raw in-process baseline: a `Map` of per-code counters with the same
 * bounded-increment shape as a redemption, behind an async boundary like a
 * store call.
 */
export function rawMemoryRedeemer(codes: number, cap: number): (n: number) => Promise<boolean> {
  const counts = new Map<string, number>();
  for (let i = 0; i < codes; i++) counts.set(`code-${i}`, 0);
  return async (n) => {
    await Promise.resolve();
    const key = `code-${n % codes}`;
    const v = counts.get(key) ?? 0;
    if (v >= cap) return false;
    counts.set(key, v + 1);
    return true;
  };
}
