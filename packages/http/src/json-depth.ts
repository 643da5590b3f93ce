/** Deepest nesting of arrays and objects a JSON request body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * The field (top-level key, or `request body`) under which `value` nests
 * deeper than `maxDepth`, or `undefined`. Iterative: `JSON.parse` builds a
 * value 100,000 levels deep without complaint, and a recursive schema or
 * `JSON.stringify` would then overflow the stack on it.
 */
export function jsonDepthProblem(value: unknown, maxDepth: number): string | undefined {
  const stack: { readonly value: unknown; readonly depth: number; readonly field: string }[] = [{ value, depth: 0, field: 'request body' }];
  while (stack.length > 0) {
    const { value: v, depth, field } = stack.pop() as { value: unknown; depth: number; field: string };
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth) return field;
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ value: item, depth: depth + 1, field });
    } else {
      for (const [key, item] of Object.entries(v)) stack.push({ value: item, depth: depth + 1, field: depth === 0 ? key : field });
    }
  }
  return undefined;
}
