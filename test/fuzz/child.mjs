// Runs test/fuzz/entry.ts in a child process with a hard heap limit: the fuzz driver, or one crossgate
// command whose time and peak memory are measured. The TypeScript is bundled once with esbuild into
// node_modules/.cache (dependencies stay external and resolve from the repository's node_modules).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The heap a child may use: the memory budget for loading one template. */
export const HEAP_MB = 500;

let bundled;
/** Bundles entry.ts (once per process); returns the path of the .mjs. */
export function bundle() {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const outdir = join(ROOT, 'node_modules/.cache/crossgate-fuzz');
    mkdirSync(outdir, { recursive: true });
    const outfile = join(outdir, 'entry.mjs');
    const temporary = join(outdir, `entry-${process.pid}.tmp.mjs`);
    await build({
      entryPoints: [join(ROOT, 'test/fuzz/entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: temporary,
      logLevel: 'error',
    });
    // Modules find their Python files beside themselves (new URL('./python/…', import.meta.url)):
    // in the bundle, beside it.
    mkdirSync(join(outdir, 'python'), { recursive: true });
    for (const dir of ['src/check/python', 'src/runtime/python'])
      for (const f of readdirSync(join(ROOT, dir)))
        copyFileSync(join(ROOT, dir, f), join(outdir, 'python', f));
    // Several test processes may bundle at once: each replaces the file whole.
    renameSync(temporary, outfile);
    return outfile;
  })();
  return bundled;
}

/**
 * Runs the child: `args` after the script, `env` added to this environment. Resolves with its exit
 * status and signal, its output, the wall time from spawn to exit, and the report it wrote.
 */
export async function runChild(args, env = {}, { heapMb = HEAP_MB, timeoutMs = 600_000 } = {}) {
  const script = await bundle();
  const scratch = mkdtempSync(join(tmpdir(), 'cg-child-'));
  const report = join(scratch, 'report.json');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, script, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        CROSSGATE_CHILD_REPORT: report,
        CROSSGATE_FUZZ_REPORT: report,
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      if (stdout.length < 200_000) stdout += d;
    });
    child.stderr.on('data', (d) => {
      if (stderr.length < 200_000) stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      let parsed;
      try {
        parsed = JSON.parse(readFileSync(report, 'utf8'));
      } catch {
        parsed = undefined;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ status, signal, stdout, stderr, wallMs: performance.now() - started, report: parsed });
    });
  });
}
