import Router from '@koa/router';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';

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
export function healthRoutes(checks: HealthChecks): Routes {
  return new Routes(new Router<AuthState>()).add(
    {
      method: 'get',
      path: '/healthz',
      summary: 'Whether Temporal, the worker and the database answer',
      responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready: names what does not answer' } },
    },
    async (ctx) => {
      const [temporal, database] = await Promise.all([probe(checks.temporal), probe(checks.database)]);
      const healthy = temporal === 'ok' && database === 'ok';
      ctx.status = healthy ? 200 : 503;
      ctx.body = { status: healthy ? 'ok' : 'unavailable', temporal, database };
    },
  );
}
