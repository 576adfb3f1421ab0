/** `crossgate check template.yaml…|dir…`: every CORS defect, at its line, with the fix. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Engine, parseEngines } from '../browser/index.js';
import { type CrossgateConfig, readConfig } from '../check/config.js';
import { applyFixesToFiles, unifiedDiff } from '../check/fix.js';
import { RULES } from '../check/rules/index.js';
import { normalizeOrigin } from '../check/rules/malformed-origin.js';
import { type CheckResult, runCheck } from '../check/run.js';
import type { Invoke } from '../gateway/types.js';
import { checkJson } from '../report/check-json.js';
import { checkText, manyText } from '../report/check-text.js';
import { checkGithub } from '../report/github.js';
import { checkSarif, sarifUri } from '../report/sarif.js';
import { CorsConfigurationError } from '../sam/http-api.js';
import { TemplateError } from '../template/errors.js';
import { formatPos } from '../template/position.js';
import { loadTemplateFile, parseParameterOverrides, readLocalFile, UsageError } from './template-file.js';

const HELP = `usage: crossgate check <template.yaml | directory>... [options]

  --origin <origin>             an origin your web app is served from (repeatable); default: the
                                configuration's (crossgate.config.json or package.json "crossgate"
                                beside the template), then the template's
  --strict                      judge every API for browsers, even one nothing shows is called from
                                pages on other origins (by default such an API gets one info line)
  --format text|json|sarif|github   output format (default text)
  --fix                         apply the safe fixes to the template (keeps comments and order)
  --dry-run                     with --fix: print the diff, write nothing
  --invoke                      run the handlers (local runtime) instead of reading their source
  --browser chromium|firefox|webkit|all   the engines to judge by and quote (default all; a list works)
  --parameter-overrides K=V     template parameters, as sam deploy takes them
  --python <path>               the Python that reads (and with --invoke runs) Python handlers

A directory is searched for template.yaml, template.yml and template.json (as sam finds them),
skipping node_modules, .git and .aws-sam. With several templates, text output lists the findings of
each and a summary; --fix and --invoke take one template.

Exit codes: 0 no error-level finding, 1 findings at error level, 2 bad input (any template refused).
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
/** The names sam looks for (sam build/deploy --template default). */
const TEMPLATE_NAMES = new Set(['template.yaml', 'template.yml', 'template.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.aws-sam']);

/** One template's outcome: checked, or refused with the reason. */
export interface CheckedTemplate {
  /** As the user sees it (relative to where they stand). */
  file: string;
  result?: CheckResult;
  source?: string;
  path?: string;
  refused?: { message: string; position: string | undefined };
}

export const checkCommand = {
  summary: 'find CORS defects',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        origin: { type: 'string', multiple: true, default: [] },
        strict: { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        fix: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        invoke: { type: 'boolean', default: false },
        python: { type: 'string' },
        browser: { type: 'string', default: 'all' },
        'parameter-overrides': { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0)
      throw new UsageError(`check takes a template file or a directory\n\n${HELP}`);
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format))
      throw new UsageError(`--format: '${values.format}' is not one of ${FORMATS.join(', ')}`);
    for (const origin of values.origin) {
      const normal = normalizeOrigin(origin);
      if (normal !== origin)
        throw new UsageError(
          `--origin: '${origin}' is not an origin as a browser sends it (scheme://host[:port], no path)${normal ? `; did you mean '${normal}'?` : ''}`,
        );
    }
    const engines = parseEngines(values.browser);
    if (!engines)
      throw new UsageError(
        `--browser: '${values.browser}' is not chromium, firefox, webkit or all (or a comma-separated list)`,
      );
    const options: CheckOneOptions = {
      origins: values.origin,
      strict: values.strict,
      python: values.python,
      engines,
      overrides: parseParameterOverrides(values['parameter-overrides']),
    };
    const files = templatesIn(positionals);
    // --fix and --invoke work on one template: a folder that holds just one is that template.
    const single = files.length === 1 && (!isDirectory(positionals[0]) || values.fix || values.invoke);
    if (!single && files.length > 1 && (values.fix || values.invoke))
      throw new UsageError(
        `--${values.fix ? 'fix' : 'invoke'} takes one template; ${positionals.join(' ')} holds ${files.length}: name one (${files[0]})`,
      );
    if (files.length === 0)
      throw new UsageError(`no template.yaml, template.yml or template.json in ${positionals.join(' ')}`);

    if (single) return checkSingle(files[0], argv, values, format, options);

    const checked: CheckedTemplate[] = [];
    for (const file of files) {
      try {
        checked.push(await checkOne(file, options, undefined));
      } catch (error) {
        // Named as a checked template is: relative to where the user stands.
        const shown = relative(process.cwd(), resolve(file)) || file;
        if (error instanceof TemplateError)
          checked.push({
            file: shown,
            refused: { message: error.detail, position: error.pos ? formatPos(error.pos) : undefined },
          });
        else if (error instanceof UsageError)
          checked.push({ file: shown, refused: { message: error.message, position: undefined } });
        else throw error;
      }
    }
    const out =
      format === 'json'
        ? `${JSON.stringify(manyJson(checked), null, 2)}\n`
        : format === 'sarif'
          ? `${JSON.stringify(sarifMany(checked), null, 2)}\n`
          : format === 'github'
            ? checked.map((c) => (c.result ? checkGithub(c.result) : refusedGithub(c))).join('')
            : manyText(checked);
    process.stdout.write(out);
    if (checked.some((c) => c.refused)) return 2;
    return checked.some((c) => c.result?.findings.some((f) => f.severity === 'error')) ? 1 : 0;
  },
};

async function checkSingle(
  file: string,
  argv: string[],
  values: { fix: boolean; 'dry-run': boolean; invoke: boolean },
  format: (typeof FORMATS)[number],
  options: CheckOneOptions,
): Promise<number> {
  let runtime: import('../runtime/types.js').Runtime | undefined;
  let checked: CheckedTemplate;
  try {
    checked = await checkOne(file, options, async (model) => {
      if (!values.invoke) return undefined;
      const { createRuntime } = await import('../runtime/index.js');
      const { functionSpecs } = await import('../serve/serve.js');
      runtime = createRuntime(functionSpecs(model), {
        watch: false,
        templateDir: model.baseDir,
        python: options.python,
      });
      return runtime.invoke.bind(runtime);
    });
    // What the runtime could not run (no Python, a Runtime it does not run) was read instead.
    const result = checked.result;
    if (runtime && result)
      result.notes.push(...(await runtime.notes()).filter((n) => !result.notes.includes(n)));
  } finally {
    await runtime?.close();
  }
  const result = checked.result!;
  const source = checked.source!;
  const path = checked.path!;
  if (values.fix) {
    // The template and the OpenAPI files it reads: a finding in api.yaml is fixed in api.yaml.
    const sources = { ...result.sources, [checked.file]: source };
    const fixed = applyFixesToFiles(sources, result.findings, checked.file);
    const changed = Object.keys(fixed.outputs).sort((a, b) =>
      a === checked.file ? -1 : b === checked.file ? 1 : a.localeCompare(b),
    );
    const diff = changed
      .map((name) => unifiedDiff(sources[name], fixed.outputs[name], name === checked.file ? file : name))
      .join('');
    // --dry-run's product is the diff: stdout, so `> fix.diff` keeps it. Otherwise it is a side note.
    if (values['dry-run']) {
      process.stdout.write(diff);
      if (!diff) process.stderr.write('check --fix: nothing to fix automatically\n');
      return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
    }
    process.stderr.write(diff || 'check --fix: nothing to fix automatically\n');
    if (diff) {
      for (const name of changed)
        writeFileSync(name === checked.file ? path : resolve(name), fixed.outputs[name]);
      process.stderr.write(
        `check --fix: applied ${fixed.applied.length} fix${fixed.applied.length === 1 ? '' : 'es'} to ${changed.map((n) => (n === checked.file ? file : n)).join(', ')}; checking again\n`,
      );
      return checkCommand.run(argv.filter((a) => a !== '--fix'));
    }
  }
  const out =
    format === 'json'
      ? `${JSON.stringify(checkJson(result), null, 2)}\n`
      : format === 'sarif'
        ? `${JSON.stringify(checkSarif(result), null, 2)}\n`
        : format === 'github'
          ? checkGithub(result)
          : checkText(result, source);
  process.stdout.write(out);
  return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

interface CheckOneOptions {
  origins: string[];
  strict: boolean;
  python: string | undefined;
  /** The engines the report speaks of (`--browser`). */
  engines: Engine[];
  overrides: Record<string, string>;
}

/** Loads and checks one template; a refusal throws (TemplateError, UsageError). */
async function checkOne(
  file: string,
  { origins, strict, python, engines, overrides }: CheckOneOptions,
  invokeFor:
    | ((model: import('../template/model.js').TemplateModel) => Promise<Invoke | undefined>)
    | undefined,
): Promise<CheckedTemplate> {
  try {
    const loaded = loadTemplateFile(file, overrides);
    const config = configBeside(loaded.path);
    const invoke = invokeFor ? await invokeFor(loaded.model) : undefined;
    const result = await runCheck(loaded.model, loaded.deployment, {
      origins,
      config,
      strict,
      invoke,
      python,
    });
    result.engines = engines;
    return { file: loaded.model.file, result, source: loaded.model.source, path: loaded.path };
  } catch (error) {
    // SAM refuses a REST API's AllowCredentials with a '*' origin at transform: that is a CORS
    // finding, not bad input. Matched on SAM's own sentence: a message that merely lists
    // AllowCredentials (an unknown Cors key) is not it. An HTTP API's or Function URL's refused
    // CORS configuration is bad input.
    if (
      error instanceof TemplateError &&
      !(error instanceof CorsConfigurationError) &&
      /'AllowCredentials' can not be true/.test(error.detail)
    ) {
      const rule = RULES.find((r) => r.code === 'CG109')!;
      const source = readFileSync(file, 'utf8');
      const result: CheckResult = {
        rules: RULES,
        notes: [],
        simulations: [],
        findings: [
          {
            code: rule.code,
            rule: rule.name,
            severity: 'error',
            message: `sam deploy refuses this template: ${error.detail}`,
            pos: error.pos,
            hint: "Name one origin in AllowOrigin (\"'https://app.example.com'\"); '*' never works with credentials.",
          },
        ],
        sources: error.pos ? { [error.pos.file]: source } : undefined,
        engines,
      };
      return { file, result, source, path: resolve(file) };
    }
    throw error;
  }
}

/** The crossgate configuration beside a template, with its name as the user sees it. */
function configBeside(templatePath: string): CrossgateConfig | undefined {
  return readConfig(dirname(templatePath), readLocalFile, (p) => relative(process.cwd(), p) || p);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Each argument as templates: a file as given, a directory searched (sorted, so output is stable). */
function templatesIn(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (!isDirectory(arg)) {
      out.push(arg);
      continue;
    }
    const walk = (dir: string) => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) walk(join(dir, e.name));
        } else if (e.isFile() && TEMPLATE_NAMES.has(e.name)) out.push(join(dir, e.name));
      }
    };
    walk(arg);
  }
  return out;
}

function refusedGithub(c: CheckedTemplate): string {
  const at = c.refused?.position?.match(/^(.*):(\d+):(\d+)$/);
  const props = at ? `file=${at[1]},line=${at[2]},col=${at[3]}` : `file=${c.file}`;
  return `::error ${props},title=refused::${(c.refused?.message ?? '').replaceAll('\n', '%0A')}\n`;
}

/** One result holding every template's findings (for SARIF, one run over many files). */
function merged(checked: CheckedTemplate[]): CheckResult {
  return {
    rules: RULES,
    notes: [],
    simulations: [],
    findings: checked.flatMap((c) => c.result?.findings ?? []),
  };
}

/** One SARIF run over every template; a refused template is a failed tool execution notification (SARIF 2.1.0 §3.20.21). */
function sarifMany(checked: CheckedTemplate[]): unknown {
  const sarif = checkSarif(merged(checked)) as { runs: Array<Record<string, unknown>> };
  const refused = checked.filter((c) => c.refused);
  sarif.runs[0].invocations = [
    {
      executionSuccessful: refused.length === 0,
      toolExecutionNotifications: refused.map((c) => {
        const at = c.refused?.position?.match(/^(.*):(\d+):(\d+)$/);
        return {
          level: 'error',
          message: { text: c.refused?.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(at ? at[1] : c.file) },
                ...(at ? { region: { startLine: Number(at[2]), startColumn: Number(at[3]) } } : {}),
              },
            },
          ],
        };
      }),
    },
  ];
  return sarif;
}

/** The JSON report for several templates: each template's report, then the totals. */
export function manyJson(checked: CheckedTemplate[]): unknown {
  const byRule: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const c of checked)
    for (const f of c.result?.findings ?? []) {
      byRule[f.code] = (byRule[f.code] ?? 0) + 1;
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else infos++;
    }
  return {
    templates: checked.map((c) =>
      c.result
        ? { file: c.file, ...(checkJson(c.result) as Record<string, unknown>) }
        : { file: c.file, refused: c.refused },
    ),
    summary: {
      templates: checked.length,
      loaded: checked.filter((c) => c.result).length,
      refused: checked.filter((c) => c.refused).length,
      errors,
      warnings,
      infos,
      byRule: Object.fromEntries(Object.entries(byRule).sort()),
    },
  };
}
