/**
 * Which Python runs a pythonX.Y function (src/runtime/python-interpreter.ts). Each case builds its own PATH,
 * pyenv root and virtual environments in a temporary folder, around the one real python3 of the machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findPython } from '../../src/runtime/python-interpreter.js';
import { testPython, warnIfNoPython } from '../support/python.js';

warnIfNoPython('the Python interpreter discovery tests');
let root: string;
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'crossgate-pythons-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder for one case, with an empty HOME and an empty pyenv root. */
function world() {
  const dir = join(root, String(++n));
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'home'));
  const env = { PATH: bin, HOME: join(dir, 'home'), PYENV_ROOT: join(dir, 'pyenv') };
  return { dir, bin, env };
}

/** A virtual environment made by hand, as `python -m venv` makes one: bin/python and pyvenv.cfg. */
function makeVenv(at: string): string {
  mkdirSync(join(at, 'bin'), { recursive: true });
  symlinkSync(testPython!.executable, join(at, 'bin', 'python'));
  writeFileSync(
    join(at, 'pyvenv.cfg'),
    `home = ${dirname(testPython!.executable)}\ninclude-system-site-packages = false\n`,
  );
  return at;
}

describe.skipIf(!testPython)('the interpreter a pythonX.Y function runs on', () => {
  test("a pyenv shim named pythonX.Y that fails to run is passed over for the version in pyenv's versions folder", async () => {
    const { dir, bin, env } = world();
    const wanted = testPython!.minor;
    // What pyenv puts on PATH: a script by the right name that fails unless the version is selected.
    writeFileSync(
      join(bin, `python${wanted}`),
      `#!/bin/sh\necho "pyenv: python${wanted}: command not found" >&2\nexit 127\n`,
    );
    chmodSync(join(bin, `python${wanted}`), 0o755);
    const versionBin = join(dir, 'pyenv', 'versions', testPython!.version, 'bin');
    mkdirSync(versionBin, { recursive: true });
    symlinkSync(testPython!.executable, join(versionBin, `python${wanted}`));
    const found = await findPython(testPython!.runtime, { env });
    expect(found).toMatchObject({ ok: true, version: testPython!.version, source: 'pyenv' });
    expect(found.ok && found.warning).toBeUndefined();
  });

  test('the version on PATH, when it runs', async () => {
    const { bin, env } = world();
    symlinkSync(testPython!.executable, join(bin, `python${testPython!.minor}`));
    const found = await findPython(testPython!.runtime, { env });
    expect(found).toMatchObject({ ok: true, version: testPython!.version });
    expect(found.ok && found.source).toMatch(/^PATH/);
  });

  test('a .venv beside the template, of the version the Runtime names, comes first: its packages are the dependencies', async () => {
    const { dir, bin, env } = world();
    symlinkSync(testPython!.executable, join(bin, `python${testPython!.minor}`));
    makeVenv(join(dir, '.venv'));
    const found = await findPython(testPython!.runtime, { env, templateDir: dir });
    expect(found).toMatchObject({ ok: true, source: `the virtual environment ${join(dir, '.venv')}` });
    expect(found.ok && found.executable).toBe(join(dir, '.venv', 'bin', 'python'));
  });

  test("uv's managed Pythons, when neither PATH nor pyenv has the version", async () => {
    const { dir, env } = world();
    const uvBin = join(dir, 'uv', `cpython-${testPython!.version}-linux-x86_64-gnu`, 'bin');
    mkdirSync(uvBin, { recursive: true });
    symlinkSync(testPython!.executable, join(uvBin, `python${testPython!.minor}`));
    const found = await findPython(testPython!.runtime, {
      env: { ...env, UV_PYTHON_INSTALL_DIR: join(dir, 'uv') },
    });
    expect(found).toMatchObject({ ok: true, version: testPython!.version, source: 'uv' });
  });

  test('the active virtual environment ($VIRTUAL_ENV) comes before the one beside the template', async () => {
    const { dir, env } = world();
    makeVenv(join(dir, '.venv'));
    const active = makeVenv(join(dir, 'active'));
    const found = await findPython(testPython!.runtime, {
      env: { ...env, VIRTUAL_ENV: active },
      templateDir: dir,
    });
    expect(found).toMatchObject({ ok: true, source: `the virtual environment ${active}` });
  });

  test('no interpreter of that version: python3 runs instead, with one warning naming the version that runs', async () => {
    const { bin, env } = world();
    symlinkSync(testPython!.executable, join(bin, 'python3'));
    const found = await findPython('python3.99', { env });
    expect(found).toMatchObject({ ok: true, version: testPython!.version });
    expect(found.ok && found.warning).toMatch(
      new RegExp(
        `no Python 3\\.99 found .*python3\\.99 functions run on Python ${testPython!.version.replaceAll('.', '\\.')} .*instead.*uv python install 3\\.99`,
      ),
    );
  });

  test('no Python at all: not found, and the message says how to install one', async () => {
    const { env } = world();
    const found = await findPython('python3.12', { env });
    expect(found.ok).toBe(false);
    expect(!found.ok && found.message).toMatch(
      /no Python found for python3\.12.*uv python install 3\.12.*pyenv install 3\.12.*apt-get install python3.*--python PATH/,
    );
  });

  test('--python PATH is used as given; one that does not run is an error naming it', async () => {
    const { env } = world();
    expect(await findPython(testPython!.runtime, { env, override: testPython!.executable })).toMatchObject({
      ok: true,
      source: '--python',
    });
    expect(await findPython(testPython!.runtime, { env, override: '/nonexistent/python' })).toEqual({
      ok: false,
      message: '--python /nonexistent/python does not run',
    });
  });
});
