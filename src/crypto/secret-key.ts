/**
 * The key that encrypts Clara's own secrets at rest (MCP server env/headers, OAuth tokens): taken from env when set,
 * otherwise generated once and kept in a 0600 file in the data directory, with a warning that says how to move it
 * into the environment. A malformed key is refused with the variable's name and the fix.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateFernetKey, isFernetKey } from './fernet.js';

export interface LoadSecretKeyOptions {
  /** The env value (e.g. CLARA_SECRET_KEY); used when set. */
  envValue: string | undefined;
  /** The env var's name, for messages. */
  envName: string;
  /** Where a generated key is kept. */
  file: string;
  logger?: { warn(obj: object, msg: string): void };
}

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export async function loadOrCreateSecretKey(options: LoadSecretKeyOptions): Promise<string> {
  const { envValue, envName, file } = options;
  if (envValue !== undefined && envValue.trim() !== '') {
    if (!isFernetKey(envValue.trim())) {
      throw new SecretKeyError(
        `${envName} is not a valid key (32 bytes, URL-safe base64, 44 characters). Generate one with: clara keygen`,
      );
    }
    return envValue.trim();
  }
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (!isFernetKey(stored)) {
      throw new SecretKeyError(
        `The key file ${file} is damaged. Restore it from a backup, or set ${envName}; data encrypted with the old key cannot be read without it.`,
      );
    }
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateFernetKey();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      // Another process created it first: use theirs.
      if (error.code !== 'EEXIST') throw error;
    },
  );
  await chmod(file, 0o600).catch(() => undefined);
  const kept = (await readFile(file, 'utf8')).trim();
  options.logger?.warn(
    { file },
    `${envName} is not set: generated a new encryption key and stored it in the data directory. Back it up, or move it into ${envName}; without it, encrypted secrets cannot be read.`,
  );
  return kept;
}
