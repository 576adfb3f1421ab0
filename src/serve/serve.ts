/**
 * `crossgate serve`, assembled: template → deployment → gateway, the Lambda runtime behind it, the HTTP
 * server in front, a log line per request. Everything here is wiring; the behaviour lives in gateway/.
 */
import type { ApiKey } from '../gateway/api-keys.js';
import { generateApiKeyValue } from '../gateway/api-keys.js';
import { createFunctionUrlGateway, createGateway, type Gateway } from '../gateway/gateway.js';
import { createRuntime } from '../runtime/index.js';
import type { FunctionSpec, InvocationRecord, Runtime } from '../runtime/types.js';
import type { DeployedFunctionUrl, Deployment } from '../sam/model.js';
import type { TemplateModel } from '../template/model.js';
import { forwardingBackend } from './backend.js';
import { type EnvVarsFile, functionSpecsOf } from './functions.js';
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
  /** Each invocation's start and end (Lambda's START, END and REPORT lines). */
  onInvocation?: (functionId: string, record: InvocationRecord) => void;
  /** `--env-vars`: overrides of Environment.Variables, in SAM CLI's format. */
  envVars?: EnvVarsFile;
  /** `--python`: the interpreter for every Python function. */
  python?: string;
  /** Port of the first Function URL (each has its own, the next ones counting up); 0: free ports. */
  functionUrlPort?: number;
  /** A JSON Web Key Set JWT authorizers verify signatures against; without one they are skipped. */
  jwks?: unknown;
}

/** A Function URL served on its own address, as each has its own host on AWS. */
export interface ServedFunctionUrl {
  url: DeployedFunctionUrl;
  gateway: Gateway;
  server: GatewayServer;
}

export interface RunningServe {
  server: GatewayServer;
  gateway: Gateway;
  functionUrls: ServedFunctionUrl[];
  runtime: Runtime;
  keys: ApiKey[];
  /** What the template holds that serve does not model, or models loosely, said plainly at start-up. */
  notes: string[];
  close(): Promise<void>;
}

export function functionSpecs(model: TemplateModel, envVars?: EnvVarsFile): FunctionSpec[] {
  return functionSpecsOf(model, { envVars }).specs;
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
  const { specs, notes: functionNotes } = functionSpecsOf(model, { envVars: options.envVars });
  const runtime = createRuntime(specs, {
    watch: options.watch ?? true,
    maxWorkersPerFunction: options.workers,
    onLog: options.onLog,
    onReload: options.onReload,
    onInvocation: options.onInvocation,
    python: options.python,
    templateDir: model.baseDir,
  });
  const functionTimeouts: Record<string, number> = {};
  for (const f of Object.values(model.functions)) functionTimeouts[f.logicalId] = f.timeout;
  let gateway: Gateway;
  const gatewayOptions = {
    invoke: runtime.invoke.bind(runtime),
    apiKeys: keys,
    stagePrefix: options.stagePrefix,
    functionTimeouts,
    jwks: options.jwks,
    callBackend: forwardingBackend,
  };
  try {
    gateway = createGateway(deployment, gatewayOptions);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  if (options.warm) await runtime.warm();
  // Said once at start-up: a Python that runs instead of the one a Runtime names, or none at all.
  const runtimeNotes = await runtime.notes();
  const servers: GatewayServer[] = [];
  const functionUrls: ServedFunctionUrl[] = [];
  try {
    const server = await startGatewayServer(gateway, {
      host: options.host,
      port: options.port,
      onExchange: options.onExchange,
    });
    servers.push(server);
    for (const [i, url] of deployment.functionUrls.entries()) {
      const urlGateway = createFunctionUrlGateway(url, gatewayOptions);
      const base =
        options.functionUrlPort ?? (options.port === 0 || options.port === undefined ? 0 : options.port + 2);
      const urlServer = await startGatewayServer(urlGateway, {
        host: options.host,
        port: base === 0 ? 0 : base + i,
        onExchange: options.onExchange,
      });
      servers.push(urlServer);
      functionUrls.push({ url, gateway: urlGateway, server: urlServer });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    await runtime.close();
    throw error;
  }
  return {
    server: servers[0],
    gateway,
    functionUrls,
    runtime,
    keys,
    notes: [
      ...new Set([...serveNotes(deployment, options.jwks !== undefined), ...functionNotes, ...runtimeNotes]),
    ],
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await runtime.close();
    },
  };
}

/** What start-up says plainly: what is not modelled, and what serve does not enforce. */
export function serveNotes(deployment: Deployment, jwks: boolean): string[] {
  const notes = [
    ...deployment.notes.map((n) => n.message),
    ...deployment.apis.flatMap((a) => a.notes),
    ...deployment.httpApis.flatMap((a) => a.notes),
    ...deployment.functionUrls.flatMap((u) => u.notes),
  ];
  const jwt = deployment.httpApis.flatMap((a) =>
    Object.values(a.authorizers)
      .filter((x) => x.type === 'JWT')
      .map((x) => `${a.logicalId}.${x.name}`),
  );
  if (jwt.length > 0 && !jwks)
    notes.push(
      `JWT SIGNATURES ARE NOT VERIFIED (${jwt.join(', ')}): any token with the right issuer, audience, expiry and scopes passes. Give --jwks keys.json to verify them`,
    );
  for (const u of deployment.functionUrls)
    if (u.authType === 'AWS_IAM')
      notes.push(
        `${u.logicalId}: AuthType AWS_IAM is not enforced locally: unsigned requests reach ${u.functionId}`,
      );
  const iam = deployment.httpApis.filter((a) =>
    a.resources.some((r) => r.methods.some((m) => m.authorizer === 'AWS_IAM')),
  );
  for (const a of iam)
    notes.push(
      `${a.logicalId}: AWS_IAM routes need a SigV4 Authorization header; its signature is not verified locally`,
    );
  return [...new Set(notes)];
}
