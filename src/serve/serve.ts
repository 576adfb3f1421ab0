/**
 * `crossgate serve`, assembled: template → deployment → gateway, the Lambda runtime behind it, the HTTP
 * server in front, a log line per request. Everything here is wiring; the behaviour lives in gateway/.
 */
import { resolve } from 'node:path';
import type { ApiKey } from '../gateway/api-keys.js';
import { generateApiKeyValue } from '../gateway/api-keys.js';
import { createGateway, type Gateway } from '../gateway/gateway.js';
import { createRuntime } from '../runtime/index.js';
import type { FunctionSpec, Runtime } from '../runtime/types.js';
import type { Deployment } from '../sam/model.js';
import type { TemplateModel } from '../template/model.js';
import { forwardingBackend } from './backend.js';
import { type Exchange, type GatewayServer, startGatewayServer } from './server.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  stagePrefix?: boolean;
  apiKeys?: string[];
  watch?: boolean;
  onExchange?: (exchange: Exchange) => void;
  onLog?: (functionId: string, requestId: string, line: string) => void;
  onReload?: (functionId: string, file: string) => void;
  /** Workers per function at most (each runs one event at a time, like a Lambda environment). */
  workers?: number;
  /** Build and start every function's worker before listening (first request is then warm). */
  warm?: boolean;
}

export interface RunningServe {
  server: GatewayServer;
  gateway: Gateway;
  runtime: Runtime;
  keys: ApiKey[];
  /** What the template holds that serve does not model (HTTP APIs…), said plainly at start-up. */
  notes: string[];
  close(): Promise<void>;
}

export function functionSpecs(model: TemplateModel): FunctionSpec[] {
  return Object.values(model.functions).map((f) => ({
    id: f.logicalId,
    codeDir: resolve(model.baseDir, f.codeUri ?? '.'),
    handler: f.handler ?? '',
    runtime: f.runtime,
    environment: f.environment,
    timeoutSeconds: f.timeout,
    memoryMB: f.memorySize,
    inlineCode: f.inlineCode,
  }));
}

/** Keys the local gateway accepts: the template's values, `--api-key`, else one generated now. */
export function apiKeysFor(model: TemplateModel, deployment: Deployment, given: string[] = []): ApiKey[] {
  const keys: ApiKey[] = [];
  for (const k of model.apiKeys)
    if (k.value !== undefined && k.enabled)
      keys.push({ id: k.logicalId, value: k.value, source: 'template' });
  for (const [i, value] of given.entries()) keys.push({ id: `cli-key-${i + 1}`, value, source: '--api-key' });
  const needsKey = deployment.apis.some((a) =>
    a.resources.some((r) => r.methods.some((m) => m.apiKeyRequired)),
  );
  if (needsKey && keys.length === 0)
    keys.push({ id: 'generated-key', value: generateApiKeyValue(), source: 'generated' });
  return keys;
}

export async function serve(
  model: TemplateModel,
  deployment: Deployment,
  options: ServeOptions = {},
): Promise<RunningServe> {
  const keys = apiKeysFor(model, deployment, options.apiKeys);
  const specs = functionSpecs(model);
  const runtime = createRuntime(specs, {
    watch: options.watch ?? true,
    maxWorkersPerFunction: options.workers,
    onLog: options.onLog,
    onReload: options.onReload,
  });
  const functionTimeouts: Record<string, number> = {};
  for (const f of Object.values(model.functions)) functionTimeouts[f.logicalId] = f.timeout;
  let gateway: Gateway;
  try {
    gateway = createGateway(deployment, {
      invoke: runtime.invoke.bind(runtime),
      apiKeys: keys,
      stagePrefix: options.stagePrefix,
      functionTimeouts,
      callBackend: forwardingBackend,
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  if (options.warm) await runtime.warm();
  const server = await startGatewayServer(gateway, {
    host: options.host,
    port: options.port,
    onExchange: options.onExchange,
  });
  return {
    server,
    gateway,
    runtime,
    keys,
    notes: [
      ...new Set([...deployment.notes.map((n) => n.message), ...deployment.apis.flatMap((a) => a.notes)]),
    ],
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
}
