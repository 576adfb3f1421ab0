import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionSpec } from './types.js';

/**
 * Where a Node.js function finds packages its Layers hold, in the order Lambda's NODE_PATH lists them:
 * `nodejs/nodeXX/node_modules`, then `nodejs/node_modules` (AWS Lambda docs: "Working with layers for
 * Node.js Lambda functions" and "Defined runtime environment variables", NODE_PATH). Lambda extracts
 * every layer into one /opt, a later layer's files over an earlier one's; here each layer keeps its
 * folder, so within each kind of path the later layer comes first.
 */
export function nodeLayerPaths(spec: Pick<FunctionSpec, 'layers' | 'runtime'>): string[] {
  const layers = [...(spec.layers ?? [])].reverse();
  if (layers.length === 0) return [];
  const major = /^nodejs(\d+)/.exec(spec.runtime ?? '')?.[1] ?? '20';
  return [
    ...layers.map((layer) => join(layer, 'nodejs', `node${major}`, 'node_modules')),
    ...layers.map((layer) => join(layer, 'nodejs', 'node_modules')),
  ].filter((dir) => existsSync(dir));
}
