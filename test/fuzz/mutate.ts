/**
 * A seeded mutator for templates: what a hostile or careless user writes. Each case is a pure
 * function of (seed, case number), so a failure is replayed with its number alone.
 *
 * Mutations, chosen at random and stacked 1-3 deep: text edits that break YAML where it is fragile
 * (indentation, indicators, quotes, flow brackets, tags, anchors), lines and keys repeated, names
 * of Object.prototype members put where names go, and hostile values put where values go (deep
 * nesting, recursive and exploding aliases, condition chains and cycles, merge keys, misspelt Cors
 * keys, intrinsics with the wrong arguments, huge and odd scalars), weighted towards what keeps
 * the YAML readable.
 */

/** mulberry32: small, fast, good enough to spread cases; deterministic per seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString',
] as const;

const SNIPPETS = [
  ': ',
  '- ',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ', ',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!Ref ',
  '!Sub ',
  '!If ',
  '!GetAtt ',
  '!Condition ',
  '!Join ',
  '!FindInMap ',
  '!Select ',
  '!Split ',
  '!Foo ',
  '<<: ',
  '# ',
  '"',
  "'",
  '|',
  '>-',
  '\t',
  '\n',
  '\r\n',
  '---\n',
  '...\n',
  '~',
  'null',
  '%YAML 1.1\n',
  '\u0000',
  '\uFEFF',
  '\u2028',
  '@',
  '`',
  '\\',
  '${',
  '}$',
  "''",
  '"\\u',
  '0x',
  '1e309',
  '.nan',
  '-.inf',
  '0777',
  'yes',
  'Ref',
  'Fn::If',
  'Condition',
  'AWS::NoValue',
  'AWS::Serverless::Api',
  'AWS::Serverless::Function',
  'Type: Api',
  'Cors',
  'AllowOrigin',
  "'*'",
] as const;

/** Values that have crashed parsers and models, to put where a value goes. */
function hostileValue(rng: Rng): string {
  const depth = 1 + int(rng, 380);
  const name = pick(rng, PROTOTYPE_NAMES);
  const choices: Array<() => string> = [
    () => `${'['.repeat(depth)}x${']'.repeat(depth)}`,
    () => `${'{a: '.repeat(depth)}x${'}'.repeat(depth)}`,
    () => '&r [*r]',
    () => '&r {k: *r}',
    () => '*undefined_anchor',
    () => `!Ref ${name}`,
    () => `!Sub '\${${name}}'`,
    () => `!GetAtt ${name}.Arn`,
    () => `!FindInMap [${name}, ${name}, ${name}]`,
    () => `!If [${name}, a, b]`,
    () => '!If [Nope, a, b]',
    () => '!Condition Nope',
    () => '!Select [99, []]',
    () => '!Select [-1, [a]]',
    () => '!Join [",", !Ref AWS::NoValue]',
    () => '!Split [",", !GetAtt X.Y]',
    () => '!Sub [x, y]',
    () => '!Sub ["${A}", {A: !Sub "${B}", B: !Ref A}]',
    () => '!Base64 {a: 1}',
    () => '!Equals [[], {}]',
    () => '!Not [!Not [!Not [true]]]',
    () => '!GetAZs {Ref: AWS::Region}',
    () => '{Ref: AWS::NoValue}',
    () => '{Fn::If: [a]}',
    () => '{"Fn::Transform": {Name: AWS::Include, Parameters: {Location: ./missing.yaml}}}',
    () => `{${name}: 1, ${name}: 2}`,
    () => '[]',
    () => '{}',
    () => '~',
    () => '""',
    () => `"${'x'.repeat(int(rng, 5000))}"`,
    () => '1e309',
    () => '-0',
    () => '0x7FFFFFFFFFFFFFFFF',
    () => '12345678901234567890123',
    () => '.nan',
    () => "'\\u0000\\uD800'",
    () => '"\\uD800"',
    () => '!!binary aGVsbG8=',
    () => '!!set {a, b}',
    () => '!!omap [a: 1]',
    () => '!!timestamp 2001-12-14',
    () => '!!int x',
    () => '"\'*\'"',
    () => '"\'https://app.example.com, https://b.example.com\'"',
    () => '"method.request.header.Origin"',
  ];
  return pick(rng, choices)();
}

/** Whole sections that have crashed the model, appended to the template. */
function hostileSection(rng: Rng): string {
  const name = pick(rng, PROTOTYPE_NAMES);
  const n = 1 + int(rng, 2500);
  const choices: Array<() => string> = [
    () => {
      const lines = ['Conditions:', '  C0: !Equals [a, a]'];
      for (let i = 1; i < n; i++) lines.push(`  C${i}: !Condition C${i - 1}`);
      return lines.join('\n');
    },
    () => 'Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]',
    () => 'Conditions:\n  A: !And [!Condition A, !Condition A]',
    () => `Conditions:\n  ${name}: !Equals [a, a]`,
    () => `Parameters:\n  ${name}:\n    Type: String\n    Default: https://app.example.com`,
    () => `Mappings:\n  ${name}:\n    ${name}:\n      ${name}: x`,
    () => `Globals:\n  ${name}:\n    Timeout: 3`,
    () =>
      `Globals:\n  Api:\n    Cors:\n      AllowOrigin: "'*'"\n      ${pick(rng, ['AllowHeadrs', 'AllowOrigins', 'allowOrigin', 'AllowCredentials', name])}: "'x'"`,
    () => `Globals:\n  Function:\n    ${name}: 1`,
    () =>
      'Globals:\n  Api:\n    Auth:\n      ApiKeyRequired: true\n    GatewayResponses:\n      DEFAULT_4XX:\n        ResponseParameters:\n          Headers:',
    () =>
      `Resources:\n  ${name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      Events:\n        ${name}: {Type: Api, Properties: {Path: /${name}, Method: get}}`,
    () => {
      const levels = ['Bomb0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++)
        levels.push(
          `Bomb${i}: &l${i} [${Array(10)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
        );
      return levels.join('\n');
    },
    () => {
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}: v`).join(', ');
      return `Aliased: &m { ${keys} }\nMany: [${Array.from({ length: n }, () => '*m').join(', ')}]`;
    },
    () => `Base: &base {Handler: a.b, Runtime: nodejs20.x}\nMerged:\n  <<: *base\n  <<: [*base, *base]`,
    () =>
      `${'Deep:\n'}${Array.from({ length: Math.min(n, 400) }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')}`,
    () => `Outputs:\n  O:\n    Condition: Nope\n    Value: x`,
  ];
  return pick(rng, choices)();
}

/**
 * How often each mutation is chosen (by its number in mutateOnce): the ones that keep the YAML
 * readable weigh more, so that most cases reach the model and the rules, not only the parser.
 */
const WEIGHTS = [0.7, 0.7, 1, 0.4, 2, 0.5, 0.4, 3, 2.5, 2.5, 3, 1, 1, 1];
const TOTAL_WEIGHT = WEIGHTS.reduce((a, b) => a + b, 0);
function chooseMutation(rng: Rng): number {
  let r = rng() * TOTAL_WEIGHT;
  for (let i = 0; i < WEIGHTS.length; i++) {
    r -= WEIGHTS[i];
    if (r < 0) return i;
  }
  return WEIGHTS.length - 1;
}

/**
 * `lines` with the value of the key on `line` (and whatever is nested under that key) replaced by
 * `value`; undefined when the line holds no key.
 */
function replaceValue(lines: string[], line: number, value: string): string | undefined {
  const m = /^(\s*(?:- )?[^:#\n'"]+:)(?:\s|$)/.exec(lines[line]);
  if (!m) return undefined;
  const indent = (l: string) => l.length - l.trimStart().length;
  let end = line + 1;
  while (end < lines.length && (lines[end].trim() === '' || indent(lines[end]) > indent(lines[line]))) end++;
  const out = [...lines];
  out.splice(line, end - line, `${m[1]} ${value}`);
  return out.join('\n');
}

/** One mutation of `text`. */
export function __mutateOnceForStats(rng: Rng, text: string, k: number): string {
  return mutateOnce(rng, text, k);
}
function mutateOnce(rng: Rng, text: string, forced?: number): string {
  const lines = text.split('\n');
  const at = int(rng, text.length + 1);
  const line = int(rng, lines.length);
  switch (forced ?? chooseMutation(rng)) {
    case 0: // delete a span
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + int(rng, 60)));
    case 1: {
      // duplicate a span
      const end = Math.min(text.length, at + 1 + int(rng, 80));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 2: // insert a YAML-significant snippet
      return text.slice(0, at) + pick(rng, SNIPPETS) + text.slice(at);
    case 3: {
      // re-indent a line
      const delta = int(rng, 9) - 4;
      const l = lines[line];
      const indent = l.length - l.trimStart().length;
      lines[line] = ' '.repeat(Math.max(0, indent + delta)) + l.trimStart();
      return lines.join('\n');
    }
    case 4: {
      // repeat a line (a key written twice, an item twice)
      lines.splice(line, 0, lines[line]);
      return lines.join('\n');
    }
    case 5: {
      // swap two lines
      const other = int(rng, lines.length);
      [lines[line], lines[other]] = [lines[other], lines[line]];
      return lines.join('\n');
    }
    case 6: // truncate
      return text.slice(0, at);
    case 7: {
      // a name of an Object.prototype member where a name is
      const words = [...text.matchAll(/[A-Za-z][A-Za-z0-9]{2,}/g)];
      if (words.length === 0) return text;
      const w = pick(rng, words);
      return text.slice(0, w.index) + pick(rng, PROTOTYPE_NAMES) + text.slice(w.index! + w[0].length);
    }
    case 8:
    case 9: // a hostile value in place of a value
      return replaceValue(lines, line, hostileValue(rng)) ?? text;
    case 10: // a hostile section
      return `${text.replace(/\n*$/, '\n')}${hostileSection(rng)}\n`;
    case 11: {
      // a flow collection opened on a line and continued at its key's indentation (PyYAML reads it)
      const indent = ' '.repeat(lines[line].length - lines[line].trimStart().length);
      const flow = pick(rng, [
        `[\n${indent}a,\n${indent}!Ref b\n${indent}]`,
        `{\n${indent}"k": 1,\n${indent}"l": [1,\n2]}`,
      ]);
      return replaceValue(lines, line, flow) ?? text;
    }
    case 12: {
      // anchor a value and alias it elsewhere
      const from = /^(\s*(?:- )?[^:#\n'"]+:)(\s.*)?$/.exec(lines[line]);
      if (!from) return text;
      lines[line] = `${from[1]} &z${from[2] ?? ''}`;
      return replaceValue(lines, int(rng, lines.length), '*z') ?? lines.join('\n');
    }
    default: {
      // JSON: the same template as JSON with a key repeated, or YAML inside JSON
      if (!text.trimStart().startsWith('{')) return text.replace(/Type:/, 'Type: ');
      return text.replace(/"Type"/, '"Type": "x", "Type"');
    }
  }
}

/** The template for case `n`: one of `corpus`, mutated 1-3 times. */
export function mutate(seed: number, n: number, corpus: readonly string[]): { base: number; text: string } {
  const rng = random(seed * 1_000_003 + n);
  const base = int(rng, corpus.length);
  let text = corpus[base];
  const times = 1 + int(rng, 3);
  for (let i = 0; i < times; i++) text = mutateOnce(rng, text);
  return { base, text };
}
