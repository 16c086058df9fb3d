// How the adapters of JSON-over-HTTP suppliers (vendors, the open-access resolver, the CALIS e-book
// platform) call them: credentials from the environment, a deadline on every call, and each failure
// sorted into one the supplier may get over (thrown as it is, so the activity retries) or one it
// never will (PermanentSupplierError).
import type { Money } from '../domain/request';
import type { SupplierAuth } from '../rules/types';
import { PermanentSupplierError } from './adapter';

/** Where the secrets a supplier's `auth` names are read: the process environment unless a test passes its own. */
export type Env = Record<string, string | undefined>;

export interface HttpOptions {
  env?: Env;
  /** How long one call may take, its answer read in full. */
  timeoutMs?: number;
}

// A send makes at most two calls and then replies; with 5 s each it ends inside the send activity's
// 15 s, so a slow supplier is retried by the activity rather than cut off by Temporal mid-call.
const DEFAULT_TIMEOUT_MS = 5_000;

/** The supplier's system: its configured endpoint and credentials. */
export interface Target {
  endpoint?: string;
  auth?: SupplierAuth;
}

export interface Call {
  method: 'GET' | 'POST';
  /** Appended to the endpoint, query string included. */
  path: string;
  body?: unknown;
  /** An XML document to send instead of a JSON body (ISO 18626); the answer comes back as text. */
  xml?: string;
  /** The order or notice key: the supplier answers a repeat as it answered the first, and acts once. */
  idempotencyKey?: string;
  /** Statuses besides 2xx that the caller reads itself, such as 404 for an item not held. */
  answers?: number[];
}

export interface Answer {
  status: number;
  /** The parsed JSON, or the text when it was not JSON. */
  body: unknown;
}

// Timeouts, throttling and server errors pass; the rest of 4xx will be answered the same way however often asked.
const mayPass = (status: number) => status === 408 || status === 429 || status >= 500;

function secret(env: Env, name: string): string {
  const value = env[name];
  // Retrying in this process cannot make the variable appear.
  if (!value) throw new PermanentSupplierError(`the credential variable ${name} is not set`);
  return value;
}

function authorization(auth: SupplierAuth, env: Env): string {
  if (auth.type === 'bearer') return `Bearer ${secret(env, auth.tokenEnv)}`;
  return `Basic ${Buffer.from(`${secret(env, auth.userEnv)}:${secret(env, auth.passwordEnv)}`).toString('base64')}`;
}

/** What a supplier said in an error answer: `{"error": {"message"}}` in our contracts, `{"message"}` in Unpaywall's. */
export function supplierSays(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 200) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: { message?: unknown }; message?: unknown };
  if (typeof error?.message === 'string') return error.message;
  return typeof message === 'string' ? message : undefined;
}

export const isMoney = (value: unknown): value is Money =>
  typeof value === 'object' && value !== null && typeof (value as Money).amount === 'number' && typeof (value as Money).currency === 'string';

/** A 2xx answer the contract does not describe: a proxy's page or a half-deployed supplier may be gone on the next try. */
export function unexpected(call: Call, body: unknown): Error {
  return new Error(`${call.method} ${call.path}: unexpected answer ${JSON.stringify(body)?.slice(0, 200)}`);
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Makes one call and returns a 2xx answer or one the caller reads itself; throws any other as
 * retryable (no answer in time, no connection, 408, 429, 5xx) or as a PermanentSupplierError
 * (credentials refused, a request the supplier will never take).
 */
export async function callSupplier(target: Target, call: Call, { env = process.env, timeoutMs = DEFAULT_TIMEOUT_MS }: HttpOptions = {}): Promise<Answer> {
  if (!target.endpoint) throw new PermanentSupplierError('no endpoint is configured');
  const url = `${target.endpoint.replace(/\/+$/, '')}${call.path}`;
  const what = `${call.method} ${url}`;
  const headers: Record<string, string> = { accept: call.xml === undefined ? 'application/json' : 'application/xml' };
  if (target.auth) headers.authorization = authorization(target.auth, env);
  if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.xml !== undefined) headers['content-type'] = 'application/xml; charset=utf-8';
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: call.method,
      headers,
      body: call.xml ?? (call.body === undefined ? undefined : JSON.stringify(call.body)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') throw new Error(`${what}: no answer within ${timeoutMs} ms`, { cause: error });
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new Error(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause: error });
  }
  const body = call.xml === undefined ? parse(text) : text;
  if ((status >= 200 && status < 300) || call.answers?.includes(status)) return { status, body };
  const said = supplierSays(body);
  const message = `${what}: HTTP ${status}${said ? ` ${said}` : ''}`;
  if (mayPass(status)) throw new Error(message);
  throw new PermanentSupplierError(message);
}
