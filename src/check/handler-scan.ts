/**
 * A static reading of a handler's source: does it send CORS headers, and how? Heuristic by design
 * (`check --invoke` runs the handler instead): it recognises crossgate/lambda, @middy/http-cors,
 * Powertools' cors middleware, and headers written by hand.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runtimeFamily } from '../runtime/family.js';
import type { TemplateModel } from '../template/model.js';
import { type PythonSource, readPythonSource, scanPythonSources } from './python-handlers.js';
import { normalizeOrigin } from './rules/malformed-origin.js';
import type { HandlerCors } from './types.js';

export type { HandlerCors };

/** What a CORS library is configured with, as far as the source shows it. */
function libraryConfig(source: string): Pick<HandlerCors, 'literalOrigins' | 'envNames'> {
  const literalOrigins = [...source.matchAll(/['"`](https?:\/\/[^'"`\s/]+)['"`]/g)].map((m) => m[1]);
  const envNames = [
    ...source.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[['"]([A-Za-z_][A-Za-z0-9_]*)['"]\])/g),
  ].map((m) => m[1] ?? m[2]);
  return { literalOrigins: [...new Set(literalOrigins)], envNames: [...new Set(envNames)] };
}

/** The folder a function's code is in: CodeUri, or the folder of a CodeUri that names a file. */
/**
 * The origins a handler names: literal origins in its source, the literal it sends, and the values of
 * the environment variables it reads (a comma- or space-separated list each), as a browser writes them.
 */
export function originsNamedBy(h: HandlerCors | undefined, environment: Record<string, string>): string[] {
  const raw = [
    ...(h?.literalOrigins ?? []),
    ...(h?.kind === 'literal' && h.allowOrigin ? [h.allowOrigin] : []),
    ...(h?.envNames ?? []).map((n) => environment[n] ?? ''),
  ];
  const out = new Set<string>();
  for (const value of raw)
    for (const part of value.split(/[,\s]+/)) {
      const origin = normalizeOrigin(part);
      if (origin) out.add(origin);
    }
  return [...out];
}

export function codeDirOf(model: { baseDir: string }, fn: { codeUri: string | undefined }): string {
  const dir = resolve(model.baseDir, fn.codeUri ?? '.');
  try {
    return statSync(dir).isFile() ? dirname(dir) : dir;
  } catch {
    return dir;
  }
}

const EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

/** The files a handler string can name, in the order they are tried. */
export function handlerCandidates(codeDir: string, handler: string): string[] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return [];
  const base = join(codeDir, handler.slice(0, dot));
  return EXTENSIONS.map((ext) => base + ext);
}

export function handlerFile(codeDir: string, handler: string): string | undefined {
  return handlerCandidates(codeDir, handler).find((f) => existsSync(f));
}

export function scanHandlerSource(source: string, file?: string): HandlerCors {
  if (
    /from\s+['"]crossgate\/lambda(\/middy)?['"]|require\(\s*['"]crossgate\/lambda/.test(source) &&
    /\b(withCors(V2)?|corsHeaders|cors)\s*\(/.test(source)
  )
    return { file, kind: 'library', library: 'crossgate/lambda', setsVary: true, ...libraryConfig(source) };
  if (/['"]@middy\/http-cors['"]/.test(source))
    return { file, kind: 'library', library: '@middy/http-cors', ...libraryConfig(source) };
  if (/@aws-lambda-powertools\/event-handler/.test(source) && /\bcors\s*\(/.test(source))
    return { file, kind: 'library', library: 'powertools', ...libraryConfig(source) };
  const m = /['"]?access-control-allow-origin['"]?\s*[:,]\s*(['"`])?([^'"`,}\n]*)\1?/i.exec(source);
  if (!m) return { file, kind: 'none' };
  const line = source.slice(0, m.index).split('\n').length;
  const setsVary = /['"]?vary['"]?\s*:/i.test(source);
  const allowCredentials = /['"]?access-control-allow-credentials['"]?\s*:\s*['"`]?true/i.test(source);
  if (m[1] && !m[2].includes('${'))
    return { file, kind: 'literal', allowOrigin: m[2].trim(), allowCredentials, setsVary, line };
  const near = source.slice(m.index, m.index + 200);
  const usesOrigin = /headers\??\.\[?['"]?origin|headers\??\.Origin|\borigin\b/i.test(near);
  // An allow-list lookup (`.has(origin)`, `.includes(origin)`, `=== origin`) before echoing is a check.
  const checked =
    /\.(has|includes|test|indexOf)\s*\(|===|!==/.test(near) ||
    /\.(has|includes)\s*\([^)]*origin/i.test(source);
  // The origins it checks against, as far as the source names them (literals, environment variables).
  return {
    file,
    kind: 'dynamic',
    reflectsOrigin: usesOrigin && !checked,
    allowCredentials,
    setsVary,
    line,
    ...libraryConfig(source),
  };
}

export function scanHandler(codeDir: string, handler: string | undefined, inlineCode?: string): HandlerCors {
  if (inlineCode !== undefined) return scanHandlerSource(inlineCode);
  if (!handler) return { file: undefined, kind: 'unknown' };
  const file = handlerFile(codeDir, handler);
  if (!file) return { file: undefined, kind: 'unknown' };
  return scanHandlerSource(readFileSync(file, 'utf8'), file);
}

/**
 * Every function's handler, read: JavaScript and TypeScript by scanHandler(), Python with Python's own
 * parser (python-handlers.ts), all Python handlers of the template in one interpreter run.
 */
export async function scanHandlers(
  model: TemplateModel,
  options: { python?: string } = {},
): Promise<{ handlers: Map<string, HandlerCors>; notes: string[] }> {
  const handlers = new Map<string, HandlerCors>();
  const python: PythonSource[] = [];
  let pythonRuntime: string | undefined;
  for (const fn of Object.values(model.functions)) {
    const codeDir = codeDirOf(model, fn);
    if (runtimeFamily(fn.runtime) === 'python') {
      pythonRuntime ??= fn.runtime;
      const source = readPythonSource(fn.logicalId, codeDir, fn.handler, fn.inlineCode);
      if (source) python.push(source);
      handlers.set(fn.logicalId, { file: source?.file, kind: 'unknown' });
    } else handlers.set(fn.logicalId, scanHandler(codeDir, fn.handler, fn.inlineCode));
  }
  if (python.length === 0) return { handlers, notes: [] };
  const read = await scanPythonSources(python, {
    runtime: pythonRuntime!,
    templateDir: model.baseDir,
    python: options.python,
  });
  for (const [id, cors] of read.results) handlers.set(id, cors);
  return { handlers, notes: read.notes };
}
