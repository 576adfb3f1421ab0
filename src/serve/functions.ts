/**
 * The functions of a template as the runtime runs them: code folder, Runtime, Layers (a LayerVersion's
 * local ContentUri), and Environment.Variables with the overrides of an `--env-vars` file in SAM CLI's
 * format.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FunctionSpec } from '../runtime/types.js';
import { isIntrinsic } from '../template/intrinsics.js';
import type { FunctionModel, TemplateModel } from '../template/model.js';

/**
 * An `--env-vars` file, as `sam local` reads it: `{"Parameters": {...}}` for every function, and
 * `{"<LogicalId>": {...}}` (or the FunctionName) for one; a function's own entry wins
 * (aws-sam-cli samcli/commands/local/lib/local_lambda.py, _make_env_vars).
 */
export type EnvVarsFile = Record<string, Record<string, unknown>>;

export class EnvVarsError extends Error {}

export function readEnvVarsFile(file: string): EnvVarsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EnvVarsError(`--env-vars ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new EnvVarsError(`--env-vars ${file}: must be a JSON object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      // SAM CLI refuses the same: "Environment variables {} in incorrect format".
      throw new EnvVarsError(
        `--env-vars ${file}: "${key}" must be an object of variables, as {"${key}": {"NAME": "value"}}`,
      );
  }
  return parsed as EnvVarsFile;
}

export interface FunctionSpecOptions {
  envVars?: EnvVarsFile;
}

export interface FunctionSpecsResult {
  specs: FunctionSpec[];
  /** What could not be used (a Layer given as an ARN, an override for a variable the function does not declare). */
  notes: string[];
}

export function functionSpecsOf(
  model: TemplateModel,
  options: FunctionSpecOptions = {},
): FunctionSpecsResult {
  const notes: string[] = [];
  const specs = Object.values(model.functions).map((f) => {
    const layers = layersOf(model, f, notes);
    return {
      id: f.logicalId,
      codeDir: resolve(model.baseDir, f.codeUri ?? '.'),
      handler: f.handler ?? '',
      runtime: f.runtime,
      ...(packageTypeOf(model, f) === 'Image' ? { packageType: 'Image' } : {}),
      environment: options.envVars ? withOverrides(model, f, options.envVars, notes) : f.environment,
      timeoutSeconds: f.timeout,
      memoryMB: f.memorySize,
      inlineCode: f.inlineCode,
      ...(layers.length > 0 ? { layers } : {}),
    };
  });
  return { specs, notes };
}

/**
 * SAM CLI overrides only the variables a function declares in Environment.Variables
 * (samcli/local/lambdafn/env_vars.py, resolve()); values become strings as there (true → "true",
 * an object or null → "").
 */
function withOverrides(
  model: TemplateModel,
  f: FunctionModel,
  file: EnvVarsFile,
  notes: string[],
): Record<string, string> {
  const functionName = model.resolver.resolveString(f.properties.FunctionName);
  const own = file[f.logicalId] ?? (typeof functionName === 'string' ? file[functionName] : undefined);
  const overrides = { ...(file.Parameters ?? {}), ...(own ?? {}) };
  const environment = { ...f.environment };
  for (const [name, value] of Object.entries(overrides)) {
    if (name in environment) environment[name] = stringify(value);
    else if (own && name in own)
      notes.push(
        `--env-vars: ${name} is not in ${f.logicalId}'s Environment.Variables; sam local ignores such a variable, and so does crossgate`,
      );
  }
  return environment;
}

function stringify(value: unknown): string {
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (value === null || typeof value === 'object') return '';
  return String(value);
}

/**
 * The local folders of a function's Layers: a `!Ref` to an AWS::Serverless::LayerVersion whose ContentUri
 * is a folder. A layer given as an ARN (or an S3 location) is published content crossgate cannot fetch.
 */
function layersOf(model: TemplateModel, f: FunctionModel, notes: string[]): string[] {
  const listed = f.properties.Layers;
  if (!Array.isArray(listed)) return [];
  const resources = (model.root.Resources ?? {}) as Record<string, { Type?: unknown; Properties?: unknown }>;
  const dirs: string[] = [];
  for (const item of listed) {
    const ref = isIntrinsic(item) && typeof item.Ref === 'string' ? item.Ref : undefined;
    const resource = ref ? resources[ref] : undefined;
    const properties = (resource?.Properties ?? {}) as Record<string, unknown>;
    const contentUri = resource?.Type === 'AWS::Serverless::LayerVersion' ? properties.ContentUri : undefined;
    const path = typeof contentUri === 'string' ? contentUri : undefined;
    if (path !== undefined && !/^s3:\/\//.test(path)) {
      // Globals' Layers come before the function's own (SAM appends lists); one folder is used once.
      const dir = resolve(model.baseDir, path);
      if (!dirs.includes(dir)) dirs.push(dir);
      continue;
    }
    const shown = ref ?? (typeof item === 'string' ? item : JSON.stringify(item));
    notes.push(
      `${f.logicalId}: layer ${shown} has no local ContentUri folder; its code is not available to crossgate (give it as an AWS::Serverless::LayerVersion with ContentUri: <folder>)`,
    );
  }
  return dirs;
}

function packageTypeOf(model: TemplateModel, f: FunctionModel): unknown {
  return model.resolver.resolveString(f.properties.PackageType);
}
