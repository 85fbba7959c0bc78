/**
 * Files on local disk under `CLARA_FILES_DIR`: `<root>/<user>/<file>` or `<root>/<user>/<channel>/<file>`
 * (spec §7.2). Names are sanitised into single segments; on top of that every folder below the root is checked
 * with lstat (a symbolic link is refused, never followed), files are opened with O_NOFOLLOW, and the final path
 * is checked to sit directly in the namespace's folder. Saves are atomic (temporary file, then rename).
 */
import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { checkSize, contentTypeFor, namespaceSegments, sanitizeFileName } from './names.js';
import {
  type FileNamespace,
  type FileStore,
  FileStoreError,
  type StoredFile,
  type StoredFileInfo,
} from './types.js';

export interface LocalFileStoreOptions {
  /** `CLARA_FILES_DIR`, already resolved by the caller. */
  root: string;
  /** `CLARA_MAX_FILE_SIZE` in bytes. */
  maxFileSize: number;
}

const errno = (error: unknown): string | undefined =>
  error instanceof Error && !(error instanceof FileStoreError) && 'code' in error
    ? String((error as NodeJS.ErrnoException).code)
    : undefined;

const LINK_REFUSED = (name: string) =>
  new FileStoreError(
    'unsafe_path',
    `${name} is a symbolic link; Clara does not follow links in the file storage. An admin can remove it.`,
  );

export class LocalFileStore implements FileStore {
  readonly kind = 'local' as const;
  readonly maxFileSize: number;
  private readonly root: string;

  constructor(options: LocalFileStoreOptions) {
    this.root = path.resolve(options.root);
    this.maxFileSize = options.maxFileSize;
  }

  describe(): string {
    return `local folder ${this.root}`;
  }

  save(namespace: FileNamespace, name: string, content: Buffer): Promise<StoredFileInfo> {
    return this.guard('save', () => this.saveFile(namespace, name, content));
  }

  read(namespace: FileNamespace, name: string): Promise<StoredFile> {
    return this.guard('read', () => this.readFile(namespace, name));
  }

  list(namespace: FileNamespace): Promise<StoredFileInfo[]> {
    return this.guard('list', () => this.listFiles(namespace));
  }

  delete(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    return this.guard('delete', () => this.deleteFile(namespace, name));
  }

  stat(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    return this.guard('stat', () => this.statFile(namespace, name));
  }

  /** Disk errors (permissions, a full disk …) become `unavailable` with what to check, not a raw stack. */
  private async guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof FileStoreError) throw error;
      const code = errno(error);
      throw new FileStoreError(
        'unavailable',
        `Local storage could not ${operation} the file${code ? ` (${code})` : ''}: check that Clara can write ` +
          `CLARA_FILES_DIR (${this.root}) and that the disk has room.`,
        { cause: error },
      );
    }
  }

  private async saveFile(namespace: FileNamespace, name: string, content: Buffer): Promise<StoredFileInfo> {
    const safe = sanitizeFileName(name);
    checkSize(safe, content.length, this.maxFileSize);
    const folder = await this.folder(namespace, true);
    if (!folder)
      throw new FileStoreError('unavailable', `The storage folder ${this.root} could not be created.`);
    const target = this.inside(folder, safe);
    await this.refuseLink(target, safe);
    const temporary = path.join(folder, `.${safe}.${randomUUID()}.tmp`);
    const handle = await open(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await handle.writeFile(content);
      await handle.close();
      await rename(temporary, target);
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
      throw error;
    }
    return this.statFile(namespace, safe);
  }

  private async readFile(namespace: FileNamespace, name: string): Promise<StoredFile> {
    const safe = sanitizeFileName(name);
    const folder = await this.folder(namespace, false);
    if (!folder) throw notFound(safe);
    const target = this.inside(folder, safe);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // O_NONBLOCK: a FIFO planted in the folder cannot hang the read.
      handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if (errno(error) === 'ENOENT') throw notFound(safe);
      if (errno(error) === 'ELOOP') throw LINK_REFUSED(safe);
      throw error;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw notAFile(safe);
      checkSize(safe, stats.size, this.maxFileSize);
      const content = await handle.readFile();
      return { ...info(safe, stats), size: content.length, content };
    } finally {
      await handle.close();
    }
  }

  private async listFiles(namespace: FileNamespace): Promise<StoredFileInfo[]> {
    const folder = await this.folder(namespace, false);
    if (!folder) return [];
    const entries = await readdir(folder, { withFileTypes: true });
    const files: StoredFileInfo[] = [];
    for (const entry of entries) {
      // Regular files only: no folders (channel namespaces), no links, no temporary or hidden files.
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      try {
        files.push(info(entry.name, await lstat(path.join(folder, entry.name))));
      } catch (error) {
        if (errno(error) !== 'ENOENT') throw error;
      }
    }
    return files.sort((a, b) => b.modified.getTime() - a.modified.getTime() || a.name.localeCompare(b.name));
  }

  private async deleteFile(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    const found = await this.statFile(namespace, name);
    const folder = await this.folder(namespace, false);
    if (!folder) throw notFound(found.name);
    try {
      await unlink(this.inside(folder, found.name));
    } catch (error) {
      if (errno(error) === 'ENOENT') throw notFound(found.name);
      throw error;
    }
    return found;
  }

  private async statFile(namespace: FileNamespace, name: string): Promise<StoredFileInfo> {
    const safe = sanitizeFileName(name);
    const folder = await this.folder(namespace, false);
    if (!folder) throw notFound(safe);
    let stats: Stats;
    try {
      stats = await lstat(this.inside(folder, safe));
    } catch (error) {
      if (errno(error) === 'ENOENT') throw notFound(safe);
      throw error;
    }
    if (stats.isSymbolicLink()) throw LINK_REFUSED(safe);
    if (!stats.isFile()) throw notAFile(safe);
    return info(safe, stats);
  }

  /**
   * The namespace's folder, walked one segment at a time from the root with lstat: a link or a non-folder on the
   * way is refused. Returns null when it does not exist and `create` is false.
   */
  private async folder(namespace: FileNamespace, create: boolean): Promise<string | null> {
    const segments = namespaceSegments(namespace);
    if (create) await mkdir(this.root, { recursive: true, mode: 0o700 });
    let realRoot: string;
    try {
      realRoot = await realpath(this.root);
    } catch (error) {
      if (errno(error) === 'ENOENT') return null;
      throw error;
    }
    let current = realRoot;
    for (const segment of segments) {
      current = path.join(current, segment);
      let stats: Stats | undefined;
      try {
        stats = await lstat(current);
      } catch (error) {
        if (errno(error) !== 'ENOENT') throw error;
      }
      if (!stats) {
        if (!create) return null;
        await mkdir(current, { mode: 0o700 }).catch((error: unknown) => {
          if (errno(error) !== 'EEXIST') throw error;
        });
        stats = await lstat(current);
      }
      if (stats.isSymbolicLink()) throw LINK_REFUSED(`The folder ${segment}`);
      if (!stats.isDirectory()) {
        throw new FileStoreError('unsafe_path', `The storage folder ${segment} is not a folder.`);
      }
    }
    const resolved = await realpath(current);
    if (!isInside(realRoot, resolved)) {
      throw new FileStoreError(
        'unsafe_path',
        'The storage folder resolves outside CLARA_FILES_DIR; refused.',
      );
    }
    return resolved;
  }

  /** `folder/name`, checked to be a direct child of the folder (the name is one sanitised segment). */
  private inside(folder: string, safeName: string): string {
    const target = path.resolve(folder, safeName);
    if (path.dirname(target) !== folder || path.basename(target) !== safeName) {
      throw new FileStoreError(
        'unsafe_path',
        `The file name ${safeName} does not stay in its folder; refused.`,
      );
    }
    return target;
  }

  private async refuseLink(target: string, safe: string): Promise<void> {
    let stats: Stats;
    try {
      stats = await lstat(target);
    } catch (error) {
      if (errno(error) === 'ENOENT') return;
      throw error;
    }
    if (stats.isSymbolicLink()) throw LINK_REFUSED(safe);
    if (!stats.isFile()) throw notAFile(safe);
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function info(name: string, stats: Stats): StoredFileInfo {
  return { name, size: stats.size, contentType: contentTypeFor(name), modified: stats.mtime };
}

function notFound(name: string): FileStoreError {
  return new FileStoreError('not_found', `File not found: ${name}`);
}

function notAFile(name: string): FileStoreError {
  return new FileStoreError('unsafe_path', `${name} is not a regular file.`);
}
