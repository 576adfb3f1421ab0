/**
 * API Gateway REST routing (AWS docs: "Set up a proxy integration with a proxy resource" and
 * "Working with routes"): a literal segment beats a `{param}` segment, which beats a greedy
 * `{proxy+}`; `{proxy+}` matches one or more segments below its parent but never the parent itself;
 * a method is looked up exactly, then ANY. The resource tree is compiled once per deployment.
 */
import type { DeployedMethod, DeployedResource } from '../sam/model.js';
import { setOwn } from './object-map.js';

interface Node {
  literal: Map<string, Node>;
  param: { name: string; node: Node } | undefined;
  greedy: { name: string; resource: DeployedResource } | undefined;
  resource: DeployedResource | undefined;
}

function newNode(): Node {
  return { literal: new Map(), param: undefined, greedy: undefined, resource: undefined };
}

export interface RouteMatch {
  resource: DeployedResource;
  /** undefined when the resource exists but has neither this method nor ANY. */
  method: DeployedMethod | undefined;
  pathParameters: Record<string, string>;
}

export interface Router {
  match(httpMethod: string, segments: string[]): RouteMatch | undefined;
}

export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const s of path.split('/')) if (s !== '') out.push(s);
  return out;
}

export function compileRouter(resources: DeployedResource[]): Router {
  const root = newNode();
  // One resource per path, methods merged (SAM may list a path and its trailing-slash twin separately).
  const byPath = new Map<string, DeployedResource>();
  for (const r of resources) {
    const key = r.path === '/' ? '/' : r.path.replace(/\/+$/, '');
    const existing = byPath.get(key);
    if (existing) {
      for (const m of r.methods)
        if (!existing.methods.some((x) => x.method === m.method)) existing.methods.push(m);
    } else byPath.set(key, { path: key, methods: [...r.methods] });
  }
  for (const resource of byPath.values()) {
    let node = root;
    const segs = splitPath(resource.path);
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const greedy = /^\{([^}]+)\+\}$/.exec(seg);
      if (greedy && i === segs.length - 1) {
        node.greedy = { name: greedy[1], resource };
        break;
      }
      const param = /^\{([^}]+)\}$/.exec(seg);
      if (param) {
        if (!node.param) node.param = { name: param[1], node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) {
          next = newNode();
          node.literal.set(seg, next);
        }
        node = next;
      }
    }
    if (!/^\{[^}]+\+\}$/.test(segs[segs.length - 1] ?? '')) node.resource = resource;
  }

  const pickMethod = (resource: DeployedResource, httpMethod: string): DeployedMethod | undefined => {
    let any: DeployedMethod | undefined;
    for (const m of resource.methods) {
      if (m.method === httpMethod) return m;
      if (m.method === 'ANY') any = m;
    }
    return any;
  };

  const walk = (
    node: Node,
    segs: string[],
    i: number,
    params: Record<string, string>,
  ): DeployedResource | undefined => {
    if (i === segs.length) return node.resource;
    const seg = segs[i];
    const lit = node.literal.get(seg);
    if (lit) {
      const r = walk(lit, segs, i + 1, params);
      if (r) return r;
    }
    if (node.param) {
      const r = walk(node.param.node, segs, i + 1, params);
      if (r) {
        setOwn(params, node.param.name, decodeSegment(seg));
        return r;
      }
    }
    if (node.greedy) {
      setOwn(params, node.greedy.name, segs.slice(i).map(decodeSegment).join('/'));
      return node.greedy.resource;
    }
    return undefined;
  };

  return {
    match(httpMethod, segs) {
      const params: Record<string, string> = {};
      const resource = walk(root, segs, 0, params);
      if (!resource) return undefined;
      return { resource, method: pickMethod(resource, httpMethod), pathParameters: params };
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
