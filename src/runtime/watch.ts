/**
 * Watches a function's code for hot reload: given files (what a Node handler's bundle read), or whole
 * folders (a process environment's CodeUri and Layers, where any file may be imported). Folders are
 * watched, not files: editors save by writing a new file and renaming it over the old one.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch as watchDir } from 'node:fs';
import { join } from 'node:path';

/** Folders no handler's code lives in, and that tools write to all the time. */
const IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.aws-sam',
  '.idea',
  '.vscode',
]);
/** Compiled bytecode and editors' scratch files. */
const IGNORED_FILE = /(\.py[co]|~|\.sw[a-p]|\.tmp)$|^\.#|^#.*#$|^\.DS_Store$/;
/** A tree this large is most likely not code (a data folder, a checkout): watch this many folders of it. */
const MAX_TREE_DIRS = 2000;

export class CodeWatcher {
  private readonly dirWatchers = new Map<string, FSWatcher>();
  private files = new Set<string>();
  /** Folders watched as part of a tree (any change counts). */
  private readonly treeDirs = new Set<string>();

  constructor(private readonly onChange: (file: string) => void) {}

  /** Replaces what is watched. */
  set(files: string[], trees: string[]): void {
    this.files = new Set(files);
    const wanted = new Set(files.map((file) => parentOf(file)));
    this.treeDirs.clear();
    for (const tree of trees) for (const dir of walk(tree)) this.treeDirs.add(dir);
    for (const dir of this.treeDirs) wanted.add(dir);
    for (const [dir, watcher] of this.dirWatchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.dirWatchers.delete(dir);
      }
    }
    for (const dir of wanted) this.watch(dir);
  }

  close(): void {
    for (const watcher of this.dirWatchers.values()) watcher.close();
    this.dirWatchers.clear();
  }

  private watch(dir: string): void {
    if (this.dirWatchers.has(dir)) return;
    try {
      const watcher = watchDir(dir, (_event, name) => {
        if (!name) return;
        const base = name.toString();
        const file = join(dir, base);
        if (this.treeDirs.has(dir)) {
          if (IGNORED_FILE.test(base) || IGNORED_DIRS.has(base)) return;
          // A folder created inside a tree is watched from now on.
          if (isDirectory(file) && this.treeDirs.size < MAX_TREE_DIRS) {
            for (const sub of walk(file)) {
              this.treeDirs.add(sub);
              this.watch(sub);
            }
          }
          this.onChange(file);
        } else if (this.files.has(file)) this.onChange(file);
      });
      watcher.on('error', () => undefined);
      this.dirWatchers.set(dir, watcher);
    } catch {
      // A folder that does not exist (yet): nothing to watch there.
    }
  }
}

function parentOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at > 0 ? file.slice(0, at) : '/';
}

/** The folder and every folder under it, skipping IGNORED_DIRS, at most MAX_TREE_DIRS. */
function walk(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < MAX_TREE_DIRS) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    out.push(dir);
    for (const entry of entries)
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) stack.push(join(dir, entry.name));
  }
  return out;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
