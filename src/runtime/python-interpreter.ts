/**
 * Which Python runs a `pythonX.Y` function. Every candidate is run once to ask its version (a pyenv shim
 * named python3.12 is on PATH and fails unless that version is selected; a name on PATH proves nothing):
 *
 *   1. `--python PATH`, as given;
 *   2. a virtual environment of that version: the active one ($VIRTUAL_ENV), then `.venv` or `venv` beside
 *      the template, then in the function's CodeUri — its packages are the function's dependencies;
 *   3. `pythonX.Y` on PATH, then pyenv's versions folder, then uv's managed Pythons;
 *   4. a virtual environment of another version, then `python3` on PATH — with one warning naming the
 *      version that runs instead;
 *   5. none: the function cannot run, and the message says how to install one.
 *
 * The interpreter's own executable (sys.executable) is what is started, never a shim: a shim costs a
 * shell and a pyenv lookup on every start.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface PythonFound {
  ok: true;
  /** The interpreter's own executable (sys.executable). */
  executable: string;
  /** `3.12.1`. */
  version: string;
  /** Where it was found, for messages: `pyenv`, `PATH`, `the virtual environment /x/.venv`… */
  source: string;
  /** Set when it is not the version the Runtime names, or not what was asked for. */
  warning?: string;
}

export interface PythonMissing {
  ok: false;
  message: string;
}

export interface FindPythonOptions {
  /** `--python PATH`. */
  override?: string;
  templateDir?: string;
  codeDir?: string;
  /** For tests: the environment to read PATH, VIRTUAL_ENV, PYENV_ROOT, HOME from. */
  env?: NodeJS.ProcessEnv;
}

interface Probe {
  executable: string;
  version: string;
}

const probes = new Map<string, Promise<Probe | undefined>>();

/** Runs `path` once to ask its version and its own executable; undefined when it does not run. */
export function probePython(path: string, env: NodeJS.ProcessEnv = process.env): Promise<Probe | undefined> {
  let probe = probes.get(path);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(
        path,
        ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'],
        { timeout: 10_000, env, windowsHide: true },
        (error, stdout) => {
          const [version, executable] = String(stdout).trim().split('\n');
          if (error || !/^\d+\.\d+\.\d+$/.test(version ?? '') || !executable) resolve(undefined);
          else resolve({ version, executable: executable.trim() });
        },
      );
    });
    probes.set(path, probe);
  }
  return probe;
}

const searches = new Map<string, Promise<PythonFound | PythonMissing>>();

/** The interpreter for `runtime` (`python3.12`); one search per runtime and options for the whole process. */
export function findPython(
  runtime: string,
  options: FindPythonOptions = {},
): Promise<PythonFound | PythonMissing> {
  // A search in an environment given for a test is not remembered.
  if (options.env) return search_(runtime, options);
  const key = JSON.stringify([runtime, options.override, options.templateDir, options.codeDir]);
  let search = searches.get(key);
  if (!search) {
    search = search_(runtime, options);
    searches.set(key, search);
  }
  return search;
}

async function search_(runtime: string, options: FindPythonOptions): Promise<PythonFound | PythonMissing> {
  const env = options.env ?? process.env;
  const wanted = runtime.replace(/^python/, '');
  const minorOf = (version: string) => version.split('.').slice(0, 2).join('.');

  if (options.override) {
    const probe = await probePython(options.override, env);
    if (!probe) return { ok: false, message: `--python ${options.override} does not run` };
    return {
      ok: true,
      ...probe,
      source: '--python',
      warning:
        minorOf(probe.version) === wanted
          ? undefined
          : `${runtime} functions run on Python ${probe.version} (--python ${options.override})`,
    };
  }

  const otherVenvs: Array<Probe & { dir: string }> = [];
  for (const dir of virtualEnvironments(options, env)) {
    const probe = await probePython(join(dir, 'bin', 'python'), env);
    if (!probe) continue;
    if (minorOf(probe.version) === wanted)
      return { ok: true, ...probe, source: `the virtual environment ${dir}` };
    otherVenvs.push({ ...probe, dir });
  }

  for (const dir of pathDirs(env)) {
    const candidate = join(dir, `python${wanted}`);
    if (!isExecutable(candidate)) continue;
    const probe = await probePython(candidate, env);
    if (probe && minorOf(probe.version) === wanted)
      return { ok: true, ...probe, source: `PATH (${candidate})` };
  }

  for (const candidate of pyenvPythons(wanted, env)) {
    const probe = await probePython(candidate, env);
    if (probe && minorOf(probe.version) === wanted) return { ok: true, ...probe, source: 'pyenv' };
  }

  for (const candidate of await uvPythons(wanted, env)) {
    const probe = await probePython(candidate, env);
    if (probe && minorOf(probe.version) === wanted) return { ok: true, ...probe, source: 'uv' };
  }

  const installHint = `install it with \`uv python install ${wanted}\` or \`pyenv install ${wanted}\`, or name one with --python PATH`;
  const venv = otherVenvs[0];
  if (venv) {
    return {
      ok: true,
      executable: venv.executable,
      version: venv.version,
      source: `the virtual environment ${venv.dir}`,
      warning: `no Python ${wanted} found (PATH, pyenv, uv); ${runtime} functions run on Python ${venv.version} from ${venv.dir}, where their dependencies are — ${installHint}`,
    };
  }

  for (const name of ['python3', 'python']) {
    for (const dir of pathDirs(env)) {
      const candidate = join(dir, name);
      if (!isExecutable(candidate)) continue;
      const probe = await probePython(candidate, env);
      if (!probe?.version.startsWith('3.')) continue;
      return {
        ok: true,
        ...probe,
        source: `PATH (${candidate})`,
        warning: `no Python ${wanted} found (PATH, pyenv, uv, a .venv beside the template); ${runtime} functions run on Python ${probe.version} (${probe.executable}) instead — ${installHint}`,
      };
    }
  }

  return {
    ok: false,
    message: `no Python found for ${runtime} (looked for python${wanted} and python3 on PATH, in pyenv, uv and a .venv beside the template): install Python ${wanted} — \`uv python install ${wanted}\`, \`pyenv install ${wanted}\`, or your system's package (\`apt-get install python3\`, \`brew install python@${wanted}\`) — or name one with --python PATH`,
  };
}

/** The active virtual environment, then `.venv`/`venv` beside the template, then in the code folder. */
function virtualEnvironments(options: FindPythonOptions, env: NodeJS.ProcessEnv): string[] {
  const dirs: string[] = [];
  if (env.VIRTUAL_ENV) dirs.push(env.VIRTUAL_ENV);
  for (const base of [options.templateDir, options.codeDir])
    if (base) for (const name of ['.venv', 'venv']) dirs.push(join(base, name));
  return [...new Set(dirs)].filter((dir) => isExecutable(join(dir, 'bin', 'python')));
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).filter(Boolean);
}

/** `<pyenv root>/versions/X.Y.Z/bin/pythonX.Y`, newest patch first (CPython builds only: `3.12.1`, not `3.12.1-debug`). */
function pyenvPythons(wanted: string, env: NodeJS.ProcessEnv): string[] {
  const root = env.PYENV_ROOT || join(env.HOME ?? homedir(), '.pyenv');
  return versionDirs(join(root, 'versions'), new RegExp(`^${escapeRegExp(wanted)}\\.(\\d+)$`)).map((dir) =>
    join(dir, 'bin', `python${wanted}`),
  );
}

/** uv's managed Pythons: `uv python find X.Y` when uv is on PATH, else its install folder. */
async function uvPythons(wanted: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out: string[] = [];
  const uv = pathDirs(env)
    .map((dir) => join(dir, 'uv'))
    .find(isExecutable);
  if (uv) {
    const found = await new Promise<string | undefined>((resolve) =>
      execFile(uv, ['python', 'find', wanted], { timeout: 10_000, env }, (error, stdout) =>
        resolve(error ? undefined : String(stdout).trim() || undefined),
      ),
    );
    if (found) out.push(found);
  }
  const base =
    env.UV_PYTHON_INSTALL_DIR ||
    join(env.XDG_DATA_HOME || join(env.HOME ?? homedir(), '.local', 'share'), 'uv', 'python');
  for (const dir of versionDirs(base, new RegExp(`^cpython-${escapeRegExp(wanted)}\\.(\\d+)-`)))
    out.push(join(dir, 'bin', `python${wanted}`));
  return out;
}

/** Entries of `parent` whose name matches (group 1: the patch number), highest patch first. */
function versionDirs(parent: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, patch: Number(pattern.exec(name)?.[1] ?? Number.NaN) }))
    .filter((entry) => !Number.isNaN(entry.patch))
    .sort((a, b) => b.patch - a.patch)
    .map((entry) => join(parent, entry.name));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
