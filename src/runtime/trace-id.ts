/**
 * The X-Ray header API Gateway sent the function. Lambda hands it to the runtime as
 * Lambda-Runtime-Trace-Id, and the managed runtimes set `_X_AMZN_TRACE_ID` from it for each invocation
 * (AWS Lambda docs: "Defined runtime environment variables": "This environment variable changes with
 * each invocation"). Read from the event because crossgate's gateway is the only tracer there is.
 */
export function traceIdOf(event: unknown): string | undefined {
  const headers = (event as { headers?: Record<string, unknown> } | null)?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  // API Gateway's own spelling (payload 1.0), then payload 2.0's lower case; only a client's own spelling
  // costs a walk over the names.
  let value = headers['X-Amzn-Trace-Id'] ?? headers['x-amzn-trace-id'];
  if (value === undefined)
    for (const name in headers) if (name.toLowerCase() === 'x-amzn-trace-id') value = headers[name];
  return typeof value === 'string' ? value : undefined;
}
