import Router from '@koa/router';

export interface HealthChecks {
  temporal(): Promise<void>;
  database(): Promise<void>;
}

const TIMEOUT_MS = 3_000;

async function probe(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))),
    ]);
    return 'ok';
  } catch (error) {
    return `unavailable: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz`: 200 when Temporal and the database answer, 503 naming the one that does not. */
export function healthRoutes(checks: HealthChecks): Router {
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    const [temporal, database] = await Promise.all([probe(checks.temporal), probe(checks.database)]);
    const healthy = temporal === 'ok' && database === 'ok';
    ctx.status = healthy ? 200 : 503;
    ctx.body = { status: healthy ? 'ok' : 'unavailable', temporal, database };
  });
  return router;
}
