export const ROOT: string;
export const HEAP_MB: number;
export function bundle(): Promise<string>;
export interface ChildRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** What the child wrote: a command's { code, ms, maxRssMb }, or the fuzz summary. */
  report: unknown;
}
export function runChild(
  args: string[],
  env?: Record<string, string>,
  options?: { heapMb?: number; timeoutMs?: number },
): Promise<ChildRun>;
