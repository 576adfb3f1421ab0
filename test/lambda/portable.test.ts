// crossgate/lambda runs inside users' Lambda bundles: no dependency, nothing Node-only.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/lambda/', import.meta.url));

describe('src/lambda imports', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')))
    it(`${file} imports only its siblings at runtime (types from aws-lambda and @middy/core only)`, () => {
      const source = readFileSync(dir + file, 'utf8');
      for (const [, typeOnly, from] of source.matchAll(/^import (type )?[^;]*?from '([^']+)';/gm)) {
        if (typeOnly) expect(['aws-lambda', '@middy/core']).toContain(from);
        else expect(from).toMatch(/^\.\/[\w-]+\.js$/);
      }
      expect(source).not.toMatch(/\bnode:|\bprocess\.|\bBuffer\b|\brequire\(/);
    });
});
