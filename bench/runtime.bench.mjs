// What the runtime's guards cost, in-process, median of 7 rounds: the Node worker's memory check (heap +
// external, after every event), a process environment's memory read (one pread of /proc/<pid>/statm), the
// START/END/REPORT lines of one invocation, and the log splitter on a long line written in 16-byte pieces.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { lifecycleLines } = await import(join(root, 'dist/runtime/index.js'));
const { ResidentMemory } = await import(join(root, 'dist/runtime/process-memory.js'));
const { LineSplitter } = await import(join(root, 'dist/runtime/log-lines.js'));

function perCall(n, fn) {
  const rounds = [];
  for (let r = 0; r < 7; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - started) / n / 1000);
  }
  return rounds.sort((a, b) => a - b)[3];
}

let sink = 0;
const heap = perCall(500_000, () => {
  const h = getHeapStatistics();
  sink += Math.ceil((h.used_heap_size + h.external_memory) / 1048576);
});
const memory = new ResidentMemory(process.pid);
const statm = perCall(100_000, () => {
  sink += memory.bytes(false);
});
const statmChildren = perCall(50_000, () => {
  sink += memory.bytes(true);
});
memory.close();
const lines = perCall(200_000, (i) => {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  sink += lifecycleLines({ phase: 'start', requestId: id })[0].length;
  sink += lifecycleLines({
    phase: 'end',
    requestId: id,
    durationMs: 1.234,
    memorySizeMB: 128,
    maxMemoryUsedMB: 40,
    initDurationMs: undefined,
    status: undefined,
    errorType: undefined,
  })[1].length;
});
const piece = 'x'.repeat(16);
const splitRounds = [];
for (let r = 0; r < 7; r++) {
  const splitter = new LineSplitter((line) => {
    sink += line.length;
  });
  const started = performance.now();
  for (let i = 0; i < (64 * 1024 * 1024) / 16; i++) splitter.write(piece);
  splitter.write('\n');
  splitRounds.push(64 / ((performance.now() - started) / 1000));
}
const split = splitRounds.sort((a, b) => a - b)[3];

console.log('### What the runtime guards cost (in-process, median of 7 rounds)\n');
console.log('| guard | cost |');
console.log('| --- | ---: |');
console.log(
  `| Node worker: MemorySize check (getHeapStatistics, heap + external), after every event | ${heap.toFixed(2)} µs |`,
);
console.log(
  `| process environment: resident memory, one pread of /proc/<pid>/statm, after every event | ${statm.toFixed(2)} µs |`,
);
console.log(
  `| process environment: the same with its children list (every 20 ms while an event runs) | ${statmChildren.toFixed(2)} µs |`,
);
console.log(`| START + END/REPORT lines of one invocation (formatting) | ${lines.toFixed(2)} µs |`);
console.log(
  `| log splitter: one 64 MB line in 16-byte writes (capped at 256 KiB) | ${Math.round(split).toLocaleString('en-US')} MB/s |`,
);
if (sink === -1) console.log(sink);
