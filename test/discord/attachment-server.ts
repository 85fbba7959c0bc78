/**
 * A small HTTP server for the attachment tests: `serve(path, body, contentType)` publishes a body (optionally
 * chunked without Content-Length, or with another status) and returns its URL; `hits` counts requests per path.
 * Call `attachmentServer()` at the top of a test file: it starts in `beforeAll` and stops in `afterAll`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { AttachmentOptions, IncomingAttachment } from '../../src/adapters/discord/attachments.js';

interface Route {
  body: Buffer;
  contentType: string;
  /** Send without Content-Length (chunked), as a server hiding the real size would. */
  chunked?: boolean;
  status?: number;
}

export function attachmentServer() {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const route = routes.get(path);
      if (!route) {
        response.writeHead(404).end('not found');
        return;
      }
      const headers: Record<string, string> = { 'content-type': route.contentType };
      if (!route.chunked) headers['content-length'] = String(route.body.length);
      response.writeHead(route.status ?? 200, headers);
      if (!route.chunked) {
        response.end(route.body);
        return;
      }
      // Stream in 64 KB pieces so the client can stop early.
      let offset = 0;
      const pump = () => {
        while (offset < route.body.length) {
          const piece = route.body.subarray(offset, offset + 65536);
          offset += piece.length;
          if (!response.write(piece)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      response.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return {
    hits,
    base: () => base,
    serve(path: string, body: Buffer, contentType: string, extra: Partial<Route> = {}): string {
      routes.set(path, { body, contentType, ...extra });
      return `${base}${path}`;
    },
  };
}

export function attachment(
  name: string,
  url: string,
  size: number,
  contentType?: string | null,
): IncomingAttachment {
  return { name, url, size, contentType };
}

export const LIMITS: AttachmentOptions = {
  maxImageDimension: 1568,
  maxImageBytes: 4_194_304,
  maxTextBytes: 100_000,
  maxChars: 100_000,
};

export function withStore(options: Partial<AttachmentOptions> = {}) {
  const stored = new Map<string, Uint8Array>();
  const save = async (name: string, bytes: Uint8Array) => {
    stored.set(name, bytes);
  };
  return { stored, options: { ...LIMITS, save, ...options } };
}
