/**
 * Which family a Lambda Runtime belongs to. Its own module, importing nothing: check reads it to
 * decide how to read a handler, and must not load the environments (esbuild, worker threads) with it.
 */
export type RuntimeFamily = 'node' | 'python' | 'provided' | 'other';

/** `nodejs20.x`…, `python3.9`… `python3.14`, `provided`, `provided.al2`, `provided.al2023`. No Runtime: Node (a template default). */
export function runtimeFamily(runtime: string | undefined): RuntimeFamily {
  if (runtime === undefined || /^nodejs\d*/.test(runtime)) return 'node';
  if (/^python3\.\d+$/.test(runtime)) return 'python';
  if (/^provided(\.al2|\.al2023)?$/.test(runtime)) return 'provided';
  return 'other';
}
