/**
 * OS-only runtimes (`provided`, `provided.al2`, `provided.al2023`): the function's own `bootstrap` (a Go
 * or Rust binary, a script) runs against the Runtime API. Lambda looks for it in the function's code,
 * then in its Layers (/var/task/bootstrap, then /opt/bootstrap: AWS Lambda docs, "Building a custom
 * runtime for AWS Lambda").
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvironmentKind, failure, type KindOptions } from './environment.js';
import { layerPaths, ProcessEnvironment, type ProcessPrepared } from './process-environment.js';

export function providedKind(options: KindOptions): EnvironmentKind<ProcessPrepared> {
  const { spec } = options;
  const layers = spec.layers ?? [];
  return {
    async prepare() {
      // A later layer's /opt/bootstrap overwrites an earlier one's.
      const candidates = [
        join(spec.codeDir, 'bootstrap'),
        ...[...layers].reverse().map((l) => join(l, 'bootstrap')),
      ];
      const bootstrap = candidates.find((file) => existsSync(file));
      if (!bootstrap) {
        // Lambda's own words for it.
        return {
          ...failure(
            'load',
            'Runtime.InvalidEntrypoint',
            `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]`,
          ),
          watch: candidates,
        };
      }
      try {
        accessSync(bootstrap, constants.X_OK);
      } catch {
        return {
          ...failure('load', 'Runtime.InvalidEntrypoint', `fork/exec ${bootstrap}: permission denied`),
          watch: [bootstrap],
        };
      }
      return {
        ok: true,
        files: [],
        trees: [spec.codeDir, ...layers],
        command: bootstrap,
        args: [],
        env: layerPaths(layers),
        // The OS-only runtimes set no AWS_EXECUTION_ENV (AWS Lambda docs: "Defined runtime environment variables").
        unset: ['AWS_EXECUTION_ENV'],
      };
    },
    start(prepared, events, logStreamName) {
      return new ProcessEnvironment(options, prepared, events, logStreamName);
    },
  };
}
