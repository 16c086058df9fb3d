import pino, { type Logger } from 'pino';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'ill' } });
}

/**
 * Installs this process's Temporal runtime with a logger that keeps the SDK's entries from `level`
 * up and hands them to `write` (by default, formatted to stderr). Once per process, before any
 * connection or worker: the first of those creates the runtime with an INFO logger otherwise.
 */
export function installTemporalLogger(level: LogLevel, write?: (entry: LogEntry) => void): void {
  Runtime.install({ logger: new DefaultLogger(level, write) });
}

const TEMPORAL_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/** Sends the Temporal SDK's own logging (worker state, workflow bundling) through the service's logger. */
export function routeTemporalLogs(log: Logger): void {
  installTemporalLogger(TEMPORAL_LEVELS[log.level] ?? 'ERROR', ({ level, message, meta }) => {
    log[level.toLowerCase() as Lowercase<LogLevel>]({ temporal: meta }, message);
  });
}
