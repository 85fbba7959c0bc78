/** Token check for the web server: required when it listens beyond loopback, optional otherwise. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_COOKIE = 'clara_token';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${TOKEN_COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(TOKEN_COOKIE.length + 1));
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof query === 'string' ? query : undefined;
}

/** A Fastify onRequest hook; `/health` stays open so load balancers can probe it, `/oauth/*` callbacks too. */
export function requireToken(expected: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url === '/health') return;
    // OAuth redirects arrive from another site without the token; the single-use `state` authenticates them.
    if (request.url.startsWith('/oauth/') && request.method === 'GET') return;
    const given = tokenFrom(request);
    if (given && sameSecret(given, expected)) {
      if (!request.headers.cookie?.includes(`${TOKEN_COOKIE}=`)) {
        reply.header(
          'set-cookie',
          `${TOKEN_COOKIE}=${encodeURIComponent(expected)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`,
        );
      }
      return;
    }
    reply.code(401).type('application/json').send({
      error: 'unauthorized',
      message: 'This Clara server needs its access token: open the page as /?token=<CLARA_WEB_TOKEN>.',
    });
  };
}
