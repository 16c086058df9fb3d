import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../auth/tokens';
import { answeredRoutes, OWN, settledFingerprint, startWithObjects, storeFingerprint, type ApiObjects } from '../../test/api-objects';

// Random and broken bodies, queries and ids sent to every route the app answers: each is answered
// with a 4xx (or, where the route reads nothing, a 2xx) and never a 5xx, and the store is left as it was.

type Schema = Record<string, unknown>;
interface Operation {
  method: string;
  /** `/api/requests/:id`, as the router has it. */
  route: string;
  params: string[];
  query: Schema | undefined;
  /** The body's JSON Schema, able to resolve the document's components. */
  body: Schema | undefined;
  xml: boolean;
}

let objects: ApiObjects;
let operations: Operation[];
const ajv = addFormats(new Ajv2020({ strict: false, discriminator: true }));
ajv.addFormat('iso-639-1', () => true);

beforeAll(async () => {
  objects = await startWithObjects('fuzz');
  const document = (await objects.app.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, any>>; components: Schema };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []) as { name: string; in: string; schema: Schema }[];
      const query = parameters.filter((parameter) => parameter.in === 'query');
      const json = operation.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      return {
        method: method.toUpperCase(),
        route: path.replace(/\{(\w+)\}/g, ':$1'),
        params: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        query: query.length ? { type: 'object', properties: Object.fromEntries(query.map((parameter) => [parameter.name, parameter.schema])) } : undefined,
        body: json && { ...json, components: document.components },
        xml: operation.requestBody?.content?.['application/xml'] !== undefined,
      };
    }),
  );
}, 120_000);

afterAll(async () => {
  await objects?.stop();
});

/** Ids the routes are given: the objects that exist, other libraries', and ones no id may be. */
const ids = () =>
  fc.oneof(
    fc.constantFrom(objects.requestId, objects.lendingId, OWN, 'tsinghua', 'nowhere'),
    fc.constantFrom('..', '../../etc', '%2e%2e%2fetc', '-x', 'a'.repeat(129), '请求', ' ', '%00'),
    fc.stringMatching(/^[A-Za-z0-9._:~%-]{1,40}$/),
  );

/** A value of the wrong kind for any schema that wants a particular one. */
const wrongValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 30 }), fc.constant([]), fc.constant({}), fc.constant('2026-12-07'), fc.constant(-1));

const pages = fc.dictionary(
  fc.constantFrom('limit', 'before', 'cursor', 'status', 'from', 'to', 'library', 'by', 'format', 'q', 'kind', 'sort', 'reader', 'graceMinutes', 'rft.issn', 'rft_id', 'x', 'limit[]', 'constructor'),
  fc.oneof(
    fc.constantFrom('0', '-1', '201', '1e3', 'x', '', 'received,lost', 'received', '1', '50', '2026-01-01', '2026-01-01T00:00:00Z', 'library,supplier', 'month,,', 'csv', OWN, '../x'),
    fc.string({ maxLength: 20 }),
  ),
);

/** A body broken from the route's own kind of body: a field of the wrong kind, one missing, one not taken, or something else entirely. */
function brokenBody(operation: Operation, example: Record<string, unknown>) {
  const fields = Object.keys(example);
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({ field: fc.string({ minLength: 1, maxLength: 12 }), value: fc.jsonValue({ maxDepth: 1 }) }).map(({ field, value }) => ({ ...example, [`${field}-unknown`]: value })),
    ...(fields.length
      ? [
          fc.record({ field: fc.constantFrom(...fields), value: wrongValue }).map(({ field, value }) => ({ ...example, [field]: value })),
          fc.constantFrom(...fields).map((field) => Object.fromEntries(Object.entries(example).filter(([key]) => key !== field))),
        ]
      : []),
  ).filter((body) => !operation.body || !ajv.validate(operation.body, body));
}

/** A body each route takes, to break. */
const EXAMPLES: Record<string, (objects: ApiObjects) => Record<string, unknown>> = {
  'POST /api/requests': (o) => o.newRequest('example'),
  'POST /api/requests/:id/review': () => ({ decision: 'changeRota', rota: ['nlc'] }),
  'POST /api/requests/:id/supplier-messages': () => ({ supplierId: OWN, status: 'Loaned', dueDate: '2027-01-01T00:00:00Z', cost: { amount: 1, currency: 'CNY' } }),
  'POST /api/requests/:id/search-proxy-answer': () => ({ outcome: 'found', supplierId: 'nlc' }),
  'POST /api/requests/:id/renew-answer': () => ({ approve: true, dueDate: '2027-01-01T00:00:00Z' }),
  'POST /api/lending/:id/answer': () => ({ answer: 'loaned', dueDate: '2027-01-01T00:00:00Z' }),
};

async function send(method: string, url: string, token: string | undefined, body: string | undefined, mediaType = 'application/json') {
  const response = await fetch(`${objects.app.service.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': mediaType } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('random and broken input to every route', () => {
  it('reaches every route the app answers', () => {
    expect(operations.map((operation) => `${operation.method} ${operation.route}`).sort()).toEqual(answeredRoutes(objects.app.service.app));
  });

  it('never answers 5xx and changes nothing in the store', async () => {
    const before = await settledFingerprint(objects.app.service.database);
    const call = fc.constantFrom(...operations).chain((operation) =>
      fc.record({
        operation: fc.constant(operation),
        role: fc.constantFrom(...ROLES, 'administrator', 'administrator'),
        params: fc.tuple(...operation.params.map(() => ids()), fc.constant('')),
        query: operation.method === 'GET' ? pages : fc.constant({}),
        body:
          operation.method === 'GET'
            ? fc.constant(undefined)
            : operation.xml
              ? fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('<ISO18626Message/>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', '<ISO18626Message xmlns="http://illtransactions.org/2013/iso18626"><request/></ISO18626Message>'))
              : fc.oneof(brokenBody(operation, EXAMPLES[`${operation.method} ${operation.route}`]?.(objects) ?? {}).map((body) => JSON.stringify(body)), fc.string({ maxLength: 60 })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ operation, role, params, query, body }) => {
        let url = operation.route;
        operation.params.forEach((name, index) => (url = url.replace(`:${name}`, encodeURIComponent(params[index]!))));
        const search = new URLSearchParams(query as Record<string, string>).toString();
        const token = await objects.app.token(role, OWN);
        const answer = await send(operation.method, `${url}${search ? `?${search}` : ''}`, token, body, operation.xml ? 'application/xml' : 'application/json');
        expect(answer.status, `${operation.method} ${url}?${search} ${body ?? ''} → ${answer.text}`).toBeLessThan(500);
        if (answer.status >= 400 && !operation.xml) expect(JSON.parse(answer.text)).toMatchObject({ error: { status: answer.status, message: expect.any(String) } });
      }),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(await storeFingerprint(objects.app.service.database)).toEqual(before);
  }, 300_000);
});
