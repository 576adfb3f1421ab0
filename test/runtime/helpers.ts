import { fileURLToPath } from 'node:url';
import type { FunctionSpec } from '../../src/runtime/index.js';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function spec(
  id: string,
  codeDir: string,
  handler: string,
  extra: Partial<FunctionSpec> = {},
): FunctionSpec {
  return {
    id,
    codeDir,
    handler,
    runtime: 'nodejs20.x',
    environment: {},
    timeoutSeconds: 3,
    memoryMB: 128,
    ...extra,
  };
}

let counter = 0;
export function requestId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}
