/**
 * The locked door of `bgtasks-mcp --http`: a bearer token every request must carry.
 *
 * Loopback is not a boundary between users: any local user can find the port (it is in
 * `/proc/net/tcp`) and, without a token, run shell commands as the server's user. Host/Origin
 * checks stop browsers, not them. The token is 256 random bits from the Web Crypto API (the same
 * on Node, Bun and Deno) and is compared in constant time: both sides are hashed with SHA-256
 * first, so neither the token's length nor the position of the first differing byte shows in the
 * time a refusal takes.
 */
import { McpUsageError } from './errors.ts';

/** The header a refused request is answered with (RFC 6750). */
export const WWW_AUTHENTICATE = 'Bearer realm="bgtasks-mcp"';

/** Shortest token accepted from a flag or the environment. */
export const MIN_TOKEN_LENGTH = 16;

/** RFC 6750 `b64token` characters, so the token fits an `Authorization` header unquoted. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** A fresh token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Checks a token given by a user (flag or environment); throws {@link McpUsageError} naming
 * `source` when it is too short or not sendable in a header.
 */
export function checkToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new McpUsageError(`${source} must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length}`);
  }
  if (!B64TOKEN.test(token)) {
    throw new McpUsageError(`${source} may hold only letters, digits and - . _ ~ + / (then = padding)`);
  }
  return token;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Whether `given` equals `expected`, in time that depends on neither. */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Whether `request` carries `Authorization: Bearer <token>` (scheme case-insensitive). */
export async function hasBearer(request: Request, token: string): Promise<boolean> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^bearer +(\S+) *$/i.exec(header);
  // A request without the header still pays for a comparison, so absence and a wrong token take alike.
  return tokensEqual(match?.[1] ?? '', token).then((equal) => equal && match !== null);
}
