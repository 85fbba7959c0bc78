/**
 * The sandbox tools offered to the model (spec §4.9 docker_sandbox, §6.2; issue 6): run Python, run a shell
 * command, install a package, read / write / list files, unpack an archive, and copy files between the sandbox and
 * the person's stored files. One workspace per person (`context.userId`).
 *
 * Availability: the tools are registered only while a backend is available; otherwise each name is explained
 * (`registry.explainUnavailable`) so a call says why (e.g. Docker not reachable and no remote service set). The
 * registry's `specs()` is synchronous, so availability cannot be checked inside it: `refresh()` checks the backend
 * (through the selector's short cache) and (un)registers the tools; it runs at registration, on a timer
 * (`refreshMs`, default 30 s, stoppable) and right after a run finds the backend gone. The lead may also await
 * `refresh()` before a turn for an exact answer at offer time (cheap: the selector caches for ~10 s).
 *
 * Per-server modes: with `modeFor`, each call uses the mode of where it comes from (a Discord server's
 * `/sandbox mode`), else SANDBOX_MODE. The tools are then offered while any backend a mode can pick is available
 * (the registry's offer is the same for every conversation), and a call whose own mode has none says why.
 */
import { z } from 'zod';
import type { FileStore } from '../storage/index.js';
import { decodeText } from '../storage/index.js';
import {
  defineTool,
  type ToolContext,
  type ToolDefinition,
  type ToolRegistry,
  type ToolResult,
} from '../tools/index.js';
import type { SandboxMode, Selection } from './select.js';
import { basename, clip, execText, fenced, withAliases } from './tools-format.js';
import { transferTools } from './tools-transfer.js';
import { type SandboxBackend, SandboxError, WORKSPACE } from './types.js';
import { workspacePath } from './workspace-path.js';

/** What the tools need from the selector. */
export interface SandboxAccess {
  /** The backend for `mode` (default: SANDBOX_MODE). */
  select(mode?: SandboxMode): Promise<Selection>;
  invalidate(): void;
}

export interface SandboxToolsOptions {
  sandbox: SandboxAccess;
  /**
   * The sandbox mode for a call (e.g. its Discord server's `/sandbox mode`); undefined = SANDBOX_MODE. Without it
   * every call uses SANDBOX_MODE.
   */
  modeFor?: ((context: ToolContext) => Promise<SandboxMode | undefined>) | undefined;
  /** The person's stored files, for download_from_sandbox / upload_to_sandbox (omitted: those two are not offered). */
  files?: FileStore | undefined;
  /** How often availability is re-checked (default 30 s; 0 = only at registration and after failures). */
  refreshMs?: number;
  /** Default and largest time limit of one run, in ms (defaults 120 s and 600 s). */
  runTimeoutMs?: number;
  maxRunTimeoutMs?: number;
  /** Most characters read_file returns (default 30 000). */
  maxReadChars?: number;
}

export interface SandboxToolsHandle {
  readonly tools: readonly ToolDefinition[];
  /** Re-checks availability and (un)registers the tools; resolves to whether they are offered. */
  refresh(): Promise<boolean>;
  /** Stops the refresh timer. */
  stop(): void;
}

const INSTALL_TIMEOUT_MS = 300_000;
const SHORT_TIMEOUT_MS = 60_000;

const INSTRUCTIONS =
  'Code sandbox: you can run Python (execute_python) and shell commands (run_shell) in a private Linux workspace ' +
  `of this person at ${WORKSPACE}; relative paths resolve there. Each execute_python run is a fresh interpreter: ` +
  'variables do not persist between runs, files do, so save intermediate results to files. Print what you need ' +
  'to see; long output is cut. The sandbox may have no internet access (install_package then explains).';
const TRANSFER_INSTRUCTIONS =
  ' To give the person a file you made, use download_from_sandbox with send=true; upload_to_sandbox copies one ' +
  'of their stored files in.';

const timeoutArg = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe('Time limit of this run in seconds (default 120).');

/** Runs `work` with the backend for `mode`; sandbox errors become `Error:` texts the model can act on. */
export function sandboxCall(
  access: SandboxAccess,
  onUnavailable: () => void,
  work: (backend: SandboxBackend) => Promise<string | ToolResult>,
  mode?: SandboxMode,
): Promise<string | ToolResult> {
  return (async () => {
    const selection = await access.select(mode);
    if (!selection.ok) {
      onUnavailable();
      return { content: `Error: No code sandbox: ${selection.reason}`, isError: true };
    }
    try {
      return await work(selection.backend);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      if (error.code === 'unavailable') {
        access.invalidate();
        onUnavailable();
      }
      return { content: `Error: ${error.message}`, isError: true };
    }
  })();
}

function readText(path: string, bytes: Uint8Array, maxChars: number): string {
  const text = decodeText(bytes);
  if (text === null) {
    return `[Binary file ${path}: ${bytes.byteLength} bytes. It cannot be shown as text; use download_from_sandbox to save or send it.]`;
  }
  if (text.length === 0) return `[${path} is empty.]`;
  if (text.length <= maxChars) return fenced(text);
  return `${fenced(text.slice(0, maxChars))}\n[Showing the first ${maxChars.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters of ${path}. Use run_shell (e.g. sed -n '200,400p' file) to read further.]`;
}

export function sandboxTools(options: SandboxToolsOptions, onUnavailable: () => void): ToolDefinition[] {
  const access = options.sandbox;
  const defaultMs = options.runTimeoutMs ?? 120_000;
  const maxMs = options.maxRunTimeoutMs ?? 600_000;
  const maxRead = options.maxReadChars ?? 30_000;
  const limit = (seconds: number | undefined) => Math.min(maxMs, seconds ? seconds * 1000 : defaultMs);
  const run = (context: ToolContext, ms: number) => ({
    timeoutMs: ms,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const call = async (
    context: ToolContext,
    work: (backend: SandboxBackend) => Promise<string | ToolResult>,
  ) => sandboxCall(access, onUnavailable, work, await options.modeFor?.(context));
  const registryLimit = maxMs + 30_000;

  const tools: ToolDefinition[] = [
    defineTool({
      name: 'execute_python',
      description:
        `Run Python 3 code in the person's private sandbox (working folder ${WORKSPACE}) and get its printed ` +
        'output. Each run is a fresh interpreter (files persist, variables do not). Use print() to see results.',
      schema: withAliases(
        { code: ['python_code', 'script'] },
        z.object({
          code: z.string({ error: 'code is required: the Python source to run' }).min(1, 'code is empty'),
          description: z
            .string()
            .optional()
            .describe('A few words on what the code does, shown to the person.'),
          timeout_seconds: timeoutArg,
        }),
      ),
      timeoutMs: registryLimit,
      status: (args) => clip(args.description?.trim() || 'Running Python', 80),
      run: (args, context) =>
        call(context, async (backend) =>
          execText(
            'Python',
            await backend.runPython(context.userId, args.code, run(context, limit(args.timeout_seconds))),
          ),
        ),
    }),
    defineTool({
      name: 'run_shell',
      description: `Run a shell command (sh -c) in the person's sandbox, in ${WORKSPACE}; returns stdout and stderr.`,
      schema: withAliases(
        { command: ['cmd'] },
        z.object({
          command: z
            .string({ error: 'command is required: the shell command to run' })
            .min(1, 'command is empty'),
          timeout_seconds: timeoutArg,
        }),
      ),
      timeoutMs: registryLimit,
      status: (args) => `Running \`${clip(args.command, 30)}\``,
      run: (args, context) =>
        call(context, async (backend) =>
          execText(
            'The command',
            await backend.runShell(context.userId, args.command, run(context, limit(args.timeout_seconds))),
          ),
        ),
    }),
    defineTool({
      name: 'install_package',
      description:
        'Install a Python package (pip) in the person\'s sandbox, e.g. "pandas" or "requests==2.32.3".',
      schema: withAliases(
        { package: ['name', 'package_name'] },
        z.object({
          package: z.string({ error: 'package is required, e.g. pandas' }).min(1, 'package is empty'),
        }),
      ),
      timeoutMs: INSTALL_TIMEOUT_MS + 30_000,
      status: (args) => `Installing \`${clip(args.package, 40)}\``,
      run: (args, context) =>
        call(context, async (backend) => {
          context.progress?.(`pip install ${args.package}`);
          const result = await backend.installPackage(
            context.userId,
            args.package,
            run(context, INSTALL_TIMEOUT_MS),
          );
          if (result.ok && /already installed/.test(result.output)) return result.output;
          return execText(`Installing ${args.package}`, result);
        }),
    }),
    defineTool({
      name: 'read_file',
      description: `Read a text file from the person's sandbox (paths relative to ${WORKSPACE}).`,
      schema: withAliases(
        { path: ['file_path', 'filename'] },
        z.object({ path: z.string({ error: 'path is required, e.g. results.csv' }).min(1, 'path is empty') }),
      ),
      status: (args) => `Reading ${basename(args.path)}`,
      run: (args, context) =>
        call(context, async (backend) => {
          const path = workspacePath(args.path);
          return readText(path, await backend.readFile(context.userId, path), maxRead);
        }),
    }),
    defineTool({
      name: 'write_file',
      description: `Write a text file in the person's sandbox (paths relative to ${WORKSPACE}; folders are created).`,
      schema: withAliases(
        { path: ['file_path', 'filename'], content: ['data', 'text'] },
        z.object({
          path: z.string({ error: 'path is required, e.g. data/input.txt' }).min(1, 'path is empty'),
          content: z.string({ error: 'content is required: the text to write' }),
        }),
      ),
      status: (args) => `Writing ${basename(args.path)}`,
      run: (args, context) =>
        call(context, async (backend) => {
          const path = workspacePath(args.path);
          const bytes = Buffer.from(args.content, 'utf8');
          await backend.writeFile(context.userId, path, bytes);
          return `File written to ${path} (${bytes.length} bytes).`;
        }),
    }),
    defineTool({
      name: 'list_files',
      description: `List a folder of the person's sandbox (default ${WORKSPACE}), like ls -la.`,
      schema: withAliases(
        { path: ['directory', 'dir', 'folder'] },
        z.object({ path: z.string().optional().describe(`Folder (default ${WORKSPACE}).`) }),
      ),
      status: (args) => `Listing ${args.path ? basename(args.path) : 'the workspace'}`,
      run: (args, context) =>
        call(context, async (backend) => {
          const path = workspacePath(args.path);
          const result = await backend.listFiles(context.userId, path);
          if (!result.ok) return execText(`Listing ${path}`, result);
          return `${path}:\n${fenced(result.output)}`;
        }),
    }),
    defineTool({
      name: 'unzip_file',
      description: "Unpack an archive (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .gz) in the person's sandbox.",
      schema: withAliases(
        { path: ['file_path', 'archive'], destination: ['dest'] },
        z.object({
          path: z.string({ error: 'path is required: the archive, e.g. data.zip' }).min(1, 'path is empty'),
          destination: z
            .string()
            .optional()
            .describe("Folder to unpack into (default: the archive's folder)."),
        }),
      ),
      timeoutMs: SHORT_TIMEOUT_MS * 2 + 30_000,
      status: (args) => `Unpacking ${basename(args.path)}`,
      run: (args, context) =>
        call(context, async (backend) => {
          const archive = workspacePath(args.path, 'path');
          const destination = args.destination?.trim()
            ? workspacePath(args.destination, 'destination')
            : undefined;
          return execText(
            `Unpacking ${archive}`,
            await backend.unzip(context.userId, archive, destination, run(context, SHORT_TIMEOUT_MS * 2)),
          );
        }),
    }),
  ];
  if (options.files) tools.push(...transferTools(options.files, call));
  return tools;
}

/**
 * Registers the sandbox tools and keeps them in step with the backend's availability (see the file comment).
 * Resolves once the first check is done.
 */
export async function registerSandboxTools(
  registry: ToolRegistry,
  options: SandboxToolsOptions,
): Promise<SandboxToolsHandle> {
  let offered = false;
  let pending: Promise<boolean> | undefined;
  const refresh = (): Promise<boolean> => {
    pending ??= (async () => {
      try {
        const selection = await options.sandbox.select();
        let usable = selection.ok;
        // A server may pick another mode than SANDBOX_MODE: offer the tools while any backend can serve a call.
        for (const mode of options.modeFor ? (['local', 'remote'] as const) : []) {
          if (!usable) usable = (await options.sandbox.select(mode)).ok;
        }
        if (usable && !offered) for (const tool of tools) registry.register(tool);
        if (!usable) {
          const reason = selection.ok ? 'no sandbox backend is available.' : selection.reason;
          for (const tool of tools) {
            registry.unregister(tool.name);
            registry.explainUnavailable(tool.name, `No code sandbox: ${reason}`);
          }
        }
        offered = usable;
        return offered;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  const tools = sandboxTools(options, () => void refresh().catch(() => undefined));
  registry.addInstructions(
    tools.map((tool) => tool.name),
    options.files ? INSTRUCTIONS + TRANSFER_INSTRUCTIONS : INSTRUCTIONS,
  );
  await refresh();
  const every = options.refreshMs ?? 30_000;
  const timer = every > 0 ? setInterval(() => void refresh().catch(() => undefined), every) : undefined;
  timer?.unref?.();
  return { tools, refresh, stop: () => clearInterval(timer) };
}
