/** Stripe names nested parameters with brackets: ['line_items', 0, 'price'] → `line_items[0][price]`. */
export function bracketPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return (head ?? '') + rest.map((segment) => `[${segment}]`).join('');
}
