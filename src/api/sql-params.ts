/**
 * Collects the values of a query whose SQL text is assembled from optional
 * parts: each value is bound as a numbered parameter (never spliced into the
 * text), and only the parameters that the text uses exist, since PostgreSQL
 * cannot type one that is never referenced.
 */
export function sqlParams(...initial: unknown[]): { values: unknown[]; param(value: unknown): string } {
  const values = [...initial];
  return {
    values,
    param(value) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
