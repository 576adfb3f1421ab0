// Parsing a 2,000-resource SAM template (issue 2: "well under a second"): read + Globals + intrinsics
// (loadTemplate), then the deployment model (buildDeployment). Median of 15 runs after 3 warm-ups.

import { buildDeployment } from '../dist/sam/deployment.js';
import { loadTemplate } from '../dist/template/load.js';

function template(resources) {
  const lines = [
    'Transform: AWS::Serverless-2016-10-31',
    'Parameters:',
    '  Origin: { Type: String, Default: https://app.example.com }',
    'Globals:',
    '  Function: { Runtime: nodejs20.x, Timeout: 5, Environment: { Variables: { ORIGIN: !Ref Origin } } }',
    '  Api:',
    '    Cors:',
    `      AllowOrigin: !Sub "'\${Origin}'"`,
    `      AllowHeaders: "'Content-Type,X-Api-Key'"`,
    'Resources:',
  ];
  const apis = 20;
  for (let a = 0; a < apis; a++) {
    lines.push(`  Api${a}:`, '    Type: AWS::Serverless::Api', '    Properties:', '      StageName: Prod');
  }
  for (let f = 0; f < resources - apis; f++) {
    lines.push(
      `  Fn${f}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      Handler: src/fn${f}.handler`,
      '      Events:',
      '        Get:',
      '          Type: Api',
      '          Properties:',
      `            RestApiId: !Ref Api${f % apis}`,
      `            Path: /r${f}/{id}`,
      '            Method: get',
      '            Auth: { ApiKeyRequired: true }',
    );
  }
  return `${lines.join('\n')}\n`;
}

const source = template(2000);
const times = { load: [], deploy: [] };
let cold = 0;
for (let i = 0; i < 18; i++) {
  const t0 = performance.now();
  const model = loadTemplate(source, 'bench.yaml');
  const t1 = performance.now();
  const deployment = buildDeployment(model, { evaluateConditions: true });
  const t2 = performance.now();
  if (deployment.apis.length !== 20) throw new Error('unexpected deployment');
  if (i === 0) cold = t2 - t0;
  if (i >= 3) {
    times.load.push(t1 - t0);
    times.deploy.push(t2 - t1);
  }
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = median(times.load);
const deploy = median(times.deploy);
console.log('### Template and deployment model: 2,000 resources\n');
console.log(
  `Template: ${(source.length / 1024).toFixed(0)} KB, 20 APIs, 1,980 functions each with one Api event.\n`,
);
console.log('| step | median of 15 |');
console.log('| --- | ---: |');
console.log(`| read, Globals, intrinsics (\`loadTemplate\`) | ${load.toFixed(0)} ms |`);
console.log(`| deployment model (\`buildDeployment\`) | ${deploy.toFixed(0)} ms |`);
console.log(`| **total** | **${(load + deploy).toFixed(0)} ms** |`);
console.log(
  `\nThe first run in a fresh process (what one \`crossgate check\` pays, JIT cold): ${cold.toFixed(0)} ms. About two thirds of it is the \`yaml\` parser itself, which keeps the positions every diagnostic needs.`,
);
