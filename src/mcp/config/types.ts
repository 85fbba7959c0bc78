/** MCP server configurations as the rest of Clara sees them (the on-disk shapes are in `file-format.ts`). */
import { z } from 'zod';

export const MCP_SERVER_STATUSES = ['stopped', 'starting', 'running', 'error', 'pending_auth'] as const;
export type McpServerStatus = (typeof MCP_SERVER_STATUSES)[number];

/** A tool as the server listed it, cached so it can be offered before the server is up. */
export const cachedToolSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  inputSchema: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});
export type CachedMcpTool = z.infer<typeof cachedToolSchema>;

const stringMap = z.record(z.string(), z.string());

const baseFields = {
  name: z.string(),
  id: z.string(),
  displayName: z.string(),
  enabled: z.boolean(),
  /** local | npm | github | smithery | docker (local); remote | smithery-hosted | docker (remote). */
  sourceType: z.string(),
  sourceUrl: z.string().optional(),
  status: z.enum(MCP_SERVER_STATUSES),
  lastError: z.string().optional(),
  lastErrorAt: z.string().optional(),
  tools: z.array(cachedToolSchema),
  installedBy: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const localServerConfigSchema = z.object({
  type: z.literal('local'),
  ...baseFields,
  command: z.string().min(1),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  /** Overlaid on a minimal environment (PATH, HOME, …) of the child. Encrypted at rest. */
  env: stringMap,
  hotReload: z.boolean(),
  autoStart: z.boolean(),
});

export const REMOTE_TRANSPORTS = ['streamable-http', 'sse'] as const;
export type RemoteTransport = (typeof REMOTE_TRANSPORTS)[number];

export const remoteServerConfigSchema = z.object({
  type: z.literal('remote'),
  ...baseFields,
  url: z.url(),
  /** Sent with every request. Encrypted at rest. */
  headers: stringMap,
  transport: z.enum(REMOTE_TRANSPORTS),
  timeoutSeconds: z.number().positive(),
  retryCount: z.number().int().min(0),
  oauthRequired: z.boolean(),
  oauthServerUrl: z.string().optional(),
});

export const mcpServerConfigSchema = z.discriminatedUnion('type', [
  localServerConfigSchema,
  remoteServerConfigSchema,
]);

export type LocalMcpServerConfig = z.infer<typeof localServerConfigSchema>;
export type RemoteMcpServerConfig = z.infer<typeof remoteServerConfigSchema>;
export type McpServerConfig = LocalMcpServerConfig | RemoteMcpServerConfig;

/** Fields a caller may change with `update()` (never `type` or `name`). */
export type McpServerPatch =
  | Partial<Omit<LocalMcpServerConfig, 'type' | 'name' | 'id' | 'createdAt'>>
  | Partial<Omit<RemoteMcpServerConfig, 'type' | 'name' | 'id' | 'createdAt'>>;

/** What a caller gives to create a local server: everything else gets a default. */
export type NewLocalServer = Pick<LocalMcpServerConfig, 'name' | 'command'> &
  Partial<Omit<LocalMcpServerConfig, 'type' | 'name' | 'command'>>;
export type NewRemoteServer = Pick<RemoteMcpServerConfig, 'name' | 'url'> &
  Partial<Omit<RemoteMcpServerConfig, 'type' | 'name' | 'url'>>;

function now(): string {
  return new Date().toISOString();
}

/** A complete local config from the fields that matter (id, timestamps and flags defaulted). */
export function newLocalServer(fields: NewLocalServer): LocalMcpServerConfig {
  const at = now();
  return localServerConfigSchema.parse({
    type: 'local',
    id: crypto.randomUUID(),
    displayName: fields.name,
    enabled: true,
    sourceType: 'local',
    status: 'stopped',
    tools: [],
    createdAt: at,
    updatedAt: at,
    args: [],
    env: {},
    hotReload: false,
    autoStart: true,
    ...stripUndefined(fields),
  });
}

/** A complete remote config from the fields that matter. */
export function newRemoteServer(fields: NewRemoteServer): RemoteMcpServerConfig {
  const at = now();
  return remoteServerConfigSchema.parse({
    type: 'remote',
    id: crypto.randomUUID(),
    displayName: fields.name,
    enabled: true,
    sourceType: 'remote',
    status: 'stopped',
    tools: [],
    createdAt: at,
    updatedAt: at,
    headers: {},
    transport: 'streamable-http',
    timeoutSeconds: 30,
    retryCount: 3,
    oauthRequired: false,
    ...stripUndefined(fields),
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
