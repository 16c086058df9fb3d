import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { loadNetwork } from '../rules/load';
import { compile, type CompiledNetwork } from '../rules/route';
import type { NetworkConfig, Problem } from '../rules/types';

export interface LoadedNetwork {
  config: NetworkConfig;
  compiled: CompiledNetwork;
}

/** The configuration could not be loaded; each problem points at the file, line and column to fix. */
export class NetworkConfigError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: Problem[],
  ) {
    super(`${dir}: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}`);
  }
}

export type ReloadResult = { changed: boolean; version: string } | { changed: false; problems: Problem[] };

function load(dir: string): LoadedNetwork {
  const { config, problems } = loadNetwork(dir);
  if (!config) throw new NetworkConfigError(dir, problems);
  return { config, compiled: compile(config) };
}

export const formatProblem = ({ file, line, column, message }: Problem) => `${file}:${line}:${column}: ${message}`;

/**
 * The configuration in force. A new version replaces it only when it loads without a problem;
 * otherwise the previous one stays and the problems are reported. Decisions record the version.
 */
export class NetworkHolder {
  private loaded: LoadedNetwork;
  private watcher?: FSWatcher;

  constructor(
    readonly dir: string,
    private readonly log?: Logger,
  ) {
    this.loaded = load(dir);
  }

  current(): LoadedNetwork {
    return this.loaded;
  }

  reload(): ReloadResult {
    try {
      const next = load(this.dir);
      const changed = next.config.version !== this.loaded.config.version;
      if (changed) {
        this.loaded = next;
        this.log?.info({ version: next.config.version }, 'configuration reloaded');
      }
      return { changed, version: this.loaded.config.version };
    } catch (error) {
      if (!(error instanceof NetworkConfigError)) throw error;
      this.log?.warn({ dir: this.dir, problems: error.problems.map(formatProblem), version: this.loaded.config.version }, 'new configuration refused; previous version stays in force');
      return { changed: false, problems: error.problems };
    }
  }

  /** Reloads shortly after files under the directory change, so an editor's several writes count once. */
  watch(debounceMs = 300): void {
    let timer: NodeJS.Timeout | undefined;
    this.watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.reload(), debounceMs);
    });
    this.watcher.on('close', () => clearTimeout(timer));
  }

  close(): void {
    this.watcher?.close();
  }
}
