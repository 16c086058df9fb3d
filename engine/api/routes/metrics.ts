import Router from '@koa/router';
import type { ServiceMetrics } from '../../metrics';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';

/** `GET /metrics`: Prometheus text, for the centre's administrators (a scraper presents a long-lived administrator token). */
export function metricsRoutes(metrics: ServiceMetrics): Routes {
  return new Routes(new Router<AuthState>()).add(
    {
      method: 'get',
      path: '/metrics',
      summary: "Read the service's metrics in Prometheus text",
      roles: ['administrator'],
      responses: { '200': { description: 'Prometheus exposition text', mediaType: 'text/plain', schema: { type: 'string' } } },
    },
    async (ctx) => {
      ctx.body = await metrics.text();
      ctx.type = metrics.contentType;
    },
  );
}
