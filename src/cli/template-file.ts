/** Reads a template from disk into the template and deployment models: the CLI's one door to files. */
import { closeSync, openSync, readFileSync, readSync, type Stats, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { buildDeployment } from '../sam/deployment.js';
import type { Deployment } from '../sam/model.js';
import { TemplateError } from '../template/errors.js';
import { loadTemplate } from '../template/load.js';
import type { TemplateModel } from '../template/model.js';
import { MAX_TEMPLATE_BYTES } from '../template/parse.js';

export interface LoadedTemplate {
  model: TemplateModel;
  deployment: Deployment;
  /** Absolute path of the file. */
  path: string;
}

/** An error the CLI reports as one line and exit code 2 (bad arguments, unreadable file). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function loadTemplateFile(
  file: string,
  parameterOverrides: Record<string, string> = {},
  cwd = process.cwd(),
): LoadedTemplate {
  const path = resolve(cwd, file);
  // Positions name the file as the user typed it (relative to where they stand), so editors can jump.
  const shown = relative(cwd, path) || file;
  const source = readTemplateText(path, file, shown);
  const model = loadTemplate(source, shown, { parameterOverrides, baseDir: dirname(path) });
  const deployment = buildDeployment(model, { evaluateConditions: true, readFile: readLocalFile });
  return { model, deployment, path };
}

/**
 * The text of a template file. Only regular files: a directory, a device (`/dev/zero` never ends,
 * and stat() says it holds 0 bytes) or a pipe is refused before it is read, and the read itself
 * stops past MAX_TEMPLATE_BYTES whatever stat() said.
 */
export function readTemplateText(path: string, file: string, shown = file): string {
  const at = { file: shown, line: 1, col: 1 };
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new UsageError(`${file}: ${unreadable(error)}`);
  }
  if (stats.isDirectory()) throw new TemplateError('a directory, not a template file', at);
  if (!stats.isFile())
    throw new TemplateError(
      'not a regular file (a device, pipe or socket); crossgate reads a template from a file',
      at,
    );
  const tooLarge = (bytes: number) =>
    new TemplateError(
      `the template is ${bytes > MAX_TEMPLATE_BYTES ? 'over ' : ''}${(bytes / 2 ** 20).toFixed(1)} MB; CloudFormation accepts at most 1 MB (crossgate reads up to ${MAX_TEMPLATE_BYTES / 2 ** 20} MB)`,
      at,
    );
  if (stats.size > MAX_TEMPLATE_BYTES) throw tooLarge(stats.size);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`${file}: ${unreadable(error)}`);
  }
  try {
    // stat() said how much there is; read until the end, but never past the limit.
    const buffer = Buffer.allocUnsafe(Math.max(Math.min(stats.size + 1, MAX_TEMPLATE_BYTES + 1), 65_536));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_TEMPLATE_BYTES) throw tooLarge(total);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new UsageError(`${file}: ${unreadable(error)}`);
  } finally {
    closeSync(fd);
  }
}

function unreadable(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : `cannot be read (${code || String(error)})`;
}

/** An OpenAPI file a template names: its text, or undefined when there is no such regular file. */
export function readLocalFile(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_TEMPLATE_BYTES)
      throw new TemplateError(
        `${path} is ${(stat.size / 2 ** 20).toFixed(1)} MB; crossgate reads OpenAPI files up to ${MAX_TEMPLATE_BYTES / 2 ** 20} MB`,
        { file: path, line: 1, col: 1 },
      );
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    return undefined;
  }
}

/** `Key=Value` pairs, as `sam --parameter-overrides` takes them (also `ParameterKey=K,ParameterValue=V`). */
export function parseParameterOverrides(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    for (const part of splitOverrides(value)) {
      const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(part);
      if (long) {
        out[long[1]] = long[2];
        continue;
      }
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`--parameter-overrides: expected Key=Value, got '${part}'`);
      out[part.slice(0, eq)] = unquote(part.slice(eq + 1));
    }
  }
  return out;
}

function splitOverrides(value: string): string[] {
  // `A=1 B="two words"`: split on spaces outside quotes.
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ' ') {
      if (current) parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current) parts.push(current);
  return parts;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s;
}
