/**
 * The resident memory of a process and its children, read from /proc (Linux): what Lambda's memory
 * limit bounds for a process environment (the whole sandbox, runtime included). Elsewhere it cannot be
 * read cheaply and MemorySize is not enforced for process environments (the README says so).
 */
import { readFileSync } from 'node:fs';

const MAX_PROCESSES = 64;

let pageBytes: number | undefined;
/** The page size statm counts in (4 KiB on x86-64; 16 or 64 KiB on some ARM kernels), from this process's own figures. */
function pageSize(): number {
  if (pageBytes === undefined) {
    pageBytes = 4096;
    try {
      const pages = Number.parseInt(readFileSync('/proc/self/statm', 'latin1').split(' ')[1], 10);
      const estimate = process.memoryUsage.rss() / pages;
      for (const size of [4096, 16384, 65536]) if (Math.abs(estimate - size) < size / 2) pageBytes = size;
    } catch {
      // Not Linux: never used.
    }
  }
  return pageBytes;
}

/** Bytes resident in `pid` and its descendants, or undefined when /proc cannot tell. */
export function treeResidentBytes(pid: number): number | undefined {
  let total = 0;
  let seen = 0;
  const stack = [pid];
  while (stack.length > 0 && seen < MAX_PROCESSES) {
    const current = stack.pop()!;
    seen++;
    let statm: string;
    try {
      statm = readFileSync(`/proc/${current}/statm`, 'latin1');
    } catch {
      if (current === pid) return undefined;
      continue;
    }
    // statm: size resident shared text lib data dt, in pages.
    const space = statm.indexOf(' ');
    total += Number.parseInt(statm.slice(space + 1), 10) * pageSize();
    try {
      const children = readFileSync(`/proc/${current}/task/${current}/children`, 'latin1').trim();
      if (children) for (const child of children.split(' ')) stack.push(Number(child));
    } catch {
      // No children file (an old kernel): the process alone is counted.
    }
  }
  return total;
}
