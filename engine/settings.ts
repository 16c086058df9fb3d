import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseFaultRates, type FaultRates } from '../simulator/world';

/** A setting the operator gave that the service cannot use; printed as one line naming the setting. */
export class SettingError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
    this.name = 'SettingError';
  }
}

export interface Settings {
  host: string;
  port: number;
  /** An existing Temporal cluster; absent means start a development server under `dataDir`. */
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  /** A PostgreSQL server; absent means an embedded PGlite database under `dataDir`. */
  databaseUrl?: string;
  /** A schema of its own in that server, so several networks or test runs can share one. */
  databaseSchema?: string;
  configDir: string;
  dataDir: string;
  devTemporalPort: number;
  devTemporalUiPort: number;
  authSecret?: string;
  logLevel: string;
  /**
   * Requests a worker keeps in memory between their steps. Each costs a fraction of a MiB; a request
   * not cached replays its history when it next moves, so keep it above the requests moving at once.
   */
  workflowCacheSize: number;
  /** The network's own ISO 18626 agency id, `TYPE:VALUE`: what peers address it by. */
  agencyId: string;
  /** Where peers reach this service (ISO 18626 answers come to `<publicUrl>/iso18626`). */
  publicUrl: string;
  /** Given to services that ask who is calling, such as the open-access resolver. */
  contactEmail: string;
  /** The mail server readers' notices go through (`smtp://` or `smtps://`); absent, they are kept under `dataDir/mail`. */
  smtpUrl?: string;
  /** Who readers' mail comes from. */
  mailFrom: string;
  /** Whether `npm start` also serves the supplier simulator on the port the shipped endpoints name. */
  simulator: boolean;
  /** How often each of the simulator's faults strikes. */
  simulatorFaults: FaultRates;
  /**
   * Whether the workbench offers ready-made identities to sign in with: on embedded defaults only,
   * unless `ILL_DEV_SIGN_IN` says otherwise, since anyone reaching the page could act as any role.
   */
  devSignIn: boolean;
  /** The Temporal web UI, for links to requests' workflows; absent, the workbench shows none. */
  temporalUiUrl?: string;
}

type Env = Record<string, string | undefined>;

/** Enough for a network's requests moving at once on one worker, and about 500 MiB of worker at most. */
export const DEFAULT_WORKFLOW_CACHE_SIZE = 1_000;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new SettingError(name, `"${raw}" is not a port number (1-65535)`);
  }
  return Number(raw);
}

function hostPort(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d+)$/.exec(raw);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new SettingError(name, `"${raw}" is not HOST:PORT (for example 127.0.0.1:7233)`);
  }
  return raw;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError('DATABASE_URL', 'is not a URL (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new SettingError('DATABASE_URL', `scheme "${url.protocol.replace(/:$/, '')}" is not supported (expected postgres://)`);
  }
  return raw;
}

function directory(env: Env, name: string, fallback: string, mustExist: boolean): string {
  const dir = path.resolve(env[name] || fallback);
  if (mustExist && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new SettingError(name, `${dir} is not a directory`);
  }
  if (!mustExist && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new SettingError(name, `${dir} exists and is not a directory`);
  }
  return dir;
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new SettingError(name, `"${raw}" is not a whole number of 1 or more`);
  return Number(raw);
}

function matching(env: Env, name: string, fallback: string, pattern: RegExp, expected: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!pattern.test(raw)) throw new SettingError(name, `"${raw}" is not ${expected}`);
  return raw;
}

function url(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^https?:\/\/\S+$/.test(raw) || !URL.canParse(raw)) throw new SettingError(name, `"${raw}" is not an http or https URL`);
  return raw.replace(/\/+$/, '');
}

function smtpUrl(env: Env): string | undefined {
  const raw = env.SMTP_URL;
  if (raw === undefined || raw === '') return undefined;
  if (!/^smtps?:\/\/\S+$/.test(raw) || !URL.canParse(raw)) throw new SettingError('SMTP_URL', `"${redactUrl(raw)}" is not an smtp:// or smtps:// URL`);
  return raw;
}

function faultRates(env: Env): FaultRates {
  try {
    return parseFaultRates(env.ILL_SIMULATOR_FAULTS);
  } catch (error) {
    throw new SettingError('ILL_SIMULATOR_FAULTS', (error as Error).message);
  }
}

function nonEmpty(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined) return fallback;
  if (!/^[A-Za-z0-9._-]+$/.test(raw)) throw new SettingError(name, `"${raw}" must be letters, digits, '.', '_' or '-'`);
  return raw;
}

/** Reads the service's settings from the environment; every mistake names the variable. */
export function readSettings(env: Env = process.env): Settings {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new SettingError('LOG_LEVEL', `"${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const authSecret = env.ILL_AUTH_SECRET || undefined;
  if (authSecret !== undefined && authSecret.length < 32) {
    throw new SettingError('ILL_AUTH_SECRET', 'must be at least 32 characters');
  }
  const host = env.HOST || '127.0.0.1';
  const listenPort = port(env, 'PORT', 3000);
  const contactEmail = matching(env, 'ILL_CONTACT_EMAIL', 'ill@localhost', /^[^\s@]+@[^\s@]+$/, 'an e-mail address');
  return {
    host,
    port: listenPort,
    temporalAddress: hostPort(env, 'TEMPORAL_ADDRESS'),
    temporalNamespace: nonEmpty(env, 'TEMPORAL_NAMESPACE', 'default'),
    taskQueue: nonEmpty(env, 'ILL_TASK_QUEUE', 'ill-requests'),
    databaseUrl: databaseUrl(env),
    databaseSchema: env.DATABASE_SCHEMA ? nonEmpty(env, 'DATABASE_SCHEMA', '') : undefined,
    configDir: directory(env, 'ILL_CONFIG_DIR', 'config', true),
    dataDir: directory(env, 'ILL_DATA_DIR', 'data', false),
    devTemporalPort: port(env, 'ILL_TEMPORAL_DEV_PORT', 7233),
    devTemporalUiPort: port(env, 'ILL_TEMPORAL_UI_PORT', 8233),
    authSecret,
    logLevel,
    workflowCacheSize: count(env, 'ILL_WORKFLOW_CACHE_SIZE', DEFAULT_WORKFLOW_CACHE_SIZE),
    agencyId: matching(env, 'ILL_AGENCY_ID', 'ISIL:CN-CALIS', /^[A-Za-z0-9]+:[^\s:]+$/, 'TYPE:VALUE, for example ISIL:CN-CALIS'),
    publicUrl: url(env, 'ILL_PUBLIC_URL', `http://${host}:${listenPort}`),
    contactEmail,
    smtpUrl: smtpUrl(env),
    mailFrom: matching(env, 'MAIL_FROM', `CALIS ILL <${contactEmail}>`, /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an e-mail address, or Name <address>'),
    simulator: matching(env, 'ILL_SIMULATOR', 'off', /^(on|off)$/, 'on or off') === 'on',
    simulatorFaults: faultRates(env),
    devSignIn: matching(env, 'ILL_DEV_SIGN_IN', !env.TEMPORAL_ADDRESS && !env.DATABASE_URL ? 'on' : 'off', /^(on|off)$/, 'on or off') === 'on',
    temporalUiUrl: env.ILL_TEMPORAL_UI_URL ? url(env, 'ILL_TEMPORAL_UI_URL', '') : undefined,
  };
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable URL)';
  }
}
