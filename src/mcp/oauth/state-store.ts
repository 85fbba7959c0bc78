/**
 * OAuth state per remote server, one file `<MCP_OAUTH_DIR>/<server>.json` holding a Fernet token (key from
 * `loadOrCreateSecretKey`), so client secrets, tokens and PKCE verifiers are encrypted at rest. Files are written
 * atomically with mode 0600. A file that cannot be decrypted (another key) is reported, never silently replaced.
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FernetError, fernetDecrypt, fernetEncrypt } from '../../crypto/index.js';
import { KeyedLock } from '../../util/index.js';
import { assertServerName } from '../config/index.js';

const json = z.record(z.string(), z.unknown());

export const oauthStateSchema = z.object({
  serverUrl: z.string(),
  redirectUri: z.string().optional(),
  /** As the SDK saved it (includes its `issuer` stamp); never reshaped. */
  clientInformation: json.optional(),
  tokens: json.optional(),
  /** ISO time the access token expires; absent = no known expiry (manual tokens). */
  expiresAt: z.string().optional(),
  codeVerifier: z.string().optional(),
  /** The `state` of the authorization in progress, checked on the callback. */
  pendingState: z.string().optional(),
  pendingExpiresAt: z.string().optional(),
  /** The authorization URL of the flow in progress (shown again by mcp_oauth_status). */
  authorizationUrl: z.string().optional(),
  discovery: json.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OAuthState = z.infer<typeof oauthStateSchema>;

const fileSchema = z.object({ format: z.literal('clara-mcp-oauth-v1'), data: z.string() });

export class OAuthStateError extends Error {
  override name = 'OAuthStateError';
}

export interface OAuthStateStore {
  readonly dir: string;
  get(server: string): Promise<OAuthState | undefined>;
  /** Applies `change` to the current state (or a fresh one for `serverUrl`) and writes it. */
  update(server: string, serverUrl: string, change: (state: OAuthState) => OAuthState): Promise<OAuthState>;
  remove(server: string): Promise<void>;
  /** The server whose pending authorization has this `state`, if any. */
  findByPendingState(state: string): Promise<string | undefined>;
}

export function createOAuthStateStore(options: {
  dir: string;
  /** Clara's Fernet key, or a function that loads it on first use. */
  secretKey: string | (() => Promise<string>);
}): OAuthStateStore {
  const dir = path.resolve(options.dir);
  const secretKey = async () =>
    typeof options.secretKey === 'string' ? options.secretKey : options.secretKey();
  const locks = new KeyedLock();
  const fileOf = (server: string) => {
    assertServerName(server);
    return path.join(dir, `${server}.json`);
  };

  const locked = <T>(name: string, task: () => Promise<T>): Promise<T> => locks.run(name, task);

  async function read(server: string): Promise<OAuthState | undefined> {
    const file = fileOf(server);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OAuthStateError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    const key = await secretKey();
    try {
      const outer = fileSchema.parse(JSON.parse(text));
      const inner = JSON.parse(fernetDecrypt(key, outer.data).toString('utf8'));
      return oauthStateSchema.parse(inner);
    } catch (error) {
      const reason =
        error instanceof FernetError
          ? 'it was encrypted with another key (CLARA_SECRET_KEY changed?)'
          : `it is not a Clara OAuth state file (${(error as Error).message.slice(0, 120)})`;
      throw new OAuthStateError(
        `Cannot read the OAuth state ${file}: ${reason}. Delete it and authorise the server again.`,
      );
    }
  }

  async function write(server: string, state: OAuthState): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = fileOf(server);
    const body = {
      format: 'clara-mcp-oauth-v1',
      data: fernetEncrypt(await secretKey(), JSON.stringify(state)),
    };
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
    await rename(temp, file);
  }

  return {
    dir,
    get: (server) => read(server),
    update(server, serverUrl, change) {
      return locked(server, async () => {
        const now = new Date().toISOString();
        const current = (await read(server)) ?? { serverUrl, createdAt: now, updatedAt: now };
        const next = oauthStateSchema.parse({ ...change({ ...current }), updatedAt: now });
        await write(server, next);
        return next;
      });
    },
    remove(server) {
      return locked(server, () => rm(fileOf(server), { force: true }));
    },
    async findByPendingState(state) {
      let files: string[];
      try {
        files = await readdir(dir);
      } catch {
        return undefined;
      }
      for (const file of files) {
        if (!file.endsWith('.json')) continue;
        const server = file.slice(0, -5);
        const current = await read(server).catch(() => undefined);
        if (current?.pendingState && sameSecret(current.pendingState, state)) return server;
      }
      return undefined;
    },
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
