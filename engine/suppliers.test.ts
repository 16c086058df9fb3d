import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCalisEbooks } from '../simulator/calis-ebooks';
import { fakeVendor, listen } from '../simulator/vendor';
import { sampleRequest, startTestService, type TestService } from '../test/service';

// The service reaching suppliers' own systems through the adapters their configuration names:
// a pay-per-view vendor and the CALIS e-book platform, each a real HTTP server on loopback.

const root = path.resolve(__dirname, '..');
const configDir = mkdtempSync(path.join(os.tmpdir(), 'ill-suppliers-'));
let app: TestService;
let servers: { url: string; close: () => Promise<void> }[] = [];
let serial = 0;

const cnki = fakeVendor({
  basePath: '/vendor/cnki',
  credentials: { type: 'bearer', token: 'cnki-secret' },
  catalogue: [{ issn: '0254-4164', price: { amount: 5, currency: 'CNY' } }],
  downloadBase: 'https://cnki.example/download',
});
const ebooks = fakeCalisEbooks({ basePath: '/calis-ebooks', collection: [{ isbn: '9787500079521', title: '中国大百科全书' }] });

const sample = (name: string) => sampleRequest(name, `suppliers-${process.pid}-${++serial}`);


beforeAll(async () => {
  servers = [await listen(cnki), await listen(ebooks)];
  cpSync(path.join(root, 'config'), configDir, { recursive: true });
  const vendors = path.join(configDir, 'suppliers/vendors.yaml');
  writeFileSync(
    vendors,
    readFileSync(vendors, 'utf8').replace('    endpoint: http://127.0.0.1:3100/vendor/cnki\n', `    endpoint: ${servers[0]!.url}/vendor/cnki\n    auth: { type: bearer, tokenEnv: ILL_TEST_CNKI_TOKEN }\n`),
  );
  const national = path.join(configDir, 'suppliers/national.yaml');
  writeFileSync(national, readFileSync(national, 'utf8').replace('http://127.0.0.1:3100/calis-ebooks', `${servers[1]!.url}/calis-ebooks`));
  process.env.ILL_TEST_CNKI_TOKEN = 'cnki-secret';
  // The adapters the service builds itself, not the tests' staff-answered ones.
  app = await startTestService({ ILL_CONFIG_DIR: configDir }, {});
});

afterAll(async () => {
  await app?.service.stop();
  for (const server of servers) await server.close();
  delete process.env.ILL_TEST_CNKI_TOKEN;
});

describe('suppliers reached through their adapters', () => {
  it('buys a Chinese article from a pay-per-view vendor once, and delivers its link', async () => {
    const request = sample('chinese-article-ppv');
    const reader = await app.token('reader', 'szu', request.requester.patronId);
    expect((await app.call('POST', '/api/requests', reader, request)).status).toBe(201);
    const delivered = await app.until(request.id, reader, (body) => body.status === 'delivered');
    expect(delivered.delivery).toMatchObject({ supplierId: 'cnki', url: expect.stringMatching(/^https:\/\/cnki\.example\/download\//) });
    expect(delivered.charges).toEqual([expect.objectContaining({ supplierId: 'cnki', amount: 5, currency: 'CNY' })]);
    expect(cnki.counts.purchases).toBe(1);
  });

  it('grants a CALIS e-book download for the reader', async () => {
    const request = sample('ebook-calis');
    const reader = await app.token('reader', 'cnu', request.requester.patronId);
    await app.call('POST', '/api/requests', reader, request);
    const delivered = await app.until(request.id, reader, (body) => body.status === 'delivered');
    expect(delivered.delivery).toMatchObject({ kind: 'ebook', supplierId: 'calis-ebooks' });
    expect(ebooks.issued).toEqual([expect.objectContaining({ isbn: '9787500079521', patronId: request.requester.patronId, validDays: 30 })]);
  });
});
