// crossgate check over the whole aws-samples/serverless-patterns repository in ONE invocation
// (`crossgate check <dir> --format json`), as a new user would run it: templates loaded, refused (and
// whether PyYAML or the SAM translator refuses them too), findings per rule, REST APIs read from local
// OpenAPI files, CG104/CG120 only where an API shows CORS intent, and the wall time of the whole run and
// of one template (Node start-up included). Needs a checkout: SERVERLESS_PATTERNS=/path (default
// /tmp/sp); without it the bench fails and RESULTS.md keeps its previous section. Refusals are
// classified with python3 and PyYAML when they are installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const repo = process.env.SERVERLESS_PATTERNS ?? '/tmp/sp';
if (!existsSync(join(repo, 'README.md'))) {
  console.error(`corpus: no serverless-patterns checkout at ${repo} (set SERVERLESS_PATTERNS)`);
  process.exit(1);
}
// The commit measured: SERVERLESS_PATTERNS_COMMIT for an exported tree, else the checkout's HEAD.
const commit =
  process.env.SERVERLESS_PATTERNS_COMMIT ??
  (spawnSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'unknown');

function wall(args) {
  const start = process.hrtime.bigint();
  // Run from the repository's root, so that files are named as its README names them.
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, run };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The machine is shared: its load average, before and after, goes with the figures.
const loadBefore = loadavg()[0];

// The whole repository, three times; the report of the last run is read.
const rounds = [];
let last;
for (let i = 0; i < 3; i++) {
  last = wall(['check', '.', '--format', 'json']);
  rounds.push(last.ms);
}
const report = JSON.parse(last.run.stdout);
const s = report.summary;

// One template, Node start-up included: the first pinned REST template with an included OpenAPI file.
const one = join('apigw-ddb-openapi-crud', 'template.yaml');
wall(['check', one]);
const singles = [];
for (let i = 0; i < 7; i++) singles.push(wall(['check', one]).ms);
// One template whose handlers are Python, read with Python's ast (a Python process per run).
const python = join('lambda-durable-webhook-sam-python', 'template.yaml');
wall(['check', python]);
const pythonSingles = [];
for (let i = 0; i < 7; i++) pythonSingles.push(wall(['check', python]).ms);
const loadAfter = loadavg()[0];

// Each refusal, asked of PyYAML (as SAM CLI parses: SafeLoader, any CloudFormation tag, last key wins)
// and of the translator's first rule ("'Resources' section is required", samtranslator/parser/parser.py).
const refused = report.templates.filter((t) => t.refused);
const PY = `
import sys, yaml, json
class L(yaml.SafeLoader): pass
def tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode): return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode): return loader.construct_sequence(node)
    return loader.construct_mapping(node)
L.add_multi_constructor('!', tag)
out = {}
for path in sys.argv[1:]:
    try:
        text = open(path, encoding='utf-8').read()
        try: doc = json.loads(text)
        except Exception: doc = yaml.load(text, Loader=L)
        r = doc.get('Resources') if isinstance(doc, dict) else None
        out[path] = 'loads' if isinstance(r, dict) and r else 'translator'
    except Exception as e:
        out[path] = 'pyyaml: ' + str(e).split(chr(10))[0]
print(json.dumps(out))
`;
const py = spawnSync('python3', ['-c', PY, ...refused.map((t) => join(repo, t.file))], { encoding: 'utf8' });
const verdicts = py.status === 0 ? JSON.parse(py.stdout) : undefined;
const classes = { pyyaml: 0, translator: 0, wrong: [] };
for (const t of refused) {
  const v = verdicts?.[join(repo, t.file)];
  if (v === undefined) continue;
  if (v.startsWith('pyyaml')) classes.pyyaml++;
  else if (v === 'translator') classes.translator++;
  else classes.wrong.push(t);
}
const parseKind = (m) =>
  /duplicate key/.test(m)
    ? 'duplicate key'
    : /sufficiently indented/.test(m)
      ? "flow collection at the key's indentation"
      : 'other';

// REST APIs: judged, read from a local file, and where CG104/CG120 land.
let apis = 0;
let judged = 0;
let fromFiles = 0;
let fromFilesAnalysed = 0;
let unread = 0;
let strayErrors = 0;
let notModelled = 0;
let platform = 0;
let platformJudged = 0;
for (const t of report.templates) {
  for (const a of t.apis ?? []) {
    if (a.kind !== 'REST API') {
      platform++;
      if (a.judged) platformJudged++;
      continue;
    }
    apis++;
    if (a.judged) judged++;
    if (a.definitionFile) {
      fromFiles++;
      if (a.methods > 0) fromFilesAnalysed++;
    }
    if (a.methods === 0) unread++;
  }
  notModelled += (t.notes ?? []).filter((n) =>
    /written as AWS::(ApiGatewayV2::Api|Lambda::Url)/.test(n),
  ).length;
  const ok = new Set((t.apis ?? []).filter((a) => a.judged).map((a) => a.api));
  for (const f of t.findings ?? [])
    if ((f.code === 'CG104' || f.code === 'CG120') && f.severity === 'error' && !ok.has(f.api)) strayErrors++;
}

const fmt = (n) => n.toLocaleString('en-US');
const out = [];
out.push(`### crossgate check over aws-samples/serverless-patterns (${commit.slice(0, 9)}), one invocation`);
out.push('');
out.push(
  `\`crossgate check <repo> --format json\`: every template.yaml/yml/json (${fmt(s.templates)}), as \`sam\` finds them.`,
);
out.push('');
out.push('| measure | value |');
out.push('| --- | ---: |');
out.push(
  `| whole repository, wall, median of 3 (min–max) | ${fmt(Math.round(median(rounds)))} ms (${fmt(Math.round(Math.min(...rounds)))}–${fmt(Math.round(Math.max(...rounds)))}) |`,
);
out.push(
  `| one template (apigw-ddb-openapi-crud, with its api.yaml), wall incl. Node start-up, median of 7 | ${fmt(Math.round(median(singles)))} ms |`,
);
out.push(
  `| one template with Python handlers (lambda-durable-webhook-sam-python), wall incl. Node start-up, median of 7 | ${fmt(Math.round(median(pythonSingles)))} ms |`,
);
out.push(
  `| load average (1 min) before – after, on a shared machine | ${loadBefore.toFixed(1)} – ${loadAfter.toFixed(1)} |`,
);
out.push(`| templates loaded | ${fmt(s.loaded)} |`);
out.push(`| templates refused (exit 2) | ${fmt(s.refused)} |`);
if (verdicts) {
  out.push(`| … PyYAML refuses them too | ${classes.pyyaml} |`);
  out.push(
    `| … the SAM translator refuses them too ('Resources' section is required) | ${classes.translator} |`,
  );
  out.push(`| … wrong refusals (PyYAML and the translator accept them) | ${classes.wrong.length} |`);
} else out.push('| refusals not classified | python3 with PyYAML not found |');
out.push(`| REST APIs | ${fmt(apis)} |`);
out.push(`| … judged for browsers (they show CORS intent) | ${fmt(judged)} |`);
out.push(
  `| … read from a local OpenAPI file (DefinitionUri, BodyS3Location, AWS::Include) | ${fmt(fromFiles)} |`,
);
out.push(`| … of those, analysed (methods read) | ${fmt(fromFilesAnalysed)} |`);
out.push(`| … not modelled (S3 or computed definition; a note says so) | ${fmt(unread)} |`);
out.push(
  `| HTTP APIs and Function URLs (issue 15), judged for browsers | ${fmt(platform)}, ${fmt(platformJudged)} |`,
);
out.push(
  `| HTTP APIs and Function URLs written as plain CloudFormation (not modelled; a note says so) | ${fmt(notModelled)} |`,
);
out.push(`| CG104/CG120 errors on APIs without CORS intent | ${strayErrors} |`);
out.push('');
out.push('Findings per rule:');
out.push('');
out.push(`| ${Object.keys(s.byRule).join(' | ')} |`);
out.push(
  `| ${Object.keys(s.byRule)
    .map(() => '---:')
    .join(' | ')} |`,
);
out.push(`| ${Object.values(s.byRule).map(fmt).join(' | ')} |`);
if (classes.wrong.length > 0) {
  out.push('');
  const parse = classes.wrong.filter((t) => parseKind(t.refused.message) !== 'other').length;
  out.push(
    `Wrong refusals: ${parse} of ${classes.wrong.length} are parse differences with PyYAML (issue 14 item 1, src/template/parse.ts):`,
  );
  out.push('');
  for (const t of classes.wrong)
    out.push(`- ${t.refused.position ?? t.file} — ${parseKind(t.refused.message)}`);
}
out.push('');
out.push('Targets: whole repository < 20 s, one template < 300 ms, 0 wrong refusals.');
console.log(out.join('\n'));
