/**
 * A plain test connection to a remote server (no OAuth provider, so probing a hosted server never starts a
 * registration or authorization): connect, list tools, close, within a time limit; a 401 is reported as such.
 * Local servers are tested through the MCP manager's `testConnect` (the same environment they run with).
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CachedMcpTool } from '../config/index.js';

export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    message: string,
    readonly unauthorized = false,
  ) {
    super(message);
  }
}

export async function probeRemote(
  url: string,
  options: { timeoutMs: number; headers?: Record<string, string>; authProvider?: OAuthClientProvider },
): Promise<CachedMcpTool[]> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: options.headers ? { headers: options.headers } : undefined,
    ...(options.authProvider ? { authProvider: options.authProvider } : {}),
  });
  const client = new Client({ name: 'clara', version: '1.0.0' }, { capabilities: {} });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProbeError(`${url} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`)),
      options.timeoutMs,
    );
  });
  try {
    return await Promise.race([
      (async () => {
        await client.connect(transport);
        const result = await client.listTools();
        return result.tools.map((tool) => ({
          name: tool.name,
          description: tool.description ?? '',
          inputSchema: (tool.inputSchema as Record<string, unknown> | undefined) ?? {
            type: 'object',
            properties: {},
          },
        }));
      })(),
      timeout,
    ]);
  } catch (error) {
    if (error instanceof ProbeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const unauthorized =
      (error as { code?: unknown })?.code === 401 ||
      (error as Error)?.name === 'UnauthorizedError' ||
      /\b401\b|unauthori[sz]ed/i.test(message);
    throw new ProbeError(
      unauthorized ? `${url} requires authorization (401).` : `Could not connect to ${url}: ${message}`,
      unauthorized,
    );
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
  }
}
