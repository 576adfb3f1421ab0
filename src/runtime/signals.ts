/** How Lambda words an environment that ended by a signal: Go's names (`Runtime exited with error: signal: killed`). */
const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
  SIGQUIT: 'quit',
  SIGPIPE: 'broken pipe',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
  SIGALRM: 'alarm clock',
  SIGTRAP: 'trace/breakpoint trap',
  SIGSYS: 'bad system call',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
};

export function signalText(signal: string): string {
  return SIGNAL_TEXT[signal] ?? signal.toLowerCase();
}
