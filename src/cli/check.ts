/** `crossgate check template.yaml`: every CORS defect, at its line, with the fix. */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseEngines } from '../browser/index.js';
import { applyFixes, unifiedDiff } from '../check/fix.js';
import { RULES } from '../check/rules/index.js';
import { normalizeOrigin } from '../check/rules/malformed-origin.js';
import { type CheckResult, runCheck } from '../check/run.js';
import { checkJson } from '../report/check-json.js';
import { checkText } from '../report/check-text.js';
import { checkGithub } from '../report/github.js';
import { checkSarif } from '../report/sarif.js';
import { CorsConfigurationError } from '../sam/http-api.js';
import { TemplateError } from '../template/errors.js';
import { loadTemplateFile, parseParameterOverrides, UsageError } from './template-file.js';

const HELP = `usage: crossgate check <template.yaml> [options]

  --origin <origin>             an origin your web app is served from (repeatable); default: the template's
  --format text|json|sarif|github   output format (default text)
  --fix                         apply the safe fixes to the template (keeps comments and order)
  --dry-run                     with --fix: print the diff, write nothing
  --invoke                      run the handlers (local runtime) instead of reading their source
  --browser chromium|firefox|webkit|all   the engines to judge by and quote (default all; a list works)
  --parameter-overrides K=V     template parameters, as sam deploy takes them
  --python <path>               the Python that reads (and with --invoke runs) Python handlers

Exit codes: 0 no error-level finding, 1 findings at error level, 2 bad input.
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const checkCommand = {
  summary: 'find CORS defects',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        origin: { type: 'string', multiple: true, default: [] },
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
    if (positionals.length !== 1) throw new UsageError(`check takes one template file\n\n${HELP}`);
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
    const file = positionals[0];
    let result: CheckResult;
    let source: string;
    let path: string;
    try {
      const loaded = loadTemplateFile(file, parseParameterOverrides(values['parameter-overrides']));
      source = loaded.model.source;
      path = loaded.path;
      let runtime: import('../runtime/types.js').Runtime | undefined;
      if (values.invoke) {
        const { createRuntime } = await import('../runtime/index.js');
        const { functionSpecs } = await import('../serve/serve.js');
        runtime = createRuntime(functionSpecs(loaded.model), {
          watch: false,
          templateDir: loaded.model.baseDir,
          python: values.python,
        });
      }
      try {
        result = await runCheck(loaded.model, loaded.deployment, {
          origins: values.origin,
          invoke: runtime ? runtime.invoke.bind(runtime) : undefined,
          python: values.python,
        });
        // What the runtime could not run (no Python, a Runtime it does not run) was read instead.
        if (runtime) result.notes.push(...(await runtime.notes()).filter((n) => !result.notes.includes(n)));
      } finally {
        await runtime?.close();
      }
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
        result = {
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
        };
        path = file;
        source = readFileSync(file, 'utf8');
      } else throw error;
    }

    result.engines = engines;
    if (values.fix) {
      const fixed = applyFixes(source, result.findings);
      const diff = unifiedDiff(source, fixed.output, file);
      // --dry-run's product is the diff: stdout, so `> fix.diff` keeps it. Otherwise it is a side note.
      if (values['dry-run']) {
        process.stdout.write(diff);
        if (!diff) process.stderr.write('check --fix: nothing to fix automatically\n');
        return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
      }
      process.stderr.write(diff || 'check --fix: nothing to fix automatically\n');
      if (!values['dry-run'] && diff) {
        writeFileSync(path, fixed.output);
        process.stderr.write(
          `check --fix: applied ${fixed.applied.length} fix${fixed.applied.length === 1 ? '' : 'es'} to ${file}; checking again\n`,
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
  },
};
