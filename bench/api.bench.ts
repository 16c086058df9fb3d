// The HTTP API under load: autocannon against the running service on loopback, each of its busiest
// routes against a bare Koa route served by the same process, so the ratio says what the API's
// own work costs on this machine. Run with `npm run bench:api`; the last line of output is a JSON
// summary. TEMPORAL_ADDRESS and DATABASE_URL point the service at a real cluster and PostgreSQL.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import type { ApiServerReady } from './fixtures/api-server';

const DURATION_S = Number(process.env.ILL_BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
/** Requests created before the reads, so lists and inboxes have pages to fill. */
const SEEDED = 200;

const sample = JSON.parse(readFileSync(path.join(__dirname, '../config/requests/express-copy-review.json'), 'utf8'));
let serial = 0;
/** A request of its own for each POST: another reader each time, so none is a duplicate of another. */
function newRequest(): string {
  serial += 1;
  const { $schema: _schema, ...request } = sample;
  return JSON.stringify({ ...request, id: `bench-${process.pid}-${serial}`, requester: { ...request.requester, patronId: `bench-reader-${serial}` } });
}

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, options: Partial<autocannon.Options> = {}): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, ...options });
  return { requestsPerSecond: Math.round(result.requests.average), p99Ms: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  const child = fork(path.join(__dirname, 'fixtures/api-server.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<ApiServerReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ApiServerReady));
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before it was ready`)));
  });
  let summary = '';
  try {
    const admin = { authorization: `Bearer ${ready.tokens.administrator}`, 'content-type': 'application/json' };
    const librarian = { authorization: `Bearer ${ready.tokens.librarian}` };
    for (let n = 0; n < SEEDED; n++) {
      const response = await fetch(`${ready.url}/api/requests`, { method: 'POST', headers: admin, body: newRequest() });
      if (response.status !== 201) throw new Error(`seeding: POST /api/requests answered ${response.status}: ${await response.text()}`);
    }
    const known = `bench-${process.pid}-1`;

    const bare = await load(`${ready.bareUrl}/`);
    const routes: Record<string, Figures> = {
      'POST /api/requests': await load(`${ready.url}/api/requests`, {
        method: 'POST',
        headers: admin,
        requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, body: newRequest() }) }],
      }),
      'GET /api/requests/:id': await load(`${ready.url}/api/requests/${known}`, { headers: admin }),
      'GET /api/requests?...': await load(`${ready.url}/api/requests?library=xtu&status=awaiting-review&limit=50`, { headers: librarian }),
      'GET /api/tasks': await load(`${ready.url}/api/tasks?limit=50`, { headers: librarian }),
    };
    const table = Object.entries(routes).map(([route, figures]) => ({ route, ...figures, ofBare: +(figures.requestsPerSecond / bare.requestsPerSecond).toFixed(4) }));
    console.table([{ route: 'bare Koa route', ...bare, ofBare: 1 }, ...table]);
    const failed = table.filter((row) => row.errors > 0 || row.non2xx > 0);
    if (failed.length > 0) console.error(`answers other than 2xx or errors on: ${failed.map((row) => row.route).join(', ')}`);
    summary = JSON.stringify({
        bench: 'api',
        durationSeconds: DURATION_S,
        connections: CONNECTIONS,
        bare,
        routes: Object.fromEntries(table.map(({ route, ...figures }) => [route, figures])),
      });
    if (failed.length > 0) process.exitCode = 1;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    await exited;
  }
  // Last, after the service has stopped and said all it had to say.
  console.log(summary);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
