/**
 * `mcp_install` / `clara mcp install`: validates the source, picks the name, prepares the server (npm, git clone,
 * Docker, local path, Smithery), runs a test connection (start, list tools, stop) and only then saves the config.
 * On any failure the folder it created is removed and the error says what to fix; nothing is saved.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CachedMcpTool,
  type McpConfigStore,
  type McpServerConfig,
  newLocalServer,
  newRemoteServer,
} from '../config/index.js';
import {
  DEFAULT_SMITHERY_SERVER_URL,
  type SmitheryClient,
  type SmitheryServerDetail,
} from '../smithery/index.js';
import { configureProject } from './configure-project.js';
import { prepareDockerImage } from './docker.js';
import { cloneRepository } from './git.js';
import { installNpmPackage } from './npm.js';
import { ProbeError, probeRemote } from './probe.js';
import { defaultServerName, type InstallSource, parseInstallSource, validateServerName } from './source.js';
import {
  DEFAULT_TIMEOUTS,
  type InstallContext,
  InstallError,
  type InstallTimeouts,
  type StdioLaunch,
} from './types.js';

export interface InstallProgress {
  /** `step`: a stage of the install; `output`: a line printed by npm, git or a build. */
  kind: 'step' | 'output';
  message: string;
}

export interface InstallRequest {
  source: string;
  name?: string;
  /** Extra arguments appended to the server's command (local servers). */
  args?: string[];
  /** Environment variables for the server (local) — stored encrypted. */
  env?: Record<string, string>;
  installedBy?: string;
  /** Relative local paths resolve from here (default: the working directory). */
  cwd?: string;
  onProgress?: (event: InstallProgress) => void;
  signal?: AbortSignal;
}

export interface InstallOutcome {
  config: McpServerConfig;
  /** Saved but waiting for OAuth (hosted servers): run mcp_oauth_start. */
  pendingAuth: boolean;
  tools: CachedMcpTool[];
}

export interface McpInstallerOptions {
  store: McpConfigStore;
  /** The MCP manager's test connection for a config (start, list tools, stop). */
  testConnect: (config: McpServerConfig, timeoutMs?: number) => Promise<CachedMcpTool[]>;
  smithery: SmitheryClient;
  /** SMITHERY_SERVER_URL: base of hosted servers when the registry names no deployment URL. */
  smitheryServerUrl?: string;
  /** Given to `smithery:` servers as SMITHERY_API_KEY. */
  smitheryApiKey?: string;
  /** SMITHERY_ACCESS_TOKEN: a Bearer token for hosted servers that skips OAuth. */
  smitheryAccessToken?: string;
  /** The npm package that runs `smithery:` servers (default @smithery/cli). */
  smitheryCliPackage?: string;
  /** Environment of install subprocesses (default: Clara's, so npm uses the user's registry settings). */
  env?: NodeJS.ProcessEnv;
  timeouts?: Partial<InstallTimeouts>;
}

export interface McpInstaller {
  install(request: InstallRequest): Promise<InstallOutcome>;
}

interface Prepared {
  launch?: StdioLaunch;
  remote?: { url: string; headers: Record<string, string> };
  sourceType: string;
  sourceUrl: string;
  displayName?: string;
  /** Folder created by this install (removed on failure). */
  createdDir?: string;
}

export function createMcpInstaller(options: McpInstallerOptions): McpInstaller {
  const { store } = options;
  const timeouts: InstallTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const inProgress = new Set<string>();

  async function prepare(source: InstallSource, name: string, request: InstallRequest, ctx: InstallContext) {
    const localDir = store.serverDir('local', name);
    switch (source.kind) {
      case 'local': {
        if (!existsSync(source.path)) {
          throw new InstallError(
            `The local path ${source.path} does not exist. Give the folder (or .js/.py file) of the server.`,
          );
        }
        const launch = await configureProject(source.path, ctx, { mode: 'in-place' });
        return { launch, sourceType: 'local', sourceUrl: source.path } satisfies Prepared;
      }
      case 'npm': {
        const result = await installNpmPackage(source.spec, localDir, ctx);
        return {
          launch: result.launch,
          sourceType: 'npm',
          sourceUrl: source.spec,
          displayName: result.packageName,
          createdDir: localDir,
        } satisfies Prepared;
      }
      case 'github': {
        const checkout = join(localDir, 'repo');
        const prepared: Prepared = { sourceType: 'github', sourceUrl: source.cloneUrl, createdDir: localDir };
        try {
          await cloneRepository(source.cloneUrl, checkout, ctx, source.ref);
          prepared.launch = await configureProject(checkout, ctx, { mode: 'clone' });
        } catch (error) {
          throw Object.assign(error as Error, { createdDir: localDir });
        }
        return prepared;
      }
      case 'docker': {
        const launch = await prepareDockerImage(source.image, ctx, {
          args: request.args ?? [],
          env: request.env ?? {},
        });
        return { launch, sourceType: 'docker', sourceUrl: source.image } satisfies Prepared;
      }
      case 'smithery': {
        const detail = await lookUp(source.qualifiedName, ctx);
        const cli = options.smitheryCliPackage ?? '@smithery/cli';
        const result = await installNpmPackage(cli, localDir, ctx);
        return {
          launch: {
            ...result.launch,
            args: [...result.launch.args, 'run', source.qualifiedName],
            env: options.smitheryApiKey ? { SMITHERY_API_KEY: options.smitheryApiKey } : {},
          },
          sourceType: 'smithery',
          sourceUrl: source.qualifiedName,
          displayName: detail.displayName,
          createdDir: localDir,
        } satisfies Prepared;
      }
      case 'remote':
        return {
          remote: { url: source.url, headers: {} },
          sourceType: 'remote',
          sourceUrl: source.url,
        } satisfies Prepared;
      case 'smithery-hosted': {
        const detail = await lookUp(source.qualifiedName, ctx);
        const base = (options.smitheryServerUrl ?? DEFAULT_SMITHERY_SERVER_URL).replace(/\/+$/, '');
        const url = detail.deploymentUrl ?? `${base}/${source.qualifiedName}`;
        const headers: Record<string, string> = options.smitheryAccessToken
          ? { Authorization: `Bearer ${options.smitheryAccessToken}` }
          : {};
        return {
          remote: { url, headers },
          sourceType: 'smithery-hosted',
          sourceUrl: source.qualifiedName,
          displayName: detail.displayName,
        } satisfies Prepared;
      }
    }
  }

  async function lookUp(qualifiedName: string, ctx: InstallContext): Promise<SmitheryServerDetail> {
    ctx.progress(`Looking up ${qualifiedName} in the Smithery registry…`);
    const detail = await options.smithery.getServer(qualifiedName);
    if (!detail) {
      throw new InstallError(
        `The Smithery registry has no server named "${qualifiedName}". Find the exact qualified name with smithery_search.`,
      );
    }
    return detail;
  }

  async function finish(name: string, prepared: Prepared, request: InstallRequest, ctx: InstallContext) {
    const common = {
      name,
      sourceType: prepared.sourceType,
      sourceUrl: prepared.sourceUrl,
      displayName: prepared.displayName ?? name,
      ...(request.installedBy ? { installedBy: request.installedBy } : {}),
    };
    if (prepared.remote) {
      const config = newRemoteServer({
        ...common,
        url: prepared.remote.url,
        headers: prepared.remote.headers,
      });
      ctx.progress(`Testing the connection to ${prepared.remote.url}…`);
      try {
        const tools = await probeRemote(config.url, { timeoutMs: timeouts.probeMs, headers: config.headers });
        return { config: await store.save({ ...config, tools }), pendingAuth: false, tools };
      } catch (error) {
        if (!(error instanceof ProbeError) || !error.unauthorized) throw error;
        ctx.progress('The server needs authorization; saving it as pending_auth.');
        const saved = await store.save({
          ...config,
          status: 'pending_auth',
          oauthRequired: true,
          lastError: `Authorization required: run mcp_oauth_start with server_name "${name}".`,
          lastErrorAt: new Date().toISOString(),
        });
        return { config: saved, pendingAuth: true, tools: [] };
      }
    }
    const launch = prepared.launch!;
    const config = newLocalServer({
      ...common,
      command: launch.command,
      args: prepared.sourceType === 'docker' ? launch.args : [...launch.args, ...(request.args ?? [])],
      ...(launch.cwd ? { cwd: launch.cwd } : {}),
      env: { ...launch.env, ...request.env },
    });
    ctx.progress('Testing the server (start, list tools, stop)…');
    let tools: CachedMcpTool[];
    try {
      tools = await options.testConnect(config, timeouts.probeMs);
    } catch (error) {
      throw new InstallError(
        `The server did not pass its test connection: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { config: await store.save({ ...config, tools }), pendingAuth: false, tools };
  }

  return {
    async install(request) {
      const source = parseInstallSource(request.source, { cwd: request.cwd });
      const name = request.name ? validateServerName(request.name.trim()) : defaultServerName(source);
      const existing = await store.get(name).catch(() => ({ sourceUrl: 'an unreadable config' }));
      if (existing) {
        throw new InstallError(
          `An MCP server named "${name}" already exists (from ${existing.sourceUrl ?? 'an earlier install'}). Remove it first (mcp_uninstall / clara mcp remove ${name}) or choose another name.`,
        );
      }
      if (inProgress.has(name))
        throw new InstallError(`"${name}" is being installed right now; wait for that install.`);
      inProgress.add(name);
      const ctx: InstallContext = {
        progress: (message) => request.onProgress?.({ kind: 'step', message }),
        detail: (message) => request.onProgress?.({ kind: 'output', message }),
        env: options.env ?? process.env,
        timeouts,
        ...(request.signal ? { signal: request.signal } : {}),
      };
      let createdDir: string | undefined;
      try {
        // A folder left by an interrupted install (no config) is ours to clear.
        const leftover = store.serverDir('local', name);
        if (source.kind !== 'local' && existsSync(leftover))
          await rm(leftover, { recursive: true, force: true });
        const prepared = await prepare(source, name, request, ctx).catch(
          (error: Error & { createdDir?: string }) => {
            createdDir = error.createdDir ?? (source.kind === 'local' ? undefined : leftover);
            throw error;
          },
        );
        createdDir = prepared.createdDir;
        const outcome = await finish(name, prepared, request, ctx);
        createdDir = undefined;
        return outcome;
      } finally {
        if (createdDir) await rm(createdDir, { recursive: true, force: true }).catch(() => undefined);
        inProgress.delete(name);
      }
    },
  };
}
