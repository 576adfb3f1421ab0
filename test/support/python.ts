/**
 * The Python the tests run handlers on: `python3` on PATH, asked for its version. CI installs one
 * (.ci/run); a machine with no python3 at all skips the Python tests, and says so loudly.
 */
import { execFileSync } from 'node:child_process';

export interface TestPython {
  /** The interpreter's own executable (sys.executable). */
  executable: string;
  /** `3.11.7`. */
  version: string;
  /** `3.11`. */
  minor: string;
  /** `python3.11`: the Runtime a template names to run on it without a warning. */
  runtime: string;
}

function find(): TestPython | undefined {
  for (const name of ['python3', 'python']) {
    try {
      const out = execFileSync(
        name,
        ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'],
        { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const [version, executable] = out.trim().split('\n');
      if (!version?.startsWith('3.') || !executable) continue;
      const minor = version.split('.').slice(0, 2).join('.');
      return { executable: executable.trim(), version, minor, runtime: `python${minor}` };
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

export const testPython = find();

/** Call at the top of a Python test file: a loud line when the tests cannot run. */
export function warnIfNoPython(suite: string): void {
  if (!testPython)
    console.warn(
      `\n*** ${suite} SKIPPED: no python3 on PATH. Install one (apt-get install python3) to run them. ***\n`,
    );
}
