// Ending a browser (or driver, or display) process the suites started: politely first, then for sure.

import type { ChildProcess } from 'node:child_process';

/**
 * Waits for `proc` to exit, after `SIGTERM` when `signal` says so (a browser asked to quit over its
 * protocol needs none); kills it after 5 s.
 */
export function stopProcess(proc: ChildProcess, signal = true): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 5000);
    proc.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (signal) proc.kill('SIGTERM');
  });
}
