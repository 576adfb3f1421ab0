// The browser, driver and display processes the suites start (and their profile and home directories),
// and ending them: politely first, then for sure, and always, whatever the suite did. Each runs in its own process group, so that ending it ends
// what it started too (Firefox's content processes, MiniBrowser's web and network processes, the browser
// WebKitWebDriver launched); and every group still running is killed when a hook gives up (`stopAll`,
// from engines.test.ts's afterAll) or the test worker exits or is sent SIGTERM (vitest's way of ending a
// worker), so that no engine outlives the suite.

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** How long an engine, driver or display may take to start on a slow, busy machine. */
export const START_TIMEOUT_MS = 60_000;

const running = new Set<ChildProcess>();
const dirs = new Set<string>();

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid !== undefined) process.kill(-proc.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function killAll(): void {
  for (const proc of running) killGroup(proc, 'SIGKILL');
  running.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
  unwatch();
}

// The worker's own ends. A signal listener is added only while an engine runs, because it keeps the
// worker alive on that signal: it kills the engines, then raises the signal again unless another
// listener (playwright's, for Chromium) has taken charge of ending the worker.
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
function onSignal(signal: NodeJS.Signals): void {
  killAll();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
function watch(): void {
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}
function unwatch(): void {
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

function forget(proc: ChildProcess): void {
  if (running.delete(proc) && running.size === 0 && dirs.size === 0) unwatch();
}

/** A new directory under the system's temporary one (a profile, a home), removed with the engines. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (running.size === 0 && dirs.size === 0) watch();
  dirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  if (dirs.delete(dir) && running.size === 0 && dirs.size === 0) unwatch();
}

/** `spawn` for an engine process: its own process group, killed with the worker if nothing else ends it. */
export function launch(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const proc = spawn(command, args, { ...options, detached: true });
  if (running.size === 0 && dirs.size === 0) watch();
  running.add(proc);
  proc.on('exit', () => {
    // Whatever the leader started and left behind goes with it.
    killGroup(proc, 'SIGKILL');
    forget(proc);
  });
  proc.on('error', () => forget(proc));
  return proc;
}

/**
 * Ends `proc` and its group: `SIGTERM` first when `signal` says so (a browser asked to quit over its
 * protocol needs none), `SIGKILL` to the group after 5 s; resolves once the process has exited.
 */
export function stopProcess(proc: ChildProcess, signal = true): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) {
      killGroup(proc, 'SIGKILL');
      resolve();
      return;
    }
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (signal) killGroup(proc, 'SIGTERM');
  });
}

/**
 * Kills every engine process still running and removes every directory made for one (for an afterAll:
 * a hook that timed out left them).
 */
export function stopAll(): void {
  killAll();
}
