/**
 * HTTP API route selection (AWS docs: "Working with routes for HTTP APIs", Routing API requests):
 * the most specific match wins — a full match for route and method, then a route with a greedy path
 * variable (`{proxy+}`) and the method, then the `$default` route. Between full matches, a literal
 * segment beats a `{param}` segment (the documented `GET /pets/dog/1` over `GET /pets/dog/{id}`); for
 * one path, its own method beats ANY ("matches all methods that you haven't defined for a resource").
 * Routes are compiled once per API.
 */
import type { DeployedMethod, DeployedResource } from '../sam/model.js';
import { DEFAULT_PATH } from '../sam/openapi.js';
import { setOwn } from './object-map.js';

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

interface CompiledRoute {
  resource: DeployedResource;
  method: DeployedMethod;
  segments: Segment[];
  greedy: boolean;
}

export interface HttpRouteMatch {
  resource: DeployedResource;
  method: DeployedMethod;
  pathParameters: Record<string, string>;
  /** `GET /items/{id}`, `ANY /{proxy+}` or `$default`, as the event's routeKey. */
  routeKey: string;
}

export interface HttpRouter {
  match(httpMethod: string, segments: string[]): HttpRouteMatch | undefined;
}

export function compileHttpRouter(resources: DeployedResource[]): HttpRouter {
  const routes: CompiledRoute[] = [];
  let fallback: { resource: DeployedResource; method: DeployedMethod } | undefined;
  for (const resource of resources) {
    for (const method of resource.methods) {
      if (resource.path === DEFAULT_PATH) {
        fallback ??= { resource, method };
        continue;
      }
      const segments: Segment[] = [];
      for (const s of resource.path.split('/')) {
        if (s === '') continue;
        const greedy = /^\{([^}]+)\+\}$/.exec(s);
        const param = /^\{([^}]+)\}$/.exec(s);
        segments.push(
          greedy
            ? { kind: 'greedy', name: greedy[1] }
            : param
              ? { kind: 'param', name: param[1] }
              : { kind: 'literal', text: s },
        );
      }
      routes.push({ resource, method, segments, greedy: segments.at(-1)?.kind === 'greedy' });
    }
  }

  const matchOne = (
    r: CompiledRoute,
    httpMethod: string,
    segs: string[],
  ): Record<string, string> | undefined => {
    if (r.method.method !== 'ANY' && r.method.method !== httpMethod) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < r.segments.length; i++) {
      const s = r.segments[i];
      if (s.kind === 'greedy') {
        // `{proxy+}` needs at least one segment below its parent.
        if (i >= segs.length) return undefined;
        setOwn(params, s.name, segs.slice(i).map(decodeSegment).join('/'));
        return params;
      }
      if (i >= segs.length) return undefined;
      if (s.kind === 'literal') {
        if (s.text !== segs[i]) return undefined;
      } else setOwn(params, s.name, decodeSegment(segs[i]));
    }
    return r.segments.length === segs.length ? params : undefined;
  };

  // Larger is more specific: no greedy variable, then literals before parameters left to right, then
  // the route's own method over ANY.
  const rank = (r: CompiledRoute, httpMethod: string): number[] => [
    r.greedy ? 0 : 1,
    ...r.segments.map((s) => (s.kind === 'literal' ? 2 : s.kind === 'param' ? 1 : 0)),
    r.method.method === httpMethod ? 1 : 0,
  ];
  const better = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] ?? -1;
      const y = b[i] ?? -1;
      if (x !== y) return x > y;
    }
    return false;
  };

  return {
    match(httpMethod, segs) {
      let best: { r: CompiledRoute; params: Record<string, string>; rank: number[] } | undefined;
      for (const r of routes) {
        const params = matchOne(r, httpMethod, segs);
        if (!params) continue;
        const k = rank(r, httpMethod);
        if (!best || better(k, best.rank)) best = { r, params, rank: k };
      }
      if (best)
        return {
          resource: best.r.resource,
          method: best.r.method,
          pathParameters: best.params,
          routeKey: `${best.r.method.method} ${best.r.resource.path}`,
        };
      if (fallback) return { ...fallback, pathParameters: {}, routeKey: DEFAULT_PATH };
      return undefined;
    },
  };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
