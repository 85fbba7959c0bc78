/**
 * The file store of MCP server configurations (spec §5.1):
 *   <dir>/local/<name>/config.json    local (stdio) servers; the folder also holds clones of GitHub installs
 *   <dir>/remote/<name>/config.json   remote servers ("mcpServers" + "_metadata")
 * Lookup checks local first. Unreadable or invalid files are skipped by `list()` with a warning. Writes are atomic
 * (temp file + rename, mode 0600) and serialised per server name.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyedLock } from '../../util/index.js';
import {
  McpConfigFileError,
  parseLocalFile,
  parseRemoteFile,
  serializeLocal,
  serializeRemote,
} from './file-format.js';
import { assertServerName, serverNameProblem } from './names.js';
import { type McpServerConfig, type McpServerPatch, mcpServerConfigSchema } from './types.js';

export interface McpConfigStoreOptions {
  /** MCP_SERVERS_DIR (absolute or relative to the working directory). */
  dir: string;
  /**
   * Fernet key (from `loadOrCreateSecretKey`) that encrypts env values and headers at rest; a function is called
   * only once a config is read or written (so no key is created while there are no servers).
   */
  secretKey: string | (() => Promise<string>);
  logger?: { warn(obj: object, msg: string): void };
}

export interface McpConfigStore {
  readonly dir: string;
  /** Every readable config, local first, each group sorted by name. */
  list(): Promise<McpServerConfig[]>;
  /** The config, or undefined when there is none. Throws McpConfigFileError when the file is unreadable. */
  get(name: string): Promise<McpServerConfig | undefined>;
  /** Creates or replaces a config (sets `updatedAt`). A name taken by the other type is refused. */
  save(config: McpServerConfig): Promise<McpServerConfig>;
  /** Changes some fields of an existing config (sets `updatedAt`); throws when it does not exist. */
  update(name: string, patch: McpServerPatch): Promise<McpServerConfig>;
  /** Deletes the server's folder (for local servers that includes a cloned checkout). False when absent. */
  remove(name: string): Promise<boolean>;
  /** The folder of a server: `<dir>/local/<name>` or `<dir>/remote/<name>`. */
  serverDir(type: McpServerConfig['type'], name: string): string;
}

export class McpServerNotFoundError extends Error {
  override name = 'McpServerNotFoundError';
  constructor(readonly serverName: string) {
    super(`There is no MCP server named "${serverName}". See the installed ones with: clara mcp list`);
  }
}

export class McpServerExistsError extends Error {
  override name = 'McpServerExistsError';
}

const TYPES = ['local', 'remote'] as const;

export function createMcpConfigStore(options: McpConfigStoreOptions): McpConfigStore {
  const dir = path.resolve(options.dir);
  const { logger } = options;
  let keyPromise: Promise<string> | undefined;
  const secretKey = (): Promise<string> => {
    const source = options.secretKey;
    keyPromise ??= typeof source === 'string' ? Promise.resolve(source) : source();
    return keyPromise;
  };
  const locks = new KeyedLock();

  const serverDir = (type: McpServerConfig['type'], name: string) => {
    assertServerName(name);
    return path.join(dir, type, name);
  };
  const fileOf = (type: McpServerConfig['type'], name: string) =>
    path.join(serverDir(type, name), 'config.json');

  const locked = <T>(name: string, task: () => Promise<T>): Promise<T> => locks.run(name, task);

  async function readConfig(
    type: McpServerConfig['type'],
    name: string,
  ): Promise<McpServerConfig | undefined> {
    const file = fileOf(type, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new McpConfigFileError(`${file}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new McpConfigFileError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const key = await secretKey();
    try {
      return type === 'local' ? parseLocalFile(name, json, key) : parseRemoteFile(name, json, key);
    } catch (error) {
      throw new McpConfigFileError(`${file}: ${(error as Error).message}`);
    }
  }

  async function get(name: string): Promise<McpServerConfig | undefined> {
    if (serverNameProblem(name)) return undefined;
    return (await readConfig('local', name)) ?? (await readConfig('remote', name));
  }

  async function write(config: McpServerConfig): Promise<void> {
    const folder = serverDir(config.type, config.name);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const key = await secretKey();
    const body = config.type === 'local' ? serializeLocal(config, key) : serializeRemote(config, key);
    const file = path.join(folder, 'config.json');
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  return {
    dir,
    serverDir,
    get,

    async list() {
      const out: McpServerConfig[] = [];
      for (const type of TYPES) {
        let names: string[];
        try {
          const entries = await readdir(path.join(dir, type), { withFileTypes: true });
          names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        for (const name of names.sort()) {
          const problem = serverNameProblem(name);
          if (problem) {
            logger?.warn({ folder: path.join(dir, type, name) }, `Skipping MCP server folder: ${problem}`);
            continue;
          }
          try {
            const config = await readConfig(type, name);
            if (config) out.push(config);
          } catch (error) {
            logger?.warn(
              { server: name },
              `Skipping unreadable MCP server config: ${(error as Error).message}`,
            );
          }
        }
      }
      return out;
    },

    async save(config) {
      assertServerName(config.name);
      return locked(config.name, async () => {
        const other = config.type === 'local' ? 'remote' : 'local';
        const clash = await readConfig(other, config.name).catch(() => undefined);
        if (clash) {
          throw new McpServerExistsError(
            `An MCP server named "${config.name}" already exists as a ${other} server; pick another name or remove it first.`,
          );
        }
        const valid = mcpServerConfigSchema.parse({ ...config, updatedAt: new Date().toISOString() });
        await write(valid);
        return valid;
      });
    },

    update(name, patch) {
      return locked(name, async () => {
        const current = await get(name);
        if (!current) throw new McpServerNotFoundError(name);
        const next = mcpServerConfigSchema.parse({
          ...current,
          ...patch,
          type: current.type,
          name: current.name,
          id: current.id,
          createdAt: current.createdAt,
          updatedAt: new Date().toISOString(),
        });
        await write(next);
        return next;
      });
    },

    remove(name) {
      if (serverNameProblem(name)) return Promise.resolve(false);
      return locked(name, async () => {
        let removed = false;
        for (const type of TYPES) {
          const folder = path.join(dir, type, name);
          const exists = await readdir(folder).then(
            () => true,
            () => false,
          );
          if (!exists) continue;
          await rm(folder, { recursive: true, force: true });
          removed = true;
        }
        return removed;
      });
    },
  };
}
