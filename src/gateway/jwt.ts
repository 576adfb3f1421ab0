/**
 * JWT authorizers of HTTP APIs (AWS docs: "Controlling access to HTTP APIs with JWT authorizers",
 * Authorizing API requests; "Troubleshooting issues with HTTP API JWT authorizers"): the token from
 * the identity source (`Bearer ` prefix allowed), decoded; RSA signatures checked against a JSON Web
 * Key Set when one is given (API Gateway fetches the issuer's jwks_uri; crossgate has no network, so
 * it reads a local file, or skips the check and says so); then the claims: `iss` is the issuer, `aud`
 * one of the audiences (`client_id` only when there is no `aud`), `exp` after now, `nbf` and `iat` before now, and the route's
 * scopes — at least one of them in `scope` or `scp`. A failed check is 401 with a `www-authenticate`
 * header as API Gateway writes it; a missing scope is 403.
 */

export interface JwtRequirements {
  issuer: string | undefined;
  audience: string[];
  scopes: string[];
  nowMs: number;
  /** A JSON Web Key Set to verify the signature against; undefined skips the signature check. */
  jwks: unknown;
}

export type JwtResult =
  | { ok: true; claims: Record<string, unknown>; scopes: string[]; signatureChecked: boolean }
  | { ok: false; status: 401 | 403; error: 'invalid_token' | 'insufficient_scope'; description: string };

const RSA_HASH: Record<string, string> = { RS256: 'SHA-256', RS384: 'SHA-384', RS512: 'SHA-512' };

function fail(description: string): JwtResult {
  return { ok: false, status: 401, error: 'invalid_token', description };
}

function base64urlBytes(part: string): Uint8Array {
  const b64 = part.replaceAll('-', '+').replaceAll('_', '/');
  const s = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(base64urlBytes(part)));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The token an identity source value carries: the whole value, or what follows `Bearer `. */
export function tokenOf(value: string): string {
  return /^Bearer\s+/i.test(value) ? value.replace(/^Bearer\s+/i, '') : value;
}

export async function checkJwt(token: string, req: JwtRequirements): Promise<JwtResult> {
  const parts = token.split('.');
  if (parts.length !== 3) return fail('the token is not a JWT (three base64url parts)');
  const header = decodeJson(parts[0]);
  const claims = decodeJson(parts[1]);
  if (!header || !claims) return fail('the token could not be decoded');
  let signatureChecked = false;
  if (req.jwks !== undefined) {
    const alg = String(header.alg ?? '');
    const hash = RSA_HASH[alg];
    // AWS docs: "Currently, only RSA-based algorithms are supported."
    if (!hash)
      return fail(
        `the token's algorithm ${alg || '(none)'} is not supported; API Gateway verifies RSA signatures only`,
      );
    const keys = (req.jwks as { keys?: unknown[] })?.keys;
    const key = Array.isArray(keys)
      ? (keys.find((k) => (k as Record<string, unknown>)?.kid === header.kid) as
          | import('node:crypto').JsonWebKey
          | undefined)
      : undefined;
    if (!key) return fail(`signing key ${JSON.stringify(header.kid ?? null)} is not in the JWKS`);
    try {
      const cryptoKey = await crypto.subtle.importKey(
        'jwk',
        key,
        { name: 'RSASSA-PKCS1-v1_5', hash },
        false,
        ['verify'],
      );
      const ok = await crypto.subtle.verify(
        'RSASSA-PKCS1-v1_5',
        cryptoKey,
        base64urlBytes(parts[2]),
        new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
      );
      if (!ok) return fail('the token signature is invalid');
    } catch {
      return fail('the token signature could not be verified with the JWKS key');
    }
    signatureChecked = true;
  }
  const now = req.nowMs / 1000;
  if (req.issuer !== undefined && claims.iss !== req.issuer)
    return fail('the token does not have a valid issuer');
  if (req.audience.length > 0) {
    // "API Gateway validates client_id only if aud is not present. When both aud and client_id are
    // present, API Gateway evaluates aud" (troubleshooting guide, 401 invalid audience).
    const ids =
      claims.aud === undefined ? [claims.client_id] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!ids.some((a) => typeof a === 'string' && req.audience.includes(a)))
      return fail('the token does not have a valid audience');
  }
  // "exp – Must be after the current time": a token without one is refused too (not documented).
  if (typeof claims.exp !== 'number') return fail('the token has no exp claim');
  if (claims.exp <= now) return fail('the token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now) return fail('the token is not valid yet (nbf)');
  if (typeof claims.iat === 'number' && claims.iat > now)
    return fail('the token was issued in the future (iat)');
  const granted =
    typeof claims.scope === 'string'
      ? claims.scope.split(/\s+/).filter(Boolean)
      : Array.isArray(claims.scp)
        ? claims.scp.filter((s): s is string => typeof s === 'string')
        : typeof claims.scp === 'string'
          ? claims.scp.split(/\s+/).filter(Boolean)
          : [];
  if (req.scopes.length > 0 && !req.scopes.some((s) => granted.includes(s)))
    return {
      ok: false,
      status: 403,
      error: 'insufficient_scope',
      description: `the token has none of the route's scopes (${req.scopes.join(' ')})`,
    };
  return { ok: true, claims, scopes: granted, signatureChecked };
}

/** `www-authenticate` as API Gateway words it (troubleshooting guide, 401 example). */
export function wwwAuthenticate(result: Extract<JwtResult, { ok: false }>, scopes: string[]): string {
  return `Bearer scope="${scopes.join(' ')}" error="${result.error}" error_description="${result.description}"`;
}
