import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';

/**
 * The Engine API's authentication (execution-apis, src/engine/authentication.md): every
 * HTTP request carries `Authorization: Bearer <JWT>`, HS256 with a 256-bit secret shared
 * with the consensus side through a file of 64 hex digits, its `iat` within 60 seconds
 * of now. Other algorithms (`none` first) are refused; unknown claims are ignored.
 */
export const IAT_WINDOW_S = 60;

/** The secret in `file`, or a new one written there (mode 0600) when the file does not exist. */
export function loadOrCreateSecret(file: string): { secret: Uint8Array; created: boolean } {
  if (!existsSync(file)) {
    const secret = new Uint8Array(randomBytes(32));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `0x${Buffer.from(secret).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, created: true };
  }
  const text = readFileSync(file, 'utf8').trim();
  const m = /^(0x)?([0-9a-fA-F]{64})$/.exec(text);
  if (!m) throw new Error(`the JWT secret file ${file} does not hold 64 hex digits (a 256-bit secret)`);
  return { secret: new Uint8Array(Buffer.from(m[2], 'hex')), created: false };
}

/** Why a request's Authorization header is refused, or undefined when it is accepted. */
export async function checkAuthorization(header: string | undefined, secret: Uint8Array, nowS = Date.now() / 1000): Promise<string | undefined> {
  const m = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return 'missing bearer token';
  let iat: unknown;
  try {
    ({ payload: { iat } } = await jwtVerify(m[1], secret, { algorithms: ['HS256'], currentDate: new Date(nowS * 1000) }));
  } catch (e) {
    return `invalid token: ${(e as Error).message}`;
  }
  if (typeof iat !== 'number') return 'the token has no iat claim';
  if (Math.abs(nowS - iat) > IAT_WINDOW_S) return `stale token: iat ${iat} is more than ${IAT_WINDOW_S} s from now (${Math.floor(nowS)})`;
  return undefined;
}

/** A token as a consensus client makes one (tests, scripts). */
export function makeToken(secret: Uint8Array, iat = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(iat).sign(secret);
}
