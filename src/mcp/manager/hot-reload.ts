/**
 * Hot reload of local servers: watches a folder recursively and calls back once changes have been quiet for the
 * debounce time (new events reset the timer). `.git` and `node_modules` are ignored, and so is the server's own
 * config.json when the watched folder is its config folder (Clara writes status there).
 */
import { type FSWatcher, watch } from 'node:fs';

export interface FolderWatcherOptions {
  debounceMs: number;
  /** The folder also holds the server's config.json. */
  ignoreConfigFile: boolean;
  onChange(file: string): void;
  onError(error: Error): void;
}

export class FolderWatcher {
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | undefined;

  /** Throws when the folder cannot be watched (missing, or too many watches). */
  constructor(
    readonly dir: string,
    options: FolderWatcherOptions,
  ) {
    this.watcher = watch(dir, { recursive: true }, (_event, filename) => {
      const file = filename ? String(filename) : '';
      if (/(^|[\\/])(\.git|node_modules)([\\/]|$)/.test(file)) return;
      if (options.ignoreConfigFile && /^config\.json/.test(file)) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        options.onChange(file);
      }, options.debounceMs);
      this.timer.unref();
    });
    this.watcher.on('error', (error) => options.onError(error));
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher.close();
  }
}
