// crossgate probe --routes: 200 routes × 3 origins against crossgate serve on loopback (issue 7:
// "under 5 s"). Each cell is a full fetch() as Chromium sends it (preflight, then the actual request)
// judged by the browser model. Median of 3 runs after a warm-up.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplateFile } from '../dist/cli/template-file.js';
import { probeRoutes } from '../dist/probe/routes.js';
import { serve } from '../dist/serve/serve.js';
import { writeManyRoutesTemplate } from '../test/support/many-routes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'crossgate-probe-bench-'));
const file = writeManyRoutesTemplate(dir, join(root, 'examples/proxy-api/src'));
const { model, deployment } = loadTemplateFile(file);
const running = await serve(model, deployment, { port: 0, watch: false, stagePrefix: true });
const origins = ['http://localhost:5173', 'http://localhost:3000', 'https://not-allowed.example'];
const times = [];
let cells = 0;
try {
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const r = await probeRoutes(deployment, {
      baseUrl: `${running.server.url}/Prod`,
      origins,
      allowWrites: true,
    });
    const t = performance.now() - t0;
    cells = r.results.flat().length;
    if (i > 0) times.push(t);
  }
} finally {
  await running.close();
}
times.sort((a, b) => a - b);
console.log('### crossgate probe --routes: 200 routes × 3 origins against crossgate serve\n');
console.log(
  `${cells} cells, each a preflight and an actual request over loopback sockets, default concurrency (4).\n`,
);
console.log('| measure | value |');
console.log('| --- | ---: |');
console.log(`| whole run, median of 3 | ${times[1].toFixed(0)} ms |`);
console.log(`| fastest / slowest | ${times[0].toFixed(0)} / ${times[2].toFixed(0)} ms |`);
console.log('\nTarget: under 5 s.');
