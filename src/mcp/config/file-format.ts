/**
 * The JSON files of spec §5.1, read leniently (legacy `tools_json`, JSON-string `args`/`env`, a plain
 * internal-format remote file, unknown keys ignored) and written in the current shape. Values of `env` and
 * `headers` are stored as `fernet:<token>`; plain values (older files) are read as they are and encrypted on the
 * next save.
 */
import { z } from 'zod';
import { fernetDecrypt, fernetEncrypt } from '../../crypto/index.js';
import {
  type CachedMcpTool,
  cachedToolSchema,
  type LocalMcpServerConfig,
  MCP_SERVER_STATUSES,
  type RemoteMcpServerConfig,
} from './types.js';

export const ENCRYPTED_PREFIX = 'fernet:';

export class McpConfigFileError extends Error {
  override name = 'McpConfigFileError';
}

/** A JSON string holding the value (older files) is parsed first. */
const jsonish = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);

const optionalText = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v ? v : undefined));
const stringMap = jsonish(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
  .optional()
  .transform((v) => Object.fromEntries(Object.entries(v ?? {}).map(([k, x]) => [k, String(x)])));
const toolList = jsonish(z.array(z.unknown()))
  .optional()
  .transform((list) =>
    (list ?? []).flatMap((item) => {
      const parsed = cachedToolSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );
const status = z
  .string()
  .optional()
  .transform((v) =>
    (MCP_SERVER_STATUSES as readonly string[]).includes(v ?? '')
      ? (v as LocalMcpServerConfig['status'])
      : 'stopped',
  );
const flag = (fallback: boolean) =>
  z
    .union([z.boolean(), z.null()])
    .optional()
    .transform((v) => v ?? fallback);

const commonFields = {
  id: optionalText,
  display_name: optionalText,
  source_type: optionalText,
  source_url: optionalText,
  enabled: flag(true),
  status,
  last_error: optionalText,
  last_error_at: optionalText,
  tools: toolList,
  tools_json: toolList,
  installed_by: optionalText,
  created_at: optionalText,
  updated_at: optionalText,
};

const localFile = z.object({
  ...commonFields,
  name: optionalText,
  command: z.string({ error: 'a local server needs "command"' }).min(1, 'a local server needs "command"'),
  args: jsonish(z.array(z.union([z.string(), z.number()])))
    .optional()
    .transform((v) => (v ?? []).map(String)),
  cwd: optionalText,
  env: stringMap,
  auto_start: flag(true),
  hot_reload: flag(false),
});

const remoteMetadata = z.object({
  ...commonFields,
  transport: optionalText,
  timeout: z.number().positive().optional().catch(undefined),
  retry_count: z.number().int().min(0).optional().catch(undefined),
  oauth_required: flag(false),
  oauth_server_url: optionalText,
});

const remoteEntry = z.object({
  serverUrl: z.string().optional(),
  url: z.string().optional(),
  headers: stringMap,
});

/** Either a string with the marker (decrypted) or a plain value from an older file. */
function decryptMap(map: Record<string, string>, key: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map)) {
    if (!value.startsWith(ENCRYPTED_PREFIX)) {
      out[name] = value;
      continue;
    }
    try {
      out[name] = fernetDecrypt(key, value.slice(ENCRYPTED_PREFIX.length)).toString('utf8');
    } catch {
      throw new McpConfigFileError(
        `cannot decrypt ${what} "${name}": the file was written with another CLARA_SECRET_KEY (restore the old key, or re-enter the value)`,
      );
    }
  }
  return out;
}

function encryptMap(map: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, `${ENCRYPTED_PREFIX}${fernetEncrypt(key, value)}`]),
  );
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
}

type Common = z.infer<z.ZodObject<typeof commonFields>>;

function commonFrom(name: string, file: Common, defaultSource: string) {
  const at = new Date().toISOString();
  const tools: CachedMcpTool[] = file.tools.length > 0 ? file.tools : file.tools_json;
  return {
    name,
    id: file.id ?? crypto.randomUUID(),
    displayName: file.display_name ?? name,
    enabled: file.enabled,
    sourceType: file.source_type ?? defaultSource,
    sourceUrl: file.source_url,
    status: file.status,
    lastError: file.last_error,
    lastErrorAt: file.last_error_at,
    tools,
    installedBy: file.installed_by,
    createdAt: file.created_at ?? at,
    updatedAt: file.updated_at ?? at,
  };
}

function commonTo(config: LocalMcpServerConfig | RemoteMcpServerConfig) {
  return {
    id: config.id,
    display_name: config.displayName,
    source_type: config.sourceType,
    source_url: config.sourceUrl ?? null,
    enabled: config.enabled,
    status: config.status,
    last_error: config.lastError ?? null,
    last_error_at: config.lastErrorAt ?? null,
    tool_count: config.tools.length,
    tools: config.tools,
    installed_by: config.installedBy ?? null,
    created_at: config.createdAt,
    updated_at: config.updatedAt,
  };
}

export function parseLocalFile(name: string, json: unknown, key: string): LocalMcpServerConfig {
  const parsed = localFile.safeParse(json);
  if (!parsed.success) throw new McpConfigFileError(issues(parsed.error));
  const file = parsed.data;
  return {
    type: 'local',
    ...commonFrom(name, file, 'local'),
    command: file.command,
    args: file.args,
    cwd: file.cwd,
    env: decryptMap(file.env, key, 'env variable'),
    hotReload: file.hot_reload,
    autoStart: file.auto_start,
  };
}

export function serializeLocal(config: LocalMcpServerConfig, key: string): unknown {
  return {
    name: config.name,
    command: config.command,
    args: config.args,
    cwd: config.cwd ?? null,
    env: encryptMap(config.env, key),
    auto_start: config.autoStart,
    hot_reload: config.hotReload,
    ...commonTo(config),
  };
}

export function parseRemoteFile(name: string, json: unknown, key: string): RemoteMcpServerConfig {
  const record = z.record(z.string(), z.unknown()).safeParse(json);
  if (!record.success) throw new McpConfigFileError('the file is not a JSON object');
  const servers = record.data.mcpServers;
  let entryJson: unknown;
  let metaJson: unknown;
  if (servers !== undefined) {
    const map = z.record(z.string(), z.unknown()).safeParse(servers);
    entryJson = map.success ? map.data[name] : undefined;
    if (entryJson === undefined) throw new McpConfigFileError(`"mcpServers" has no entry named "${name}"`);
    metaJson = record.data._metadata ?? {};
  } else {
    // Plain internal format: everything at the top level.
    entryJson = { serverUrl: record.data.server_url ?? record.data.url, headers: record.data.headers };
    metaJson = record.data;
  }
  const entry = remoteEntry.safeParse(entryJson);
  const meta = remoteMetadata.safeParse(metaJson);
  if (!entry.success) throw new McpConfigFileError(issues(entry.error));
  if (!meta.success) throw new McpConfigFileError(issues(meta.error));
  const url = entry.data.serverUrl ?? entry.data.url;
  if (!url || !URL.canParse(url)) throw new McpConfigFileError('a remote server needs a valid "serverUrl"');
  const m = meta.data;
  return {
    type: 'remote',
    ...commonFrom(name, m, 'remote'),
    url,
    headers: decryptMap(entry.data.headers, key, 'header'),
    transport: m.transport === 'sse' ? 'sse' : 'streamable-http',
    timeoutSeconds: m.timeout ?? 30,
    retryCount: m.retry_count ?? 3,
    oauthRequired: m.oauth_required,
    oauthServerUrl: m.oauth_server_url,
  };
}

export function serializeRemote(config: RemoteMcpServerConfig, key: string): unknown {
  return {
    mcpServers: { [config.name]: { serverUrl: config.url, headers: encryptMap(config.headers, key) } },
    _metadata: {
      transport: config.transport,
      timeout: config.timeoutSeconds,
      retry_count: config.retryCount,
      oauth_required: config.oauthRequired,
      oauth_server_url: config.oauthServerUrl ?? null,
      ...commonTo(config),
    },
  };
}
