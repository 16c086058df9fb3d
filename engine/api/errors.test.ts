import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import createError from 'http-errors';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenError } from '../auth/tokens';
import { Refused } from '../refused';
import type { AuthState } from './authenticate';
import { INSTANT, MONEY, Routes, SAFE_ID, TEXT } from './contract';
import { errorResponses } from './errors';
import { HttpError } from './http-error';

// One place answers every failure as `{error: {status, message, problems?}}`: the contract's checks,
// the routes' own errors as other route modules write them, the network's refusals, tokens, the body parser.

let server: Server;
let url: string;
const logged: unknown[] = [];

const throwing: Record<string, () => never> = {
  'http-error': () => {
    throw new HttpError(418, 'no tea here', { problems: [{ path: '/body/tea', message: 'is cold' }], version: 'v1', status: 'with-supplier' });
  },
  refused: () => {
    throw new Refused('request r-1 is cancelled; it takes no more decisions or messages');
  },
  'refused-coded': () => {
    throw new Refused('request r-1 has no open review task (it is routing)', undefined, 'stale-task');
  },
  'refused-field': () => {
    throw new Refused("library 'nowhere' is not a member of the network", '/requester/libraryId');
  },
  token: () => {
    throw new TokenError('token has expired');
  },
  bug: () => {
    throw new Error('secret detail of a bug at /srv/engine.ts:12');
  },
};

beforeAll(async () => {
  const app = new Koa();
  app.use(errorResponses(pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) })));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1kb' }));
  app.use(async (ctx, next) => {
    ctx.state.caller = { subject: 'l@pku', role: 'librarian', libraryId: 'pku' };
    await next();
  });
  const routes = new Routes(new Router<AuthState>())
    .add(
      {
        method: 'post',
        path: '/things/:id',
        summary: 'Take a thing',
        roles: ['librarian'],
        query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'at'],
          properties: { kind: { enum: ['copy', 'loan'] }, at: INSTANT, cost: MONEY, note: { ...TEXT, maxLength: 5 }, supplierId: SAFE_ID },
        },
      },
      async (ctx, input) => {
        ctx.body = input;
      },
    )
    .add({ method: 'post', path: '/admin-only', summary: 'Reload the configuration', roles: ['administrator'] }, async () => undefined);
  for (const [name, fail] of Object.entries(throwing)) routes.add({ method: 'get', path: `/fail/${name}`, summary: name }, async () => fail());
  app.use(routes.router.routes()).use(routes.router.allowedMethods());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
});

async function call(method: string, path: string, body?: string) {
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error: { status: number; message: string; problems?: { path: string; message: string }[]; [key: string]: unknown } } };
}
const take = (body: unknown, path = '/things/t-1') => call('POST', path, JSON.stringify(body));

describe('fields at fault', () => {
  it('names every field, the first in the message', async () => {
    const answer = await take({ kind: 'fax', cost: { amount: -1, currency: 'yuan' }, colour: 'red' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('/body/at is required');
    expect(answer.body.error.problems).toEqual(
      expect.arrayContaining([
        { path: '/body/at', message: 'is required' },
        { path: '/body/colour', message: 'is not a field this route takes' },
        { path: '/body/kind', message: 'must be one of copy, loan' },
        { path: '/body/cost/amount', message: 'must be a number of 0 or more' },
        { path: '/body/cost/currency', message: 'must be an ISO 4217 code such as CNY' },
      ]),
    );
  });

  it('takes instants with their time zone only (RFC 3339)', async () => {
    for (const at of ['2026-12-07', '2026-12-07T09:30:00', '2026-12-07 09:30:00+08:00', '07/12/2026']) {
      expect((await take({ kind: 'copy', at })).body.error.problems, at).toEqual([{ path: '/body/at', message: expect.stringContaining('with its time zone (RFC 3339)') }]);
    }
    for (const at of ['2026-12-07T09:30:00+08:00', '2026-12-07T01:30:00Z', '2026-12-07T01:30:00.123Z']) expect((await take({ kind: 'copy', at })).status, at).toBe(200);
  });

  it('refuses ids that could climb out of a path or a workflow id, in the path and in the body', async () => {
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z' }, '/things/..%2F..%2Fetc')).body.error.problems).toEqual([{ path: '/params/id', message: expect.stringContaining('must be an id of at most 128 letters') }]);
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z', supplierId: '../../etc' })).body.error.message).toMatch(/^\/body\/supplierId must be an id/);
  });

  it('words a pattern by what it means, and a length by its limit', async () => {
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z', note: '  ' })).body.error.message).toBe('/body/note must not be blank');
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z', note: 'longer' })).body.error.message).toBe('/body/note must be at most 5 characters');
  });

  it('reads numbers from the query as the schema says, and refuses what it does not take', async () => {
    const ok = await take({ kind: 'copy', at: '2026-12-07T01:30:00Z' }, '/things/t-1?limit=20');
    expect(ok).toMatchObject({ status: 200, body: { query: { limit: 20 } } });
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z' }, '/things/t-1?limit=0')).body.error.message).toBe('/query/limit must be a number of 1 or more');
    expect((await take({ kind: 'copy', at: '2026-12-07T01:30:00Z' }, '/things/t-1?sort=asc')).body.error.problems).toEqual([{ path: '/query/sort', message: 'is not a field this route takes' }]);
  });

  it('refuses a role the contract does not name before reading anything', async () => {
    expect(await call('POST', '/admin-only', '{')).toMatchObject({ status: 400 });
    expect(await call('POST', '/admin-only', '{}')).toMatchObject({ status: 403, body: { error: { status: 403, message: 'the librarian role cannot reload the configuration' } } });
  });
});

describe('errors from elsewhere', () => {
  it('answers an HttpError as route modules write it, with its details', async () => {
    const error = new HttpError(409, 'taken', { by: 'x' });
    expect(error).toBeInstanceOf(HttpError);
    expect(createError.isHttpError(error)).toBe(true);
    expect(error).toMatchObject({ status: 409, message: 'taken', expose: true, details: { by: 'x' } });
    expect(createError(404, 'gone')).toBeInstanceOf(HttpError);
    expect(new Error('plain')).not.toBeInstanceOf(HttpError);
    const answer = await call('GET', '/fail/http-error');
    expect(answer).toMatchObject({ status: 418, body: { error: { status: 418, message: 'no tea here', problems: [{ path: '/body/tea', message: 'is cold' }], version: 'v1' } } });
  });

  it('answers a refusal 409, and one naming a field of the request 400 with the field', async () => {
    expect(await call('GET', '/fail/refused')).toMatchObject({ status: 409, body: { error: { status: 409, message: 'request r-1 is cancelled; it takes no more decisions or messages' } } });
    expect((await call('GET', '/fail/refused')).body.error).not.toHaveProperty('code');
    // A refusal a client acts on by itself says which, by its code.
    expect(await call('GET', '/fail/refused-coded')).toMatchObject({ status: 409, body: { error: { status: 409, code: 'stale-task', message: 'request r-1 has no open review task (it is routing)' } } });
    expect(await call('GET', '/fail/refused-field')).toMatchObject({
      status: 400,
      body: { error: { message: 'the request is not valid', problems: [{ path: '/body/requester/libraryId', message: "library 'nowhere' is not a member of the network" }] } },
    });
  });

  it('answers a refused token 401 with the bearer challenge', async () => {
    const answer = await call('GET', '/fail/token');
    expect(answer).toMatchObject({ status: 401, body: { error: { status: 401, message: 'token has expired' } } });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers broken and oversized JSON 400 and 413', async () => {
    expect(await call('POST', '/things/t-1', '{"kind": ')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^request body is not valid JSON/) } } });
    expect(await call('POST', '/things/t-1', JSON.stringify({ note: 'x'.repeat(2_000) }))).toMatchObject({ status: 413, body: { error: { message: 'request body is larger than the limit' } } });
  });

  it('answers a fault of ours 500 without its message or stack, and logs it', async () => {
    const answer = await call('GET', '/fail/bug');
    expect(answer).toEqual({ status: 500, headers: expect.anything(), body: { error: { status: 500, message: 'internal error; it has been logged' } } });
    expect(JSON.stringify(logged)).toContain('secret detail of a bug');
  });

  it('answers a method a path does not take 405 as JSON, naming what it takes', async () => {
    const answer = await call('GET', '/things/t-1');
    expect(answer).toMatchObject({ status: 405, body: { error: { status: 405, message: 'GET is not taken by /things/t-1 (it takes POST)' } } });
    expect(answer.headers.get('allow')).toBe('POST');
  });

  it('answers a path no route takes 404 naming it', async () => {
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: { status: 404, message: 'no route for GET /nowhere' } } });
  });
});
