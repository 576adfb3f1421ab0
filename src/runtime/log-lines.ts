/**
 * Splits what an environment writes into lines, in time linear in the bytes written: each chunk is
 * searched once, and a line still open is kept as a list of pieces, joined once when it ends. A line
 * longer than `maxLineBytes` is cut there (the rest, up to its newline, is counted, not kept), so a
 * handler that writes one endless line holds up no one and fills no memory.
 *
 * The cap defaults to 256 KiB: CloudWatch Logs' largest log event (AWS docs: "CloudWatch Logs quotas",
 * event size 256 KB), the most of one line Lambda could keep.
 */
export const MAX_LINE_BYTES = 256 * 1024;

export class LineSplitter {
  private pieces: string[] = [];
  private held = 0;
  /** Characters of the open line dropped past the cap. */
  private dropped = 0;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  write(chunk: string): void {
    let from = 0;
    for (let nl = chunk.indexOf('\n', from); nl !== -1; nl = chunk.indexOf('\n', from)) {
      this.hold(chunk, from, nl);
      this.flushLine();
      from = nl + 1;
    }
    if (from < chunk.length) this.hold(chunk, from, chunk.length);
  }

  /** Whatever is left, as a last line (the stream ended without a newline). */
  end(): void {
    this.flush();
  }

  /** The open line, if any, as a line now: an invocation has ended, and what it wrote last is its own. */
  flush(): void {
    if (this.held > 0 || this.dropped > 0) this.flushLine();
  }

  private hold(chunk: string, from: number, to: number): void {
    const room = this.maxLine - this.held;
    const take = Math.min(room, to - from);
    if (take > 0) {
      this.pieces.push(from === 0 && take === chunk.length ? chunk : chunk.slice(from, from + take));
      this.held += take;
    }
    this.dropped += to - from - Math.max(take, 0);
  }

  private flushLine(): void {
    let line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    if (this.dropped > 0)
      line += ` … [crossgate: line cut at ${this.maxLine} characters, ${this.dropped} more]`;
    this.pieces = [];
    this.held = 0;
    this.dropped = 0;
    this.emit(line);
  }
}

/**
 * How much of an invocation's output is kept with its outcome (the init output it follows included): every
 * line goes to the log as it is written; this is what the outcome carries to the inspector. A handler that
 * logs in a loop would otherwise hold the host's memory until it answers (3 s of console.log: 257 MB).
 */
export const MAX_KEPT_LOG_CHARS = 1024 * 1024;

/** The first MAX_KEPT_LOG_CHARS characters' worth of lines; the rest are counted. */
export class KeptLines {
  private lines: string[] = [];
  private chars = 0;
  private dropped = 0;

  add(line: string): void {
    if (this.chars + line.length > MAX_KEPT_LOG_CHARS) {
      this.dropped++;
      return;
    }
    this.lines.push(line);
    this.chars += line.length;
  }

  /** Takes `earlier`'s lines (the output of the init phase) in front of these; `earlier` is left empty. */
  takeInFront(earlier: KeptLines): void {
    if (earlier.lines.length === 0 && earlier.dropped === 0) return;
    const later = this.lines;
    const laterDropped = this.dropped;
    this.lines = earlier.lines;
    this.chars = earlier.chars;
    this.dropped = earlier.dropped;
    earlier.lines = [];
    earlier.chars = 0;
    earlier.dropped = 0;
    for (const line of later) this.add(line);
    this.dropped += laterDropped;
  }

  /** The lines kept, and a last one saying how many were not. */
  list(): string[] {
    if (this.dropped === 0) return this.lines;
    return [
      ...this.lines,
      `crossgate: ${this.dropped} more lines of this invocation not kept here (the first ${MAX_KEPT_LOG_CHARS} characters are; every line went to the log)`,
    ];
  }
}
