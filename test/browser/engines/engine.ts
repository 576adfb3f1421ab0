// One interface over the three real engines the suites drive: open a page, run an async function in it,
// and collect what its console printed.

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface EnginePage {
  engine: EngineName;
  /** As the engine reports it, e.g. `156.0.8078.114`. */
  version: string;
  goto(url: string): Promise<void>;
  /**
   * Runs `(fnSource)(arg)` in the page and returns its awaited, JSON-serialisable result. `fnSource` is
   * the source of an async function of one argument.
   */
  evaluate<T>(fnSource: string, arg: unknown): Promise<T>;
  /**
   * Console lines the engine printed for the page so far (CORS errors and warnings included), or
   * `undefined` when this driver cannot see the console.
   */
  consoleMessages(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

/**
 * The script for classic WebDriver's Execute Async Script (Marionette's too) that runs `(fnSource)(arg)`,
 * given `JSON.stringify(arg)` as its one argument, and answers `{ ok: <JSON> }` or `{ error }`.
 */
export function asyncScript(fnSource: string): string {
  return `const done = arguments[arguments.length - 1];
    (${fnSource})(JSON.parse(arguments[0])).then((v) => done({ ok: JSON.stringify(v) }), (e) => done({ error: String(e) }));`;
}

/** What an asyncScript() answered: its value, or its error thrown (naming `engine`). */
export function asyncScriptValue<T>(engine: EngineName, answer: { ok?: string; error?: string }): T {
  if (answer.error !== undefined) throw new Error(`${engine}: ${answer.error}`);
  return JSON.parse(answer.ok ?? 'null') as T;
}
