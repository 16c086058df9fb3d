import { Writable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredRoutes } from '../../test/api-objects';
import { eventually } from '../../test/eventually';
import { sampleRequest, startTestService, type TestService } from '../../test/service';

// What the service tells about itself: its API as OpenAPI, its metrics for Prometheus, a line per call.

let app: TestService;
const lines: Record<string, unknown>[] = [];
let serial = 0;
const sample = (name: string) => sampleRequest(name, `obs-${process.pid}-${++serial}`);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = await startTestService({}, undefined, pino({ level: 'info' }, sink));
  await eventually(() => app.call('GET', '/healthz'), (answer) => answer.status === 200, (answer) => `not ready: ${JSON.stringify(answer.body)}`);
}, 120_000);

afterAll(async () => {
  await app?.service.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${app.service.url}/metrics`, { headers: { authorization: `Bearer ${await app.token('administrator', 'centre')}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series, or undefined when Prometheus would not see it. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The shape OpenAPI 3.1 gives a document, as far as this API uses it. */
const OPENAPI_SHAPE = {
  type: 'object',
  required: ['openapi', 'info', 'paths', 'components'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' } } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] },
        additionalProperties: {
          type: 'object',
          required: ['responses', 'summary', 'operationId'],
          properties: {
            parameters: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'in', 'schema'],
                properties: { name: { type: 'string' }, in: { enum: ['path', 'query', 'header', 'cookie'] }, required: { type: 'boolean' }, schema: { type: 'object' } },
                if: { properties: { in: { const: 'path' } } },
                then: { required: ['required'], properties: { required: { const: true } } },
              },
            },
            requestBody: { type: 'object', required: ['content'], properties: { content: { type: 'object', minProperties: 1, additionalProperties: { type: 'object', required: ['schema'] } } } },
            responses: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[1-5][0-9][0-9]$' }, additionalProperties: { type: 'object', required: ['description'] } },
            security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array' } } },
            'x-roles': { type: 'array', minItems: 1, items: { enum: ['reader', 'librarian', 'supplier', 'search-proxy', 'administrator'] } },
          },
        },
      },
    },
    components: {
      type: 'object',
      required: ['securitySchemes', 'schemas'],
      properties: { securitySchemes: { type: 'object', required: ['bearer'], properties: { bearer: { type: 'object', required: ['type', 'scheme'], properties: { type: { const: 'http' }, scheme: { const: 'bearer' } } } } } },
    },
  },
};

describe('GET /openapi.json', () => {
  it('describes every method and path the app answers, in the shape OpenAPI 3.1 gives', async () => {
    const { status, body: document } = await app.call('GET', '/openapi.json');
    expect(status).toBe(200);
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true })).addFormat('iso-639-1', /^[a-z]{2}$/);
    expect(ajv.validate(OPENAPI_SHAPE, document), ajv.errorsText()).toBe(true);

    const described = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(described.sort()).toEqual(answeredRoutes(app.service.app));
    const operationIds = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);

    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        // Every parameter the path names is described, and a route for some roles asks for the bearer token.
        const declared = (operation.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
        expect(declared, `${method} ${path}`).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
        if (operation['x-roles']) expect(operation.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
        // Every JSON body schema compiles, its references resolved among the document's components.
        const json = operation.requestBody?.content?.['application/json']?.schema;
        if (json) expect(() => ajv.compile({ ...json, components: document.components }), `${method} ${path}`).not.toThrow();
      }
    }
    const submit = document.paths['/api/requests'].post;
    expect(submit['x-roles']).toEqual(['reader', 'librarian', 'administrator']);
    expect(submit.requestBody.content['application/json'].schema.properties.id.pattern).toBe('^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$');
    expect(submit.requestBody.content['application/json'].schema.properties.service).toEqual({ $ref: '#/components/schemas/service' });
    expect(Object.keys(document.paths['/iso18626'].post.requestBody.content)).toEqual(['application/xml']);
    expect(document.paths['/healthz'].get.security).toEqual([]);
    expect(document.paths['/api/libraries/{libraryId}/lending'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['libraryId', 'limit', 'before', 'status']);
  });
});

describe('GET /metrics', () => {
  it('answers administrators only', async () => {
    expect((await app.call('GET', '/metrics')).status).toBe(401);
    for (const role of ['reader', 'librarian', 'supplier', 'search-proxy'] as const) {
      expect((await app.call('GET', '/metrics', await app.token(role, 'pku'))).status).toBe(403);
    }
    const response = await fetch(`${app.service.url}/metrics`, { headers: { authorization: `Bearer ${await app.token('administrator', 'centre')}` } });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts calls by the route’s pattern and status, never by the URL, with their times', async () => {
    const librarian = await app.token('librarian', 'pku');
    const series = '{method="GET",route="/api/requests/:id",status="404"}';
    const before = valueOf(await scrape(), `ill_http_requests_total${series}`) ?? 0;
    await app.call('GET', '/api/requests/counted-1', librarian);
    await app.call('GET', '/api/requests/counted-2', librarian);
    await app.call('GET', '/nowhere/at-all', librarian);
    const text = await scrape();
    expect(valueOf(text, `ill_http_requests_total${series}`)).toBe(before + 2);
    expect(valueOf(text, `ill_http_request_duration_seconds_count${series}`)).toBe(before + 2);
    expect(valueOf(text, 'ill_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/requests/:id",status="404"}')).toBe(before + 2);
    expect(text).not.toContain('counted-1');
    expect(text).not.toContain('/nowhere/at-all');
    expect(text).toContain('route="(unmatched)"');
  });

  it('counts routing decisions by outcome, the time to each answer of a supplier, and requests and staff tasks as they stand', async () => {
    const xtu = await app.token('librarian', 'xtu');
    const before = valueOf(await scrape(), 'ill_routing_decisions_total{outcome="review"}') ?? 0;
    const request = sample('express-copy-review');
    expect((await app.call('POST', '/api/requests', xtu, request)).status).toBe(201);
    const waiting = await app.until(request.id, xtu, (body) => body.status === 'awaiting-review');
    let text = await scrape();
    expect(valueOf(text, 'ill_routing_decisions_total{outcome="review"}')).toBe(before + 1);
    expect(valueOf(text, 'ill_requests{status="awaiting-review"}')).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'ill_open_tasks{kind="review"}')).toBe(valueOf(text, 'ill_requests{status="awaiting-review"}'));

    const supplierId = waiting.decision.rota[0].supplierId as string;
    await app.call('POST', `/api/requests/${request.id}/review`, xtu, { decision: 'changeRota', rota: [supplierId] });
    await app.until(request.id, xtu, (body) => body.status === 'with-supplier');
    const answered = `ill_supplier_answer_seconds_count{supplier="${supplierId}",status="WillSupply"}`;
    const answersBefore = valueOf(await scrape(), answered) ?? 0;
    const supplier = await app.token('supplier', supplierId);
    expect((await app.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, { supplierId, status: 'WillSupply' })).status).toBe(202);
    // A repeat is no answer of the supplier's.
    expect((await app.call('POST', `/api/requests/${request.id}/supplier-messages`, supplier, { supplierId, status: 'WillSupply' })).status).toBe(200);
    text = await scrape();
    expect(valueOf(text, answered)).toBe(answersBefore + 1);
    // Seconds, not hours: the order went out a moment ago.
    expect(valueOf(text, `ill_supplier_answer_seconds_bucket{le="600",supplier="${supplierId}",status="WillSupply"}`)).toBe(answersBefore + 1);
    expect(valueOf(text, 'ill_requests{status="with-supplier"}')).toBeGreaterThanOrEqual(1);
    await app.call('POST', `/api/requests/${request.id}/cancel`, xtu, { reason: 'test over' });
  });
});

describe('the access log', () => {
  it('writes one line per call: method, route, status, time, the caller’s role and library, never the token', async () => {
    const token = await app.token('librarian', 'pku');
    const answer = await app.call('GET', '/api/requests/logged-1', token);
    expect(answer.status).toBe(404);
    await app.call('GET', '/healthz');
    const logged = lines.filter((line) => line.msg === 'answered' && line.route === '/api/requests/:id' && line.status === 404);
    expect(logged.at(-1)).toMatchObject({ method: 'GET', route: '/api/requests/:id', status: 404, role: 'librarian', libraryId: 'pku', ms: expect.any(Number) });
    const open = lines.filter((line) => line.msg === 'answered' && line.route === '/healthz').at(-1);
    expect(open).toMatchObject({ status: 200 });
    expect(open).not.toHaveProperty('role');
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });
});
