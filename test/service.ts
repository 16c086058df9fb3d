import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import pino, { type Logger } from 'pino';
import type { Role } from '../engine/auth/tokens';
import { freePort } from '../engine/net';
import { startService, type RunningService } from '../engine/service';
import type { SupplierAdapter } from '../adapters/adapter';
import { createManualAdapter } from '../adapters/manual';
import type { AdapterName } from '../rules/types';
import type { IllRequest } from '../domain/request';
import { readSettings } from '../engine/settings';
import { eventually } from './eventually';

export interface TestService {
  service: RunningService;
  /** The request as its reader or librarian sees it, once `check` holds (within 20 s). */
  until(id: string, token: string, check: (body: Record<string, any>) => boolean): Promise<Record<string, any>>;
  token(role: Role, libraryId: string, subject?: string): Promise<string>;
  call(method: string, url: string, token?: string, body?: unknown, raw?: string): Promise<{ status: number; body: Record<string, any> }>;
}

/**
 * Suppliers whose orders wait in the outbox for staff to answer through the API, whatever their
 * adapter, but for the kinds named: the tests play the suppliers themselves.
 */
export const staffAnswered = (...except: AdapterName[]): Partial<Record<AdapterName, SupplierAdapter>> =>
  Object.fromEntries((['iso18626', 'vendor-ppv', 'open-access', 'calis-ebooks', 'manual'] as const).filter((name) => !except.includes(name)).map((name) => [name, createManualAdapter()]));

/** How a test calls the API at `url` (the service's root) and waits for a request to move. */
export function apiClient(url: string): Pick<TestService, 'call' | 'until'> {
  const call: TestService['call'] = async (method, path, token, body, raw) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  return {
    call,
    until: (id, token, check) =>
      eventually(
        async () => (await call('GET', `/api/requests/${id}`, token)).body,
        check,
        (body) => `request ${id} is ${body.status}: ${JSON.stringify(body.history?.slice(-3))}`,
      ),
  };
}

/** The whole service on the run's Temporal server, with a database of its own and silent logs unless given a logger. */
export async function startTestService(env: Record<string, string> = {}, adapters = staffAnswered(), log: Logger = pino({ level: 'silent' })): Promise<TestService> {
  const settings = readSettings({
    PORT: String(await freePort()),
    ILL_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'ill-service-')),
    ILL_TASK_QUEUE: `service-${randomUUID()}`,
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_SCHEMA: process.env.DATABASE_URL ? `s_${randomUUID().replaceAll('-', '')}` : undefined,
    ...env,
  });
  const service = await startService({ ...settings, temporalAddress: inject('temporalAddress') }, log, adapters);
  return {
    service,
    ...apiClient(service.url),
    token: (role, libraryId, subject = `${role}@${libraryId}`) => service.tokens.issue({ role, libraryId, subject }),
  };
}

/**
 * A shipped sample request (`config/requests/<name>.json`) under an id of its own, asked by a reader
 * of its own: one reader asking for the same document twice would be refused as a duplicate.
 */
export function sampleRequest(name: string, idSuffix: string): IllRequest {
  const { $schema: _schema, ...request } = JSON.parse(readFileSync(path.resolve(__dirname, '../config/requests', `${name}.json`), 'utf8'));
  return { ...request, id: `${request.id}-${idSuffix}`, requester: { ...request.requester, patronId: `${request.requester.patronId}-${idSuffix}` } };
}

export interface HeldTwice {
  request: IllRequest;
  /** The holding of the library the request was sent to, and of the one it was not. */
  own: { libraryId: string; callNumber: string; recordId: string };
  other: { libraryId: string; callNumber: string; recordId: string };
  /** The requesting library's token. */
  library: string;
  /** Its holding, as the desk of `supplierId` asks with `token`. */
  holding(supplierId: string, token: string): Promise<{ status: number; body: Record<string, any> }>;
}

/**
 * A loan of a book two libraries hold, each with its own call number, once sent to one of them and
 * that supplier's order stored: the order reaches its outbox with the send, after the request
 * shows it with the supplier.
 */
export async function sentToOneOfTwoHolders(app: TestService, request: IllRequest): Promise<HeldTwice> {
  const holdings = [
    { libraryId: 'whu', callNumber: 'I207.411/W-1', recordId: 'WHU-0001' },
    { libraryId: 'sysu', callNumber: 'I207.411/S-2', recordId: 'SYSU-0002' },
  ];
  const library = await app.token('librarian', request.requester.libraryId);
  const asked = await app.call('POST', '/api/requests', library, { ...request, holdings });
  if (asked.status !== 201) throw new Error(`the request was refused: ${JSON.stringify(asked.body)}`);
  const sent = await app.until(request.id, library, (body) => body.status === 'with-supplier');
  const own = holdings.find((holding) => holding.libraryId === sent.supplier.id);
  if (!own) throw new Error(`sent to ${sent.supplier.id}, not to a holder`);
  const other = holdings.find((holding) => holding !== own)!;
  const holding = (supplierId: string, token: string) => app.call('GET', `/api/suppliers/${supplierId}/requests/${request.id}/holding`, token);
  const desk = await app.token('supplier', own.libraryId);
  await eventually(() => holding(own.libraryId, desk), (answer) => answer.status === 200, (answer) => `the desk's holding answers ${answer.status}`);
  return { request, own, other, library, holding };
}
