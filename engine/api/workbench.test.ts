import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../test/service';
import { WORKBENCH_DIR } from '../workbench';

// The workbench on the API's own port: its pages beside the API, never in its place, and in
// development the identities to sign in with.

let development: TestService;
let production: TestService;

beforeAll(async () => {
  [development, production] = await Promise.all([
    startTestService({ ILL_DEV_SIGN_IN: 'on', ILL_TEMPORAL_UI_URL: 'http://127.0.0.1:8233' }),
    startTestService({ ILL_DEV_SIGN_IN: 'off' }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([development?.service.stop(), production?.service.stop()]);
});

describe('the workbench’s pages', () => {
  it('are served at the root, on the API’s origin', async () => {
    const page = await fetch(`${development.service.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toBe(readFileSync(path.join(WORKBENCH_DIR, 'index.html'), 'utf8'));
  });

  it('never stand in for the API’s routes', async () => {
    expect((await development.call('GET', '/api/requests')).status).toBe(401);
    expect((await development.call('GET', '/api/no-such-route')).status).toBe(401);
    expect((await fetch(`${development.service.url}/openapi.json`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${development.service.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${development.service.url}/healthz`)).headers.get('content-type')).toContain('application/json');
  });
});

describe('GET /api/workbench', () => {
  it('hands out one identity of each role in development, each a token the API takes', async () => {
    const { status, body } = await development.call('GET', '/api/workbench');
    expect(status).toBe(200);
    expect(body.temporalUi).toEqual({ url: 'http://127.0.0.1:8233', namespace: 'default' });
    expect(body.devIdentities.map((identity: any) => [identity.role, identity.libraryId])).toEqual([
      ['reader', 'pku'],
      ['librarian', 'pku'],
      ['supplier', expect.not.stringMatching(/^pku$/)],
      ['search-proxy', 'centre'],
      ['administrator', 'pku'],
    ]);
    const reader = body.devIdentities[0];
    expect(await development.service.tokens.verify(reader.token)).toEqual({ role: 'reader', libraryId: 'pku', subject: reader.subject });
    expect((await development.call('GET', '/api/requests', reader.token)).status).toBe(200);
    const administrator = body.devIdentities[4];
    expect((await development.call('GET', '/api/admin/config', administrator.token)).status).toBe(200);
  });

  it('hands out none otherwise, and no Temporal link unless told where its web UI is', async () => {
    expect(await production.call('GET', '/api/workbench')).toEqual({ status: 200, body: {} });
  });
});
