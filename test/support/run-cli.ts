/** Runs the `crossgate` command in-process and captures what it writes. */
import { vi } from 'vitest';
import { main } from '../../src/cli/run.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * `plain` removes colour codes: picocolors turns colours on under CI=true even without a TTY, and
 * assertions that read text should not depend on that.
 */
export async function runCli(argv: string[], options: { plain?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(argv);
    return options.plain
      ? { code, stdout: stdout.replace(ANSI, ''), stderr: stderr.replace(ANSI, '') }
      : { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
