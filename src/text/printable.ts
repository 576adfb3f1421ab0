/**
 * What a terminal acts on rather than prints: C0 controls (ESC starts an escape sequence that can clear
 * the screen, retitle the window or rewrite earlier lines), DEL, C1 controls (U+009B is CSI where 8-bit
 * controls are honoured) and the bidi overrides that make a line read other than it is (CVE-2021-42574).
 * Paths, Origins and header values come from clients, handlers and probed servers: none reaches the
 * terminal raw.
 */
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TERMINAL_CONTROLS = new RegExp(TERMINAL_CONTROL.source, 'g');

/** `s` with every terminal control written as an escape (`\x1b`, `\u202e`). */
export function printable(s: string): string {
  if (!TERMINAL_CONTROL.test(s)) return s;
  return s.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Text of several lines (a response body) with every terminal control escaped but the line breaks. */
export function printableLines(s: string): string {
  return s.split('\n').map(printable).join('\n');
}
