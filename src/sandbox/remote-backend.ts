/**
 * The remote sandbox backend (spec §6.3.1): talks to a sandbox service (`clara sandbox-service` or the original
 * Python one) over HTTP with `X-API-Key`. Every failure becomes a SandboxError whose message a person can act
 * on; the API key never appears in it.
 */
import type { z } from 'zod';
import {
  ErrorBody,
  ExecutionResponse,
  FileResponse,
  HealthResponse,
  InfoResponse,
  isSandboxErrorCode,
} from './remote-api.js';
import {
  type Availability,
  type ExecResult,
  type RunOptions,
  type SandboxBackend,
  SandboxError,
  WORKSPACE,
} from './types.js';

export interface RemoteBackendOptions {
  /** Base URL of the service (`SANDBOX_API_URL`); a trailing slash is ignored. */
  url: string;
  /** `SANDBOX_API_KEY`. */
  apiKey: string;
  /** Default request timeout (`SANDBOX_TIMEOUT` × 1000). Runs wait for their own limit plus a margin. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Extra time a run's HTTP request gets beyond the run's own limit (the service needs it to answer). */
const RUN_MARGIN_MS = 10_000;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** What the request was for, in the error messages ("running Python"). */
  doing: string;
}

export class RemoteBackend implements SandboxBackend {
  readonly kind = 'remote' as const;
  private readonly base: string;
  private readonly where: string;
  private readonly fetchImpl: typeof fetch;
  private readonly basicAuth: string | undefined;

  constructor(private readonly options: RemoteBackendOptions) {
    if (!options.apiKey)
      throw new SandboxError('auth', 'SANDBOX_API_KEY is empty; the sandbox service needs it.');
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new SandboxError(
        'unavailable',
        'SANDBOX_API_URL is not a valid URL (example: http://sandbox:8080).',
      );
    }
    // Credentials in the URL (a proxy's basic auth) travel as a header: fetch refuses them in URLs.
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username);
      const password = decodeURIComponent(parsed.password);
      this.basicAuth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    this.base = parsed.href.replace(/\/+$/, '');
    // Shown in messages: the origin only, so credentials in the URL never leak.
    this.where = parsed.origin;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async available(): Promise<Availability> {
    try {
      const health = await this.request(HealthResponse, '/health', { doing: 'checking its health' });
      if (health.status !== 'healthy') {
        const why = health.reason ? `: ${health.reason}` : '';
        return {
          ok: false,
          reason: `The sandbox service at ${this.where} reports it is ${health.status}${why}.`,
        };
      }
      // /health is open; /info proves the key is accepted.
      await this.request(InfoResponse, '/info', { doing: 'checking the API key' });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async runPython(userId: string, code: string, options: RunOptions): Promise<ExecResult> {
    return this.run(
      userId,
      '/execute',
      { code, timeout: seconds(options.timeoutMs) },
      options,
      'running Python',
    );
  }

  async runShell(userId: string, command: string, options: RunOptions): Promise<ExecResult> {
    return this.run(
      userId,
      '/shell',
      { command, timeout: seconds(options.timeoutMs) },
      options,
      'running a command',
    );
  }

  async installPackage(userId: string, spec: string, options: RunOptions): Promise<ExecResult> {
    const body = { package: spec, timeout: seconds(options.timeoutMs) };
    return this.run(userId, '/pip/install', body, options, `installing ${spec}`);
  }

  async readFile(userId: string, path: string): Promise<Uint8Array> {
    const file = await this.request(FileResponse, `${this.userPath(userId)}/file`, {
      query: { path },
      doing: `reading ${path}`,
    });
    return file.encoding === 'base64'
      ? Buffer.from(file.content, 'base64')
      : Buffer.from(file.content, 'utf8');
  }

  async writeFile(userId: string, path: string, content: Uint8Array): Promise<void> {
    const body = { path, content: Buffer.from(content).toString('base64'), encoding: 'base64' };
    const result = await this.request(ExecutionResponse, `${this.userPath(userId)}/file`, {
      method: 'POST',
      body,
      doing: `writing ${path}`,
    });
    if (!result.success) throw new SandboxError('backend', result.error ?? `Could not write ${path}.`);
  }

  async listFiles(userId: string, path: string): Promise<ExecResult> {
    const started = Date.now();
    const result = await this.request(ExecutionResponse, `${this.userPath(userId)}/files`, {
      query: { path: path || WORKSPACE },
      doing: `listing ${path || WORKSPACE}`,
    });
    return toExecResult(result, started);
  }

  async unzip(
    userId: string,
    path: string,
    destination: string | undefined,
    options: RunOptions,
  ): Promise<ExecResult> {
    const body = { path, destination: destination ?? null, timeout: seconds(options.timeoutMs) };
    return this.run(userId, '/unzip', body, options, `unpacking ${path}`);
  }

  /** Deletes one file in the workspace (the service's `DELETE /file`). */
  async deleteFile(userId: string, path: string): Promise<ExecResult> {
    const started = Date.now();
    const result = await this.request(ExecutionResponse, `${this.userPath(userId)}/file`, {
      method: 'DELETE',
      query: { path },
      doing: `deleting ${path}`,
    });
    return toExecResult(result, started);
  }

  async destroy(userId: string): Promise<void> {
    await this.request(ErrorBodyOrStatus, this.userPath(userId), {
      method: 'DELETE',
      doing: 'removing the sandbox',
    });
  }

  async stats(): Promise<Record<string, unknown>> {
    const info = await this.request(InfoResponse, '/info', { doing: 'reading its status' });
    return { ...info, url: this.where };
  }

  async close(): Promise<void> {
    // Nothing held open: each call is one HTTP request.
  }

  private async run(
    userId: string,
    action: string,
    body: Record<string, unknown>,
    options: RunOptions,
    doing: string,
  ): Promise<ExecResult> {
    const started = Date.now();
    const result = await this.request(ExecutionResponse, `${this.userPath(userId)}${action}`, {
      method: 'POST',
      body,
      timeoutMs: options.timeoutMs + RUN_MARGIN_MS,
      signal: options.signal,
      doing,
    });
    return toExecResult(result, started);
  }

  private userPath(userId: string): string {
    return `/sandbox/${encodeURIComponent(userId)}`;
  }

  private async request<T extends z.ZodType>(
    schema: T,
    path: string,
    options: RequestOptions,
  ): Promise<z.output<T>> {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'X-API-Key': this.options.apiKey, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.basicAuth) headers.authorization = this.basicAuth;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted)
        throw new SandboxError('timeout', `Stopped ${options.doing}: the request was cancelled.`);
      if (timeout.aborted) {
        throw new SandboxError(
          'timeout',
          `The sandbox service at ${this.where} did not answer within ${seconds(timeoutMs)} s while ${options.doing}.`,
        );
      }
      const reason = networkReason(error);
      if (BROKEN.has(errorCode(error))) {
        throw new SandboxError(
          'unavailable',
          `The connection to the sandbox service at ${this.where} broke while ${options.doing} (${reason}): the service stopped or restarted, and the result is lost. Try again once it is back.`,
        );
      }
      throw new SandboxError(
        'unavailable',
        `Cannot reach the sandbox service at ${this.where} (${reason}). Check SANDBOX_API_URL and that the service is running.`,
      );
    }
    if (!response.ok) throw this.httpError(response.status, text, options.doing);
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new SandboxError(
        'backend',
        `The sandbox service sent a reply that is not JSON while ${options.doing}.`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new SandboxError(
        'backend',
        `The sandbox service sent an unexpected reply while ${options.doing}.`,
      );
    }
    return parsed.data;
  }

  private httpError(status: number, text: string, doing: string): SandboxError {
    const body = parseErrorBody(text);
    const detail = this.scrub(body?.error ?? text.trim().slice(0, 500));
    const code = body?.code;
    if (status === 401 || status === 403) {
      return new SandboxError(
        'auth',
        `The sandbox service at ${this.where} rejected the API key (${status}). Set SANDBOX_API_KEY to the service's key.`,
      );
    }
    if (status === 404) {
      return new SandboxError('not_found', detail || 'Sandbox not found.');
    }
    if (status === 503) {
      return new SandboxError(
        'unavailable',
        `The sandbox service is unavailable: ${detail || 'no details given'}`,
      );
    }
    if (status === 429) {
      return new SandboxError('unavailable', `The sandbox service is rate limiting requests: ${detail}`);
    }
    if (status === 413)
      return new SandboxError('too_large', detail || 'The file is too large for the sandbox service.');
    if (isSandboxErrorCode(code) && code !== 'auth') return new SandboxError(code, detail);
    return new SandboxError(
      'backend',
      `Sandbox API error (${status}) while ${doing}: ${detail || 'no details given'}`,
    );
  }

  private scrub(text: string): string {
    return text.split(this.options.apiKey).join('***');
  }
}

/** DELETE answers `{status, files_preserved}`; only success matters. */
const ErrorBodyOrStatus = ErrorBody.partial().loose();

function parseErrorBody(text: string): { error: string; code?: string } | undefined {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toExecResult(result: ExecutionResponse, started: number): ExecResult {
  const out: ExecResult = {
    ok: result.success,
    output: result.output,
    durationMs:
      typeof result.execution_time === 'number'
        ? Math.round(result.execution_time * 1000)
        : Date.now() - started,
  };
  if (result.error) out.error = result.error;
  if (typeof result.exit_code === 'number') out.exitCode = result.exit_code;
  if (result.timed_out) out.timedOut = true;
  if (result.truncated) out.truncated = true;
  return out;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Failures of a connection that was open: the service went away with the request in flight. */
const BROKEN = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

function errorCode(error: unknown): string {
  return (error as { cause?: { code?: string } }).cause?.code ?? '';
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
  return error instanceof Error ? error.message : String(error);
}
