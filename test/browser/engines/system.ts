// Where Debian puts an engine's files on this machine's architecture.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const TRIPLETS: Record<string, string> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ppc64: 'powerpc64le-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
};

/**
 * `/usr/lib/<multiarch triplet>/<rel>` (Debian puts MiniBrowser and libfaketime there): this
 * architecture's triplet first, then any other holding the file; this architecture's path if none does.
 */
export function multiarchLib(rel: string): string {
  const own = TRIPLETS[process.arch] ?? `${process.arch}-linux-gnu`;
  let others: string[] = [];
  try {
    others = readdirSync('/usr/lib').filter((d) => d !== own && /-linux-gnu/.test(d));
  } catch {
    // No /usr/lib: the engine is reported missing at its own architecture's path.
  }
  for (const dir of [own, ...others]) {
    const p = path.join('/usr/lib', dir, rel);
    if (existsSync(p)) return p;
  }
  return path.join('/usr/lib', own, rel);
}
