#!/usr/bin/env node
// Differential check of the template reader against PyYAML, the loader SAM CLI uses: the fuzz
// mutator's templates, read by crossgate and by SAM CLI's yaml_parse (re-made in
// test/template/fixtures/serverless-patterns/pyyaml-expected.py). Needs a Python with PyYAML, which
// CI does not have, so this is a tool, not a test:
//
//   python3 -m venv /tmp/pyyaml && /tmp/pyyaml/bin/pip install pyyaml
//   CROSSGATE_PYYAML=/tmp/pyyaml/bin/python node test/fuzz/pyyaml-diff.mjs [--cases 3000] [--seed N]
//
// Prints how often the two agree (both refuse, or both accept with equal values) and each kind of
// disagreement with an example.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, runChild } from './child.mjs';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' } },
});
const python = process.env.CROSSGATE_PYYAML ?? 'python3';
const run = await runChild([], {
  CROSSGATE_CHILD_MODE: 'parse',
  CROSSGATE_FUZZ_SEED: values.seed,
  CROSSGATE_FUZZ_CASES: values.cases,
  CROSSGATE_FUZZ_ROOT: ROOT,
});
const ours = run.report;
const dir = mkdtempSync(join(tmpdir(), 'cg-pyyaml-'));
writeFileSync(join(dir, 'texts.json'), JSON.stringify(ours.map((o) => o.text)));
const script = `
import json, sys, datetime, importlib.util
spec = importlib.util.spec_from_file_location('expected', ${JSON.stringify(join(ROOT, 'test/template/fixtures/serverless-patterns/pyyaml-expected.py'))})
src = open(spec.origin).read().split('here = os.path.dirname')[0]
ns = {}
exec(compile(src, spec.origin, 'exec'), ns)
class Expands(Exception):
    pass

def expanded_size(value, budget=1_000_000):
    # PyYAML shares what an alias names; writing it out (as sam deploy does) expands it.
    stack, n = [value], 0
    while stack:
        x = stack.pop()
        n += 1
        if n > budget:
            raise Expands('expands past %d values (or contains itself)' % budget)
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return n

def finite(x):
    # JSON has no NaN or Infinity: JSON.stringify writes null, so compare with null.
    if isinstance(x, float) and (x != x or x in (float('inf'), float('-inf'))):
        return None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [finite(v) for v in x]
    return x

out = []
for text in json.load(open(sys.argv[1])):
    try:
        value = ns['sam_cli_load'](text)
        expanded_size(value)
        out.append({'ok': True, 'value': json.loads(json.dumps(finite(value), default=ns['as_json']))})
    except RecursionError:
        out.append({'ok': False, 'error': 'RecursionError'})
    except Exception as e:
        out.append({'ok': False, 'error': type(e).__name__ + ': ' + ' '.join(str(e).split())[:200]})
json.dump(out, open(sys.argv[2], 'w'))
`;
writeFileSync(join(dir, 'load.py'), script);
const py = spawnSync(python, [join(dir, 'load.py'), join(dir, 'texts.json'), join(dir, 'py.json')], {
  encoding: 'utf8',
});
if (py.status !== 0) {
  console.error(py.error ?? py.stderr, py.status);
  process.exit(2);
}
const theirs = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'py.json'), 'utf8'));
const undate = (v) =>
  Array.isArray(v)
    ? v.map(undate)
    : v !== null && typeof v === 'object'
      ? '__date__' in v
        ? v.__date__
        : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, undate(x)]))
      : v;
const kinds = new Map();
const disagreements = [];
const note = (kind, i, detail) => {
  const k = kinds.get(kind) ?? { count: 0, example: { case: i, text: ours[i].text.slice(0, 600), detail } };
  k.count++;
  kinds.set(kind, k);
  if (!kind.startsWith('agree')) disagreements.push({ kind, case: i, detail, text: ours[i].text });
};
for (let i = 0; i < ours.length; i++) {
  const a = ours[i];
  const b = theirs[i];
  if (a.ok && b.ok) {
    if (JSON.stringify(a.value) === JSON.stringify(undate(b.value))) note('agree: both read, same values', i);
    else
      note('both read, values differ', i, {
        ours: JSON.stringify(a.value).slice(0, 300),
        pyyaml: JSON.stringify(undate(b.value)).slice(0, 300),
      });
  } else if (!a.ok && !b.ok) note('agree: both refuse', i);
  else if (!a.ok) {
    // crossgate refuses some things PyYAML reads on purpose: a template that is not a mapping,
    // an unknown !Tag (CloudFormation has no such function), values JSON cannot hold, limits.
    const why = a.error.replace(/^t\.yaml:\d+:\d+: /, '');
    const deliberate =
      /a template must be a mapping|unknown tag|is not a value a CloudFormation template can hold|nested more than|inside the value it names|takes (a|an) /.test(
        why,
      );
    note(
      deliberate
        ? `crossgate refuses on purpose: ${why.replace(/'[^']*'|![A-Za-z]+|\d+/g, '_').slice(0, 60)}`
        : `crossgate refuses, PyYAML reads: ${why.slice(0, 70)}`,
      i,
      { ours: a.error },
    );
  } else note(`PyYAML refuses, crossgate reads: ${b.error.split(':')[0]}`, i, { pyyaml: b.error });
}
const total = ours.length;
console.log(`${total} templates (seed ${values.seed})`);
for (const [kind, { count, example }] of [...kinds].sort((x, y) => y[1].count - x[1].count)) {
  console.log(`${String(count).padStart(6)}  ${kind}`);
  if (!kind.startsWith('agree') && !kind.startsWith('crossgate refuses on purpose'))
    console.log(
      `        e.g. case ${example.case}: ${JSON.stringify(example.detail)}\n        ${JSON.stringify(example.text.slice(0, 300))}`,
    );
}
if (process.env.CROSSGATE_PYYAML_OUT)
  writeFileSync(process.env.CROSSGATE_PYYAML_OUT, JSON.stringify(disagreements, null, 1));
