// What crossgate/lambda costs a Lambda bundle: a tiny handler bundled by esbuild (bundle, minify, ESM,
// platform node), against the same handler on @middy/core + @middy/http-cors.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

async function bundledBytes(contents: string, loader: 'ts' | 'js'): Promise<{ bytes: number; text: string }> {
  const result = await build({
    stdin: { contents, resolveDir: here, loader, sourcefile: 'handler' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  return { bytes: Buffer.byteLength(text), text };
}

describe('bundle size', () => {
  it('a handler using withCors bundles to under 2,048 bytes, with no import left (zero dependencies)', async () => {
    const { bytes, text } = await bundledBytes(
      `import { withCors } from '../../src/lambda/index.js';
       export const handler = withCors({ origins: ['https://app.example.com'] }, async () => ({ statusCode: 200, body: '' }));`,
      'ts',
    );
    console.log(
      `crossgate/lambda withCors handler: ${bytes} B (esbuild --bundle --minify --format=esm --platform=node)`,
    );
    expect(text).not.toMatch(/\bimport\b|require\(/);
    expect(bytes).toBeLessThan(2048);
  });

  it('a payload format 2.0 handler using withCorsV2 (withCors plus the 2.0 preflight and bare answers) bundles to under 2,560 bytes, with no import left', async () => {
    const { bytes, text } = await bundledBytes(
      `import { withCorsV2 } from '../../src/lambda/index.js';
       export const handler = withCorsV2({ origins: ['https://app.example.com'] }, async () => ({ items: [] }));`,
      'ts',
    );
    console.log(`crossgate/lambda withCorsV2 handler: ${bytes} B (same measure)`);
    expect(text).not.toMatch(/\bimport\b|require\(/);
    expect(bytes).toBeLessThan(2560);
  });

  it('prints @middy/core + @middy/http-cors on the same measure, for comparison', async () => {
    const { bytes } = await bundledBytes(
      `import middy from '@middy/core';
       import cors from '@middy/http-cors';
       export const handler = middy(async () => ({ statusCode: 200, body: '' })).use(cors({ origins: ['https://app.example.com'] }));`,
      'js',
    );
    console.log(`@middy/core + @middy/http-cors handler: ${bytes} B (same measure)`);
    expect(bytes).toBeGreaterThan(0);
  });
});
