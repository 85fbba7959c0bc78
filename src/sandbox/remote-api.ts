/**
 * The wire format of the sandbox service API (spec §6.3.2), shared by the client (`RemoteBackend`) and the
 * service (`clara sandbox-service`). Field names keep the original's snake_case so either side can talk to the
 * original Python service or client.
 */
import { z } from 'zod';
import type { SandboxErrorCode } from './types.js';

/** User ids the service accepts in URLs: they become folder and container names, so no slashes or dots first. */
export const SAFE_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export const ExecuteRequest = z.object({
  code: z.string().min(1, 'code is empty'),
  description: z.string().max(1000).optional(),
  timeout: z.number().positive().optional(),
});
export const ShellRequest = z.object({
  command: z.string().min(1, 'command is empty'),
  timeout: z.number().positive().optional(),
});
export const PipInstallRequest = z.object({
  package: z.string().min(1, 'package is empty').max(500),
  timeout: z.number().positive().optional(),
});
export const WriteFileRequest = z.object({
  path: z.string().min(1, 'path is empty').max(4096),
  content: z.string(),
  encoding: z.enum(['utf-8', 'base64']).default('utf-8'),
});
export const UnzipRequest = z.object({
  path: z.string().min(1, 'path is empty').max(4096),
  destination: z.string().max(4096).nullish(),
  timeout: z.number().positive().optional(),
});
export const CreateRequest = z
  .object({
    image: z.string().optional(),
    memory_limit: z.string().optional(),
    cpu_limit: z.number().min(0.1).max(4).optional(),
  })
  .optional();

export const ExecutionResponse = z.object({
  success: z.boolean().default(true),
  output: z.string().default(''),
  error: z.string().nullish(),
  exit_code: z.number().int().nullish(),
  execution_time: z.number().nullish(),
  timed_out: z.boolean().optional(),
  truncated: z.boolean().optional(),
});
export type ExecutionResponse = z.infer<typeof ExecutionResponse>;

export const FileResponse = z.object({
  path: z.string().optional(),
  content: z.string(),
  encoding: z.enum(['utf-8', 'base64']).default('utf-8'),
  size: z.number().optional(),
});
export type FileResponse = z.infer<typeof FileResponse>;

export const HealthResponse = z.object({
  status: z.string(),
  docker: z.boolean().optional(),
  backend: z.string().optional(),
  version: z.string().optional(),
  reason: z.string().optional(),
});

export const SandboxInfoResponse = z.object({
  user_id: z.string(),
  container_id: z.string().nullish(),
  status: z.string(),
  created_at: z.string(),
  last_used: z.string(),
  execution_count: z.number(),
  memory_usage_mb: z.number().nullish(),
  cpu_percent: z.number().nullish(),
});
export type SandboxInfoResponse = z.infer<typeof SandboxInfoResponse>;

export const InfoResponse = z.looseObject({
  version: z.string(),
  available: z.boolean(),
  backend: z.string().optional(),
  active_sandboxes: z.number(),
  max_sandboxes: z.number(),
});

/** Error bodies: `{error}` as in the original, plus our `code` so the client can keep the reason. */
export const ErrorBody = z.object({ error: z.string(), code: z.string().optional() });

const ERROR_CODES: readonly SandboxErrorCode[] = [
  'unavailable',
  'not_found',
  'too_large',
  'invalid_path',
  'timeout',
  'auth',
  'backend',
];

export function isSandboxErrorCode(value: unknown): value is SandboxErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** HTTP status the service answers with for each error code. */
export const STATUS_OF: Readonly<Record<SandboxErrorCode, number>> = {
  unavailable: 503,
  not_found: 404,
  too_large: 413,
  invalid_path: 400,
  timeout: 504,
  auth: 401,
  backend: 500,
};
