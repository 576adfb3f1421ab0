/**
 * Which kind of execution environment runs a function, by its Runtime: Node.js in worker threads, Python
 * and the OS-only runtimes (provided*) as processes that speak the Lambda Runtime API.
 */
import { type EnvironmentKind, type Failure, failure } from './environment.js';
import { runtimeFamily } from './family.js';
import { parseHandler } from './handler.js';
import { nodeKind } from './node-environment.js';
import { providedKind } from './provided.js';
import { pythonKind } from './python.js';
import type { FunctionSpec, PoolOptions } from './types.js';

export function kindFor(
  spec: FunctionSpec,
  options: PoolOptions,
): { kind: EnvironmentKind } | { refuse: Failure } {
  const shared = { spec, outDir: options.outDir, region: options.region, watch: options.watch };
  if (spec.packageType === 'Image') return { refuse: imageFailure(spec) };
  switch (runtimeFamily(spec.runtime)) {
    case 'node':
      // Node.js runtime interface client, Errors.MalformedHandlerName.
      if (!parseHandler(spec.handler))
        return { refuse: failure('missing', 'Runtime.MalformedHandlerName', `Bad handler ${spec.handler}`) };
      return { kind: nodeKind(shared) };
    case 'python':
      return {
        kind: pythonKind({ ...shared, python: options.python, templateDir: options.templateDir }),
      };
    case 'provided':
      return { kind: providedKind(shared) };
    default:
      return {
        refuse: failure(
          'unsupported',
          'Runtime.Unsupported',
          `${spec.id} uses ${spec.runtime}; crossgate runs nodejs*.x, python3.x (Lambda has python3.10 to python3.14), and provided (provided.al2, provided.al2023) functions`,
        ),
      };
  }
}

/** The message for a container image function, once at start (runtime notes) and with every 502. */
export const IMAGE_NOTE =
  'a container image function (PackageType: Image) is not run by crossgate: it needs its image, and so Docker (sam local start-api runs it); every request to it is answered 502';

function imageFailure(spec: FunctionSpec): Failure {
  return failure('unsupported', 'Crossgate.ImageUnsupported', `${spec.id} is ${IMAGE_NOTE}`);
}
