// The inputs issue 13 found taking crossgate down or running away, and the largest inputs of each
// shape that the limits still let through: each is run in its own process, so its time and peak
// memory are its own (test/fuzz/limits.test.ts asserts the outcome; npm run fuzz records figures).

const SAM = 'Transform: AWS::Serverless-2016-10-31\n';
const FUNCTION = `  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        G: { Type: Api, Properties: { Path: /x, Method: get } }
`;

/** Each: a name, the template text (or a path to read), and what must happen. */
export function hostileInputs() {
  const list = (n, item) => Array.from({ length: n }, () => item).join(',');
  const bomb = () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    return `${levels.join('\n')}\nResources: {}\n`;
  };
  const keys = Array.from({ length: 10 }, (_, i) => `k${i}: v`).join(', ');
  const chain = ['Conditions:', '  C0: !Equals [a, a]'];
  for (let i = 1; i < 2000; i++) chain.push(`  C${i}: !Condition C${i - 1}`);
  const functions = [];
  for (let f = 0; f < 3000; f++) {
    functions.push(
      `  Fn${f}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      Handler: src/fn${f}.handler`,
      '      Runtime: nodejs20.x',
      '      Events:',
      '        Get:',
      '          Type: Api',
      `          Properties: { RestApiId: !Ref Api${f % 20}, Path: "/r${f}/{id}", Method: get }`,
    );
  }
  const apis = Array.from(
    { length: 20 },
    (_, a) =>
      `  Api${a}:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors: "'https://app.example.com'"`,
  ).join('\n');
  return [
    {
      name: 'a 9 MB flow list (was a 4.4 GB heap and a V8 out-of-memory crash)',
      text: `Resources: {}\nX: [${list(4_500_000, '1')}]\n`,
      outcome: 'refused',
      cause: /more than 500,000 YAML tokens/,
    },
    {
      name: 'the largest flow list of one-character items the token limit lets through (166,000 items)',
      text: `Resources: {}\nX: [${list(166_000, '1')}]\n`,
      outcome: 'loaded',
    },
    {
      name: 'the largest flow list of empty mappings the token limit lets through (166,000)',
      text: `Resources: {}\nX: [${list(166_000, '{}')}]\n`,
      outcome: 'loaded',
    },
    {
      name: 'a 90 KB template of aliased maps (was 69 s)',
      text: `M: &m { ${keys} }\nL: [${Array.from({ length: 20_000 }, () => '*m').join(', ')}]\n${SAM}Resources:\n${FUNCTION}`,
      outcome: 'loaded',
    },
    {
      name: 'a billion laughs (aliases expanding to 10^9 values)',
      text: bomb(),
      outcome: 'refused',
      cause: /YAML aliases expand this template to more than 1,000,000 values/,
    },
    {
      name: 'values nested 100,000 levels deep',
      text: `Resources: {}\nX: ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`,
      outcome: 'refused',
      cause: /nested more than 300 levels deep/,
    },
    {
      name: 'a chain of 2,000 Condition references',
      text: `${SAM}${chain.join('\n')}\nResources:\n${FUNCTION.replace('    Properties:', '    Condition: C1999\n    Properties:')}`,
      outcome: 'loaded',
    },
    {
      name: '10 MB of comment lines',
      text: `Resources: {}\n${'#\n'.repeat(5_000_000)}`,
      outcome: 'refused',
      cause: /YAML tokens/,
    },
    {
      name: 'an 11 MB template',
      text: `Resources: {}\nX: "${'x'.repeat(11 * 1024 * 1024)}"\n`,
      outcome: 'refused',
      cause: /crossgate reads up to 10 MB/,
    },
    {
      name: '/dev/zero (was 16.8 GB)',
      path: '/dev/zero',
      outcome: 'refused',
      cause: /not a regular file/,
    },
    {
      name: 'a 0.75 MB template (CloudFormation takes at most 1 MB) with 20 APIs and 3,000 functions, each with an Api event',
      text: `${SAM}Resources:\n${apis}\n${functions.join('\n')}\n`,
      outcome: 'loaded',
    },
  ];
}
