import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../test/service';

// The network's libraries and suppliers as the centre's staff pick them: names and places, never
// where a supplier's system listens or which variables hold its credentials.

let app: TestService;

beforeAll(async () => {
  app = await startTestService();
});
afterAll(async () => {
  await app?.service.stop();
});

describe('the network’s members through the API', () => {
  it('lists every configured library by id, name, region and role', async () => {
    const { config } = app.service.network.current();
    const answer = await app.call('GET', '/api/libraries', await app.token('administrator', 'centre'));
    expect(answer.status).toBe(200);
    expect(answer.body.libraries).toEqual(config.libraries.map((library) => ({ id: library.id, name: library.name, region: library.region, role: library.role })));
  });

  it('lists every configured supplier without its endpoint or credentials', async () => {
    const { config } = app.service.network.current();
    // The shipped configuration has suppliers with endpoints: the answer must leave them out.
    expect(config.suppliers.some((supplier) => supplier.endpoint)).toBe(true);
    const answer = await app.call('GET', '/api/suppliers', await app.token('administrator', 'centre'));
    expect(answer.status).toBe(200);
    expect(answer.body.suppliers.map((supplier: { id: string }) => supplier.id)).toEqual(config.suppliers.map((supplier) => supplier.id));
    for (const supplier of answer.body.suppliers) expect(Object.keys(supplier).filter((key) => !['id', 'name', 'kind', 'region', 'state'].includes(key))).toEqual([]);
    const nlc = config.suppliers.find((supplier) => supplier.id === 'nlc')!;
    expect(answer.body.suppliers).toContainEqual({ id: 'nlc', name: nlc.name, kind: nlc.kind, ...(nlc.region ? { region: nlc.region } : {}), state: nlc.status.state });
    expect(JSON.stringify(answer.body)).not.toContain('127.0.0.1');
  });

  it('refuses the lists to anyone but the centre’s staff, and a query it does not take', async () => {
    for (const path of ['/api/libraries', '/api/suppliers']) {
      const refused = await app.call('GET', path, await app.token('librarian', 'szu'));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/^the librarian role cannot list the network’s (libraries|suppliers)$/);
      const asked = await app.call('GET', `${path}?secret=1`, await app.token('administrator', 'centre'));
      expect(asked.status).toBe(400);
      expect(JSON.stringify(asked.body)).toContain('/query/secret');
    }
  });
});
