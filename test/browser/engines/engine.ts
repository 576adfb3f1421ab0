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
  consoleMessages(): string[] | undefined;
  close(): Promise<void>;
}
