/**
 * Node.js functions find packages in their Layers as on Lambda: `nodejs/nodeXX/node_modules`, then
 * `nodejs/node_modules` (AWS Lambda docs: "Working with layers for Node.js Lambda functions"; "Defined
 * runtime environment variables", NODE_PATH), after the code's own node_modules, for require() and for
 * ES module imports (supported since nodejs18.x: AWS re:Post knowledge center,
 * "lambda-import-module-error-nodejs").
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRuntime, type Runtime } from '../../src/runtime/index.js';
import { requestId, spec } from './helpers.js';

let dir: string;
let runtime: Runtime;

function write(file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

/** A package `shout` that says which copy of it answered. */
function shout(folder: string, tag: string): void {
  write(`${folder}/shout/package.json`, JSON.stringify({ name: 'shout', main: 'index.js' }));
  write(`${folder}/shout/index.js`, `module.exports = (s) => '${tag}:' + s.toUpperCase();\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crossgate-node-layers-'));
  shout('a/nodejs/node_modules', 'a');
  shout('b/nodejs/node_modules', 'b');
  shout('c/nodejs/node20/node_modules', 'c');
  shout('own/node_modules', 'own');
  write(
    'code/common.cjs',
    "const shout = require('shout');\nexports.handler = async () => ({ said: shout('cjs') });\n",
  );
  write(
    'code/module.mjs',
    "import shout from 'shout';\nexport const handler = async () => ({ said: shout('esm') });\n",
  );
  write(
    'code/typed.ts',
    "import shout from 'shout';\nexport const handler = async () => ({ said: shout('ts') });\n",
  );
  write(
    'own/app.mjs',
    "import shout from 'shout';\nexport const handler = async () => ({ said: shout('own') });\n",
  );
  const code = join(dir, 'code');
  const ab = { layers: [join(dir, 'a'), join(dir, 'b')] };
  runtime = createRuntime(
    [
      spec('Cjs', code, 'common.handler', ab),
      spec('Esm', code, 'module.handler', ab),
      spec('Ts', code, 'typed.handler', ab),
      spec('Versioned', code, 'common.handler', { layers: [join(dir, 'c'), join(dir, 'a')] }),
      spec('Own', join(dir, 'own'), 'app.handler', ab),
      spec('NoLayers', code, 'common.handler'),
    ],
    { cacheDir: join(dir, 'cache') },
  );
});

afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const said = async (id: string) => {
  const outcome = await runtime.invoke(id, {}, requestId(), 5000);
  return outcome.ok ? (outcome.value as { said: string }).said : `${outcome.errorType}: ${outcome.message}`;
};

describe("a Node.js function's Layers hold packages it imports", () => {
  test('require() finds them; of two layers with the same package the later one wins, as its files overwrite the earlier in /opt', async () => {
    expect(await said('Cjs')).toBe('b:CJS');
  });
  test('an ES module finds them too (Node reads no NODE_PATH for ES modules; Lambda resolves them since nodejs18.x)', async () => {
    expect(await said('Esm')).toBe('b:ESM');
  });
  test('a TypeScript handler finds them', async () => {
    expect(await said('Ts')).toBe('b:TS');
  });
  test('nodejs/node20/node_modules comes before nodejs/node_modules, whichever layer holds it', async () => {
    expect(await said('Versioned')).toBe('c:CJS');
  });
  test("the code's own node_modules comes first", async () => {
    expect(await said('Own')).toBe('own:OWN');
  });
  test('without the layer, the import fails as on Lambda (Runtime.ImportModuleError)', async () => {
    expect(await said('NoLayers')).toMatch(/^Runtime\.ImportModuleError: .*shout/);
  });
});
