/**
 * The resident memory of a process and its children, read from /proc (Linux): what Lambda's memory
 * limit bounds for a process environment (the whole sandbox, runtime included). Elsewhere it cannot be
 * read cheaply and MemorySize is not enforced for process environments (the README says so).
 *
 * The process's own statm and children files stay open and are re-read in place (one pread each): a
 * read costs a few microseconds, cheap enough to take after every event.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

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

export class ResidentMemory {
  private readonly buffer = Buffer.alloc(512);
  private statm: number | undefined;
  private children: number | undefined;
  /** The descendants' resident bytes when last read (they are read on `withChildren` only). */
  private childrenBytes = 0;

  constructor(pid: number) {
    try {
      this.statm = openSync(`/proc/${pid}/statm`, 'r');
      this.children = openSync(`/proc/${pid}/task/${pid}/children`, 'r');
    } catch {
      // No /proc (not Linux), or no children file (an old kernel): what can be read is read.
    }
  }

  /**
   * Bytes resident in the process and its descendants, or undefined when /proc cannot tell. The
   * descendants are read again only `withChildren` (a second read, and more for each child); otherwise
   * their last figure is used.
   */
  bytes(withChildren: boolean): number | undefined {
    if (this.statm === undefined) return undefined;
    const own = residentOf(this.readAt(this.statm));
    if (own === undefined) return undefined;
    if (withChildren) this.childrenBytes = this.readChildren();
    return own + this.childrenBytes;
  }

  private readChildren(): number {
    if (this.children === undefined) return 0;
    const direct = this.readAt(this.children)?.trim();
    if (!direct) return 0;
    let total = 0;
    for (const pid of below(direct.split(' ').map(Number)))
      try {
        total += residentOf(readFileSync(`/proc/${pid}/statm`, 'latin1')) ?? 0;
      } catch {
        // Gone meanwhile.
      }
    return total;
  }

  close(): void {
    for (const fd of [this.statm, this.children]) {
      if (fd === undefined) continue;
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
    this.statm = undefined;
    this.children = undefined;
  }

  private readAt(fd: number): string | undefined {
    try {
      const n = readSync(fd, this.buffer, 0, this.buffer.length, 0);
      return this.buffer.toString('latin1', 0, n);
    } catch {
      return undefined;
    }
  }
}

/** The processes under a process (at most MAX_PROCESSES), from /proc: none where there is no /proc. */
export function descendantsOf(pid: number): number[] {
  return below(childrenOf(pid));
}

function below(children: number[]): number[] {
  const out: number[] = [];
  const stack = [...children];
  while (stack.length > 0 && out.length < MAX_PROCESSES) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...childrenOf(pid));
  }
  return out;
}

function childrenOf(pid: number): number[] {
  try {
    const listed = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return listed ? listed.split(' ').map(Number) : [];
  } catch {
    return []; // Gone meanwhile, or no /proc.
  }
}

/** statm: `size resident shared text lib data dt`, in pages. */
function residentOf(statm: string | undefined): number | undefined {
  if (!statm) return undefined;
  const space = statm.indexOf(' ');
  const pages = Number.parseInt(statm.slice(space + 1), 10);
  return Number.isNaN(pages) ? undefined : pages * pageSize();
}
