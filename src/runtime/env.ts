import { randomBytes } from 'node:crypto';
import { runtimeFamily } from './family.js';
import { nodeLayerPaths } from './node-layers.js';
import type { FunctionSpec } from './types.js';

/**
 * The environment a function's worker sees: the host's variables, then the template's `Environment`,
 * then the variables Lambda defines itself, which a template cannot override (AWS Lambda docs: "Defined
 * runtime environment variables" — they are reserved).
 *
 * TZ: Lambda sets `TZ=:UTC`, and so does crossgate, so code that reads the variable sees what it would see
 * in AWS. The time zone of `Date` is per process, though, not per worker: it follows the host. Run the host
 * with `TZ=UTC` for dates formatted as in Lambda. A template may set TZ itself (it is not reserved).
 *
 * AWS_LAMBDA_FUNCTION_TIMEOUT is not set by Lambda; it is set here (as `sam local` does) for tools that
 * read it.
 */
export function functionEnvironment(
  spec: FunctionSpec,
  region: string,
  logStreamName: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.TZ = ':UTC';
  Object.assign(env, spec.environment);
  const runtime = spec.runtime ?? 'nodejs20.x';
  Object.assign(env, {
    _HANDLER: spec.handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.id,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
    AWS_LAMBDA_FUNCTION_TIMEOUT: String(spec.timeoutSeconds),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.id}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: spec.codeDir,
  });
  // require() looks in the Layers after the code's own node_modules, as through Lambda's NODE_PATH.
  const layered = runtimeFamily(spec.runtime) === 'node' ? nodeLayerPaths(spec) : [];
  if (layered.length > 0) env.NODE_PATH = [...layered, env.NODE_PATH ?? ''].filter(Boolean).join(':');
  return env;
}

/** `2024/05/01/[$LATEST]0123…`: one per execution environment, as in CloudWatch. */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
