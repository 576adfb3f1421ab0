import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** Tried in this order after the module path of the Handler. TypeScript first: it is the source. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'] as const;

export interface HandlerRef {
  /** Module path relative to codeDir, without extension: `src/handlers/items`. */
  modulePath: string;
  /** Export, possibly nested: `['handler']`, `['api', 'get']`. */
  exportPath: string[];
}

/**
 * Splits a SAM/Lambda Handler the way the Node.js runtime does: the module is everything up to the first
 * dot after the last slash, the rest is the export (`src/handlers/items.handler`).
 */
export function parseHandler(handler: string): HandlerRef | undefined {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return {
    modulePath: handler.slice(0, slash + 1) + base.slice(0, dot),
    exportPath: base.slice(dot + 1).split('.'),
  };
}

/** The first existing `<codeDir>/<modulePath><ext>`, and every path that was tried. */
export function findHandlerFile(codeDir: string, modulePath: string): { file?: string; tried: string[] } {
  const tried: string[] = [];
  for (const ext of HANDLER_EXTENSIONS) {
    const candidate = join(codeDir, modulePath + ext);
    tried.push(candidate);
    if (isFile(candidate)) return { file: candidate, tried };
  }
  return { tried };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isTypeScript(file: string): boolean {
  return /\.(c|m)?tsx?$/.test(file);
}

/** How Node would load this file: by extension, else by the `type` of the nearest package.json. */
export function moduleFormat(file: string): 'esm' | 'cjs' {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return 'esm';
  if (ext === '.cjs' || ext === '.cts') return 'cjs';
  return packageType(dirname(file)) === 'module' ? 'esm' : 'cjs';
}

function packageType(dir: string): string | undefined {
  for (let current = dir; ; ) {
    const pkg = join(current, 'package.json');
    if (existsSync(pkg)) {
      try {
        const type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
        return typeof type === 'string' ? type : undefined;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** InlineCode has no file: ESM when it has top-level import/export statements, CommonJS otherwise. */
export function inlineCodeFormat(source: string): 'esm' | 'cjs' {
  return /^\s*(import\s+[\w{*'"]|export\s+(const|let|var|function|async|class|default|\{|\*))/m.test(source)
    ? 'esm'
    : 'cjs';
}
