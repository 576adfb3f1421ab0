// crossgate check on a big template: 500 routes on 5 APIs, 4 origins (--origin), every request shape
// (JSON bodies, API keys, an authorizer's token), plus the foreign origin. Median of 5 runs after 1 warm-up.
import { runCheck } from '../dist/check/run.js';
import { buildDeployment } from '../dist/sam/deployment.js';
import { loadTemplate } from '../dist/template/load.js';

const methods = ['get', 'post', 'put', 'delete', 'patch'];
const lines = [
  'Transform: AWS::Serverless-2016-10-31',
  'Globals:',
  '  Function: { Runtime: nodejs20.x }',
  'Resources:',
];
for (let a = 0; a < 5; a++) {
  lines.push(
    `  Api${a}:`,
    '    Type: AWS::Serverless::Api',
    '    Properties:',
    '      StageName: Prod',
    '      Cors:',
    `        AllowOrigin: "'https://app${a}.example.com'"`,
    `        AllowHeaders: "'Content-Type,X-Api-Key'"`,
    '        MaxAge: "\'600\'"',
  );
}
for (let f = 0; f < 100; f++) {
  lines.push(
    `  Fn${f}:`,
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Handler: index.handler',
    `      InlineCode: "import { withCors } from 'crossgate/lambda'; export const handler = withCors({ origins: [] }, async () => ({ statusCode: 200, body: '' }));"`,
    '      Events:',
  );
  for (let e = 0; e < 5; e++) {
    lines.push(
      `        E${e}:`,
      '          Type: Api',
      '          Properties:',
      `            RestApiId: !Ref Api${f % 5}`,
      `            Path: /r${f}/{id}/x${e}`,
      `            Method: ${methods[e]}`,
      ...(e % 2 === 0 ? ['            Auth: { ApiKeyRequired: true }'] : []),
    );
  }
}
const source = `${lines.join('\n')}\n`;
const origins = [
  'https://app0.example.com',
  'https://app1.example.com',
  'https://app2.example.com',
  'https://admin.example.com',
];
const times = [];
let requests = 0;
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const model = loadTemplate(source, 'bench.yaml', { baseDir: '/nonexistent' });
  const result = await runCheck(model, buildDeployment(model, { evaluateConditions: true }), { origins });
  const t = performance.now() - t0;
  requests = result.simulations.length;
  if (i > 0) times.push(t);
}
times.sort((a, b) => a - b);
console.log('### crossgate check: 500 routes on 5 APIs, 4 origins\n');
console.log(
  `Template, deployment, ${requests.toLocaleString('en-US')} simulated fetch() calls (each with its preflight) through the gateway model and the browser model, every rule.\n`,
);
console.log('| measure | value |');
console.log('| --- | ---: |');
console.log(`| whole check, median of 5 | ${times[2].toFixed(0)} ms |`);
console.log(`| fastest / slowest | ${times[0].toFixed(0)} / ${times[4].toFixed(0)} ms |`);
