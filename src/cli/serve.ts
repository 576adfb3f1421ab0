/** `crossgate serve [template.yaml]`: a local API Gateway for the template. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { type Inspector, startInspector } from '../inspector/index.js';
import { lifecycleLines } from '../runtime/index.js';
import { routeTable } from '../serve/banner.js';
import { EnvVarsError, readEnvVarsFile } from '../serve/functions.js';
import { functionLogLine, requestLogLine } from '../serve/log.js';
import { LogOutput } from '../serve/log-output.js';
import { serve } from '../serve/serve.js';
import type { Exchange } from '../serve/server.js';
import { loadTemplateFile, parseParameterOverrides, UsageError } from './template-file.js';

const HELP = `usage: crossgate serve [template.yaml] [options]

  --port <n>                    port to listen on (default 3000; 0 picks a free one)
  --host <addr>                 address to bind (default 127.0.0.1; 0.0.0.0 exposes it to your network)
  --stage-prefix                serve paths under the stage (/Prod/items), as the execute-api URL does
  --api-key <value>             accept this API key (repeatable); default: the template's, or one generated
  --parameter-overrides K=V     template parameters, as sam deploy takes them
  --no-watch                    do not reload handlers when their files change
  --inspector <port|off>        the inspector's port (default: the API port + 1), or off
  --inspector-host <addr>       address the inspector binds (default 127.0.0.1, whatever --host says)
  --inspector-secrets           show API keys, Authorization, x-api-key and cookies in the inspector (masked by default)
  --workers <n>                 concurrent executions per function (default 4; each runs one event at a time)
  --function-url-port <n>       port of the first Function URL, the next ones counting up (default: the API port + 2)
  --jwks <file>                 a JSON Web Key Set JWT authorizers verify token signatures against
                                (without it signatures are not verified, and serve says so)
  --env-vars <file.json>        override Environment.Variables, in sam local's format:
                                {"Parameters": {"NAME": "v"}, "MyFunction": {"NAME": "v"}}
  --python <path>               the Python interpreter for every python3.x function (default: found, see README)
`;

export const serveCommand = {
  summary: 'serve the template locally',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '3000' },
        host: { type: 'string', default: '127.0.0.1' },
        'stage-prefix': { type: 'boolean', default: false },
        'api-key': { type: 'string', multiple: true, default: [] },
        'parameter-overrides': { type: 'string', multiple: true, default: [] },
        'no-watch': { type: 'boolean', default: false },
        workers: { type: 'string', default: '4' },
        'env-vars': { type: 'string' },
        python: { type: 'string' },
        inspector: { type: 'string' },
        'function-url-port': { type: 'string' },
        jwks: { type: 'string' },
        'inspector-host': { type: 'string', default: '127.0.0.1' },
        'inspector-secrets': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(`serve takes one template file\n\n${HELP}`);
    const file =
      positionals[0] ?? ['template.yaml', 'template.yml', 'template.json'].find((f) => existsSync(f));
    if (!file)
      throw new UsageError('no template.yaml here; name the template: crossgate serve path/to/template.yaml');
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: '${values.port}' is not a port number`);
    const inspectorPort =
      values.inspector === 'off'
        ? undefined
        : values.inspector === undefined
          ? port === 0
            ? 0
            : port + 1
          : Number(values.inspector);
    if (
      inspectorPort !== undefined &&
      (!Number.isInteger(inspectorPort) || inspectorPort < 0 || inspectorPort > 65535)
    )
      throw new UsageError(`--inspector: '${values.inspector}' is not a port number or off`);
    let envVars: ReturnType<typeof readEnvVarsFile> | undefined;
    try {
      envVars = values['env-vars'] === undefined ? undefined : readEnvVarsFile(values['env-vars']);
    } catch (error) {
      if (error instanceof EnvVarsError) throw new UsageError(error.message);
      throw error;
    }
    const started = performance.now();
    let inspect: ((x: Exchange) => void) | undefined;
    const logOutput = new LogOutput(process.stdout);
    const log = (lines: string): void => logOutput.write(lines);
    const { model, deployment } = loadTemplateFile(
      file,
      parseParameterOverrides(values['parameter-overrides']),
    );
    const running = await serve(model, deployment, {
      host: values.host,
      port,
      stagePrefix: values['stage-prefix'],
      apiKeys: values['api-key'],
      watch: !values['no-watch'],
      workers: parseWorkers(values.workers),
      functionUrlPort: parsePort('--function-url-port', values['function-url-port']),
      jwks: values.jwks === undefined ? undefined : readJwks(values.jwks),
      envVars,
      python: values.python,
      onExchange: (x) => {
        log(`${requestLogLine(x)}\n`);
        inspect?.(x);
      },
      onLog: (fn, requestId, line) => log(pc.dim(`${functionLogLine(fn, requestId, line)}\n`)),
      // Lambda's START / END / REPORT lines, in the same log as the function's own.
      onInvocation: (fn, record) => {
        const prefix = `  ${fn} ${record.requestId.slice(0, 8)} `;
        const [first, second] = lifecycleLines(record);
        log(pc.dim(second === undefined ? `${prefix}${first}\n` : `${prefix}${first}\n${prefix}${second}\n`));
      },
      onReload: (fn, f) => process.stdout.write(pc.dim(`reloaded ${fn} (${f} changed)\n`)),
    });
    process.stdout.write(
      routeTable(running, {
        stagePrefix: values['stage-prefix'],
        file,
        startupMs: performance.now() - started,
      }),
    );
    let inspector: Inspector | undefined;
    if (inspectorPort !== undefined) {
      const start = (p: number) =>
        startInspector({
          // Never --host: exposing the API does not expose the recorded requests and keys.
          host: values['inspector-host'],
          port: p,
          apiUrl: loopbackUrl(running.server.url),
          apis: running.gateway.apis,
          httpApis: running.gateway.httpApis,
          template: { file, model },
          stagePrefix: values['stage-prefix'],
          apiKeys: running.keys.map((k) => k.value),
          showSecrets: values['inspector-secrets'],
        });
      try {
        inspector = await start(inspectorPort);
      } catch (error) {
        // The default port (API port + 1) may be taken: any free one will do. A port asked for is not replaced.
        if (values.inspector === undefined && (error as { code?: string }).code === 'EADDRINUSE')
          inspector = await start(0);
        else {
          await running.close();
          throw error;
        }
      }
      inspect = inspector.onExchange;
      process.stdout.write(
        `  inspector: ${pc.cyan(inspector.url)} ${pc.dim('(every cross-origin request, as the browser saw it)')}\n\n`,
      );
    }
    const stop = () => {
      void Promise.all([running.close(), inspector?.close()]).then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {});
    return 0;
  },
};

function parsePort(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${flag}: '${value}' is not a port number`);
  return n;
}

/** A JSON Web Key Set file: `{"keys": [...]}` (RFC 7517 §5). */
function readJwks(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--jwks: ${file}: no such file`);
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--jwks: ${file} is not JSON (${(error as Error).message})`);
  }
  if (!jwks || typeof jwks !== 'object' || !Array.isArray((jwks as { keys?: unknown }).keys))
    throw new UsageError(`--jwks: ${file} is not a JSON Web Key Set ({"keys": [...]})`);
  return jwks;
}

/** The API as a page on this machine reaches it: a wildcard bind address is no address to fetch. */
function loopbackUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--workers: '${value}' is not a number from 1 to 64`);
  return n;
}
