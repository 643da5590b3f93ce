import type { HttpMethod, Route } from './route.js';

/** Where a path led. */
export type RouteMatch<Engine> =
  | { readonly kind: 'route'; readonly route: Route<Engine>; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly HttpMethod[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-path' };

type Segment = { readonly literal: string } | { readonly param: string };

interface CompiledRoute<Engine> {
  readonly route: Route<Engine>;
  readonly segments: readonly Segment[];
}

const PARAM = /^\{([A-Za-z][A-Za-z0-9]*)\}$/;

/** Splits `/a/{b}` into its segments; throws on a malformed pattern (a bug in the table, caught by tests). */
export function compilePath(path: string): readonly Segment[] {
  if (!path.startsWith('/') || path.endsWith('/')) throw new Error(`route path ${path} must start and not end with /`);
  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const param = PARAM.exec(part)?.[1];
      if (param !== undefined) return { param };
      if (part === '' || /[{}]/.test(part)) throw new Error(`route path ${path} has a malformed segment`);
      return { literal: part };
    });
}

/**
 * Builds a matcher over a routing table. Routes are tried in table order; a
 * path that matches only routes of other methods is a 405 with their methods
 * in `allow`. Two routes with the same method and pattern are refused.
 */
export function createRouter<Engine>(routes: readonly Route<Engine>[]): (method: string, path: string) => RouteMatch<Engine> {
  const compiled: CompiledRoute<Engine>[] = routes.map((route) => ({ route, segments: compilePath(route.path) }));
  const seen = new Set<string>();
  for (const { route, segments } of compiled) {
    const shape = `${route.method} /${segments.map((s) => ('param' in s ? '{}' : s.literal)).join('/')}`;
    if (seen.has(shape)) throw new Error(`two routes share ${shape}`);
    seen.add(shape);
  }

  return (method, path) => {
    const raw = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const parts = raw.slice(1).split('/');
    const allow: HttpMethod[] = [];
    for (const { route, segments } of compiled) {
      const params = matchSegments(segments, parts);
      if (params === undefined) continue;
      if (params === null) return { kind: 'bad-path' };
      if (route.method === method) return { kind: 'route', route, params };
      if (!allow.includes(route.method)) allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  };
}

/** The decoded parameters, `undefined` when the pattern does not match, `null` for undecodable percent-escapes. */
function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined | null {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] as string;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
      continue;
    }
    if (part === '') return undefined;
    try {
      params[segment.param] = decodeURIComponent(part);
    } catch {
      return null;
    }
  }
  return params;
}
