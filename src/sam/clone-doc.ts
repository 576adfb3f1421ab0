/** A deep copy of template values that keeps their positions. */
export function cloneDoc<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => cloneDoc(v));
    copyAllPositions(value, out);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cloneDoc(v);
  copyAllPositions(value, out);
  return out as T;
}

function copyAllPositions(from: object, to: object): void {
  for (const s of Object.getOwnPropertySymbols(from)) {
    (to as Record<symbol, unknown>)[s] = (from as Record<symbol, unknown>)[s];
  }
}
