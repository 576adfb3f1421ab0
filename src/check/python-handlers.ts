/**
 * Python handlers, read with Python's own parser: python/handler_scan.py walks each module's ast and
 * reports every Access-Control-Allow-Origin it writes (a literal, or the request's Origin and whether an
 * allow-list test guards it), Allow-Credentials, Vary, the origins and environment variables it names, and
 * the responses it builds without the header (an error path that forgets CORS). One interpreter run reads
 * every handler of the template.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPython } from '../runtime/python-interpreter.js';
import type { HandlerCors } from './types.js';

const SCANNER = fileURLToPath(new URL('./python/handler_scan.py', import.meta.url));

export interface PythonSource {
  key: string;
  source: string;
  file: string | undefined;
  /** The code folder: the modules of it that the handler imports are read too. */
  root?: string;
}

interface Facts {
  /** line 0: written in a module the handler imports. */
  allowOrigins: Array<{
    line: number;
    literal?: string;
    fromOrigin?: boolean;
    checked?: boolean;
    /** The same for every request (an environment variable, a constant). */
    static?: boolean;
  }>;
  credentials: boolean;
  vary: boolean;
  literalOrigins: string[];
  envNames: string[];
  library: 'powertools' | null;
  uncovered: Array<{ line: number; status: number | null }>;
  error?: { line: number; message: string };
}

/**
 * The module file of a Python Handler (`src/app.handler` → `<codeDir>/src/app.py`, or a package's
 * `__init__.py`), as Lambda's runtime imports it: everything before the last dot, dots and slashes as
 * folders.
 */
/** The files a Python Handler (`package.module.function`) can name, in the order Python tries them. */
export function pythonHandlerCandidates(codeDir: string, handler: string): string[] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return [];
  const modulePath = handler.slice(0, dot).replaceAll('.', '/');
  return [join(codeDir, `${modulePath}.py`), join(codeDir, modulePath, '__init__.py')];
}

export function pythonHandlerFile(codeDir: string, handler: string): string | undefined {
  return pythonHandlerCandidates(codeDir, handler).find((candidate) => existsSync(candidate));
}

export function readPythonSource(
  key: string,
  codeDir: string,
  handler: string | undefined,
  inlineCode?: string,
) {
  if (inlineCode !== undefined) return { key, source: inlineCode, file: undefined };
  const file = handler ? pythonHandlerFile(codeDir, handler) : undefined;
  return file ? { key, source: readFileSync(file, 'utf8'), file, root: codeDir } : undefined;
}

/**
 * Reads the sources with the Python the first Runtime names (or the one that would run instead). No
 * Python at all: nothing is read, and the note says so (check goes on, treating the handlers as unread).
 */
export async function scanPythonSources(
  sources: PythonSource[],
  options: { runtime: string; templateDir?: string; python?: string },
): Promise<{ results: Map<string, HandlerCors>; notes: string[] }> {
  const results = new Map<string, HandlerCors>();
  if (sources.length === 0) return { results, notes: [] };
  // Reading needs no shim: the search first skips version managers' shim folders (a pyenv shim costs
  // a shell and a lookup, ~100 ms, on each start), then, finding nothing, looks as the runtime does.
  const search = { templateDir: options.templateDir, override: options.python };
  let found = await findPython(options.runtime, { ...search, env: withoutShims(process.env) });
  if (!found.ok && !options.python) found = await findPython(options.runtime, search);
  if (!found.ok)
    return {
      results,
      notes: [`Python handlers were not read (${found.message}); check treated them as unknown`],
    };
  // Python's ast has read string literals as ast.Constant since 3.8; an older one (Amazon Linux 2's python3
  // is 3.7) would find no header anywhere, and every handler would look like one that sends none.
  const [major, minor] = found.version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 8))
    return {
      results,
      notes: [
        `Python handlers were not read: Python ${found.version} (${found.executable}) is older than 3.8, which reading them needs; install a newer one or name it with --python. check treated them as unknown`,
      ],
    };
  let facts: Record<string, Facts>;
  try {
    facts = await runScanner(found.executable, sources);
  } catch (error) {
    return { results, notes: [`Python handlers were not read: ${(error as Error).message}`] };
  }
  const notes: string[] = [];
  for (const { key, file } of sources) {
    const f = facts[key];
    if (!f) continue;
    if (f.error) {
      notes.push(
        parseFailureNote(`${file ?? key}:${f.error.line}`, f.error.message, found.version, options.runtime),
      );
      results.set(key, { file, kind: 'unknown' });
      continue;
    }
    results.set(key, toHandlerCors(f, file));
  }
  return { results, notes };
}

/**
 * A handler Python could not parse. Read by an older Python than its Runtime names (python3.12 code, and
 * only a 3.9 found), the syntax may be newer than the reader: the note says so, and how to read it right.
 */
export function parseFailureNote(where: string, message: string, version: string, runtime: string): string {
  const [major, minor] = version.split('.').map(Number);
  const wanted = /^python(\d+)\.(\d+)$/.exec(runtime);
  const older =
    wanted !== null &&
    (major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2])));
  if (older && wanted)
    return `${where}: Python ${version} cannot parse the handler (SyntaxError: ${message}), and it is older than ${runtime}, whose syntax the code may use: install Python ${wanted[1]}.${wanted[2]} or name it with --python; check read nothing from it`;
  return `${where}: the handler does not parse (SyntaxError: ${message}); check read nothing from it`;
}

/** The environment with PATH's shim folders (pyenv's and asdf's `…/shims`) left out. */
export function withoutShims(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => basename(dir) !== 'shims')
    .join(delimiter);
  return { ...env, PATH: path };
}

function toHandlerCors(f: Facts, file: string | undefined): HandlerCors {
  const named = { literalOrigins: f.literalOrigins, envNames: f.envNames };
  if (f.library)
    return { file, kind: 'library', library: f.library, allowCredentials: f.credentials, ...named };
  if (f.allowOrigins.length === 0) return { file, kind: 'none' };
  const uncoveredReturns = f.uncovered.map((u) => ({ line: u.line, status: u.status ?? undefined }));
  const computed = f.allowOrigins.filter((a) => a.literal === undefined);
  const first = f.allowOrigins[0];
  if (computed.length > 0) {
    return {
      file,
      kind: 'dynamic',
      reflectsOrigin: computed.some((a) => a.fromOrigin && !a.checked),
      perRequest: computed.some((a) => !a.static),
      allowCredentials: f.credentials,
      setsVary: f.vary,
      // 0: written in a module the handler imports (another file's line).
      line: computed[0].line || undefined,
      uncoveredReturns,
      ...named,
    };
  }
  return {
    file,
    kind: 'literal',
    allowOrigin: first.literal,
    allowCredentials: f.credentials,
    setsVary: f.vary,
    line: first.line || undefined,
    uncoveredReturns,
    ...named,
  };
}

function runScanner(python: string, sources: PythonSource[]): Promise<Record<string, Facts>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      ['-B', SCANNER],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${python} ${SCANNER} failed: ${String(stderr).trim() || error.message}`));
          return;
        }
        try {
          resolve(JSON.parse(String(stdout)) as Record<string, Facts>);
        } catch {
          reject(new Error(`${python} ${SCANNER} printed no JSON`));
        }
      },
    );
    // A Python that exits before reading (a missing scanner, a broken interpreter) closes the pipe:
    // the callback above reports that failure; the write's EPIPE must not end crossgate.
    child.stdin?.on('error', () => {});
    child.stdin?.end(JSON.stringify(sources));
  });
}
