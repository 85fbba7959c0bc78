/** Backups in a local folder: key `backups/<db>/<name>` is the file `<root>/<db>/<name>`. */
import { constants } from 'node:fs';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BACKUP_PREFIX } from './names.js';
import type { BackupMetadata, BackupStore, StoredBackupObject } from './store.js';
import { BackupError } from './types.js';

export class LocalBackupStore implements BackupStore {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  describe(): string {
    return `local folder ${this.root}`;
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.W_OK);
    } catch (error) {
      throw new BackupError(
        `The backup folder ${this.root} is not writable (${(error as Error).message}). ` +
          'Set BACKUP_DIR to a writable folder, or set S3_ACCESS_KEY and S3_SECRET_KEY to back up to S3.',
      );
    }
  }

  async put(
    key: string,
    file: string,
    _metadata: BackupMetadata,
  ): Promise<{ location: string; bytes: number }> {
    const target = this.locate(key);
    await mkdir(dirname(target), { recursive: true });
    // Copy beside the target first, so a reader never sees half a backup under the final name.
    const partial = `${target}.partial`;
    await copyFile(file, partial);
    await rename(partial, target);
    return { location: target, bytes: (await stat(target)).size };
  }

  async list(prefix: string): Promise<StoredBackupObject[]> {
    const dir = this.locate(prefix);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const objects: StoredBackupObject[] = [];
    for (const name of names) {
      if (name.endsWith('.partial')) continue;
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (!info?.isFile()) continue;
      objects.push({ key: `${prefix}${name}`, bytes: info.size, modified: info.mtime });
    }
    return objects;
  }

  async delete(key: string): Promise<void> {
    await rm(this.locate(key), { force: true });
  }

  async download(key: string, file: string): Promise<void> {
    try {
      await copyFile(this.locate(key), file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BackupError(`No backup at ${this.locate(key)}.`);
      }
      throw error;
    }
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.locate(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    const target = this.locate(key);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.partial`, text);
    await rename(`${target}.partial`, target);
  }

  locate(key: string): string {
    const relative = key.startsWith(`${BACKUP_PREFIX}/`) ? key.slice(BACKUP_PREFIX.length + 1) : key;
    const path = resolve(this.root, relative);
    if (path !== this.root && !path.startsWith(`${this.root}/`)) {
      throw new BackupError(`Backup key ${key} points outside the backup folder.`);
    }
    return path;
  }

  close(): void {}
}
