/**
 * One live connection to an MCP server: spawn (stdio) or connect (Streamable HTTP, SSE), `initialize`, list the
 * tools — all within a start timeout. A server that exits or hangs at start becomes a clear error that carries the
 * tail of its stderr (with the server's own secrets masked).
 */

import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CachedMcpTool, McpServerConfig } from '../config/index.js';
import { launchEnvironment } from './launch-env.js';
import { maskSecrets, secretsOf } from './secrets.js';

export interface ConnectOptions {
  startTimeoutMs: number;
  /** OAuth for remote servers (hosted Smithery); from the install/OAuth part. */
  authProvider?: OAuthClientProvider;
  clientVersion: string;
  /** Cancels a start in progress (shutdown): the child is killed and the start fails. */
  signal?: AbortSignal;
}

export interface McpConnection {
  readonly client: Client;
  readonly tools: CachedMcpTool[];
  /** The child's pid (stdio only). */
  readonly pid: number | undefined;
  /** Called once when the connection ends for any reason other than `close()`. */
  onLost?: (reason: string) => void;
  /** Called when the server announces a changed tool list (already re-listed). */
  onToolsChanged?: (tools: CachedMcpTool[]) => void;
  /** The last lines the server wrote to stderr (stdio only; secrets masked). */
  stderrTail(): string;
  close(): Promise<void>;
}

export class McpStartError extends Error {
  override name = 'McpStartError';
  constructor(
    message: string,
    /** True when the server asked for authorization (HTTP 401): status pending_auth. */
    readonly needsAuth = false,
  ) {
    super(message);
  }
}

const STDERR_KEEP = 4000;
const MAX_TOOL_PAGES = 50;

export async function openConnection(
  config: McpServerConfig,
  options: ConnectOptions,
): Promise<McpConnection> {
  const secrets = secretsOf(config);
  let stderr = '';
  const transport = buildTransport(config, options);
  if (transport instanceof StdioClientTransport) {
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
  }
  const tail = () => maskSecrets(stderr.trim().split('\n').slice(-5).join('\n').slice(-600), secrets);
  let connection: McpConnection | undefined;
  const client = new Client(
    { name: 'clara', version: options.clientVersion },
    {
      capabilities: {},
      listChanged: {
        tools: {
          onChanged: (error, tools) => {
            if (error || !tools || !connection) return;
            const cached = tools.map(toCachedTool);
            (connection as { tools: CachedMcpTool[] }).tools = cached;
            connection.onToolsChanged?.(cached);
          },
        },
      },
    },
  );

  let closedByUs = false;
  let lost = false;
  connection = {
    client,
    tools: [],
    get pid() {
      return transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
    },
    stderrTail: tail,
    async close() {
      closedByUs = true;
      await client.close().catch(() => undefined);
    },
  };
  const live = connection;
  client.onclose = () => {
    if (closedByUs || lost) return;
    lost = true;
    const detail = tail();
    live.onLost?.(
      config.type === 'local'
        ? `the server process exited${detail ? `: ${detail}` : ''}`
        : 'the connection to the server closed',
    );
  };

  const timeoutSeconds = Math.round(options.startTimeoutMs / 100) / 10;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () =>
      reject(new McpStartError('the start was cancelled (Clara is stopping or the server was stopped)'));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new McpStartError(
            `the server did not finish starting within ${timeoutSeconds} s (MCP_START_TIMEOUT_SECONDS)${stderrNote(tail())}`,
          ),
        ),
      options.startTimeoutMs,
    );
  });
  try {
    const tools = await Promise.race([
      (async () => {
        await client.connect(transport, { timeout: options.startTimeoutMs });
        return listAllTools(client, options.startTimeoutMs);
      })(),
      timeout,
      cancelled,
    ]);
    (live as { tools: CachedMcpTool[] }).tools = tools;
    return live;
  } catch (error) {
    closedByUs = true;
    await client.close().catch(() => undefined);
    await transport.close().catch(() => undefined);
    // Let the last stderr bytes of an exiting child arrive before describing the failure.
    await new Promise((resolve) => setTimeout(resolve, 50));
    throw describeStartError(error, config, tail(), secrets);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

function buildTransport(config: McpServerConfig, options: ConnectOptions): Transport {
  if (config.type === 'local') {
    return new StdioClientTransport({
      command: config.command,
      args: config.args,
      // A minimal inherited environment (PATH, HOME, …; DOCKER_* for docker) plus the server's own variables.
      env: launchEnvironment(config),
      ...(config.cwd ? { cwd: config.cwd } : {}),
      stderr: 'pipe',
    });
  }
  const url = new URL(config.url);
  const requestInit: RequestInit = { headers: config.headers };
  if (config.transport === 'sse') {
    return new SSEClientTransport(url, {
      requestInit,
      ...(options.authProvider ? { authProvider: options.authProvider } : {}),
    });
  }
  return new StreamableHTTPClientTransport(url, {
    requestInit,
    ...(options.authProvider ? { authProvider: options.authProvider } : {}),
  });
}

async function listAllTools(client: Client, timeoutMs: number): Promise<CachedMcpTool[]> {
  if (!client.getServerCapabilities()?.tools) return [];
  const tools: CachedMcpTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
    tools.push(...result.tools.map(toCachedTool));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

function toCachedTool(tool: { name: string; description?: string; inputSchema?: unknown }): CachedMcpTool {
  return {
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: (tool.inputSchema as Record<string, unknown> | undefined) ?? {
      type: 'object',
      properties: {},
    },
  };
}

function stderrNote(tail: string): string {
  return tail ? `. Its last output: ${tail}` : '';
}

function describeStartError(
  error: unknown,
  config: McpServerConfig,
  tail: string,
  secrets: string[],
): McpStartError {
  if (error instanceof McpStartError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = maskSecrets(raw, secrets);
  const name = error instanceof Error ? error.name : '';
  // The SDK's HTTP errors carry the status in `code` (the message does not always say 401).
  const status = (error as { code?: unknown }).code;
  if (name === 'UnauthorizedError' || status === 401 || /\b401\b|unauthori[sz]ed/i.test(message)) {
    return new McpStartError(
      'the server requires authorization (HTTP 401): authorize it (OAuth) or set its token header',
      true,
    );
  }
  if ((error as NodeJS.ErrnoException).code === 'ENOENT' && config.type === 'local') {
    return new McpStartError(`the command "${config.command}" was not found (check the path or install it)`);
  }
  if (/connection closed/i.test(message) && config.type === 'local') {
    return new McpStartError(`the server process exited during start-up${stderrNote(tail)}`);
  }
  if (/fetch failed|ECONNREFUSED|ENOTFOUND/i.test(message) && config.type === 'remote') {
    return new McpStartError(`cannot reach ${safeUrl(config.url)} (${message})`);
  }
  return new McpStartError(`${message}${stderrNote(tail)}`);
}

/** The URL without credentials or query (which may hold tokens). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
