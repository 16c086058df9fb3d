import pino, { type Logger } from 'pino';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'ill' } });
}

const TEMPORAL_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/** Sends the Temporal SDK's own logging (worker state, workflow bundling) through the service's logger. */
export function routeTemporalLogs(log: Logger): void {
  const level = TEMPORAL_LEVELS[log.level] ?? 'ERROR';
  Runtime.install({
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      log[entryLevel.toLowerCase() as Lowercase<LogLevel>]({ temporal: meta }, message);
    }),
  });
}
