import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import type { TokenAuthority } from '../auth/tokens';
import type { NetworkHolder } from '../network';
import type { LendingService } from '../lending';
import type { RequestService } from '../requests';
import type { RequestStore } from '../store/store';
import { authenticate } from './authenticate';
import { errorResponses } from './errors';
import { adminRoutes } from './routes/admin';
import { decisionRoutes } from './routes/decisions';
import { healthRoutes, type HealthChecks } from './routes/health';
import { requestRoutes } from './routes/requests';
import { supplierRoutes } from './routes/suppliers';
import { lendingRoutes } from './routes/lending';
import { iso18626Routes } from './routes/iso18626';
import { ledgerRoutes } from './routes/ledger';
import { closeRoutes } from './routes/close';
import type { Settings } from '../settings';

export interface AppDeps {
  log: Logger;
  tokens: TokenAuthority;
  requests: RequestService;
  lending: LendingService;
  store: RequestStore;
  network: NetworkHolder;
  health: HealthChecks;
  settings: Pick<Settings, 'agencyId'>;
}

/** Requests are small JSON documents; anything larger is refused before it is read whole. */
export const BODY_LIMIT = '64kb';

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(errorResponses(deps.log));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' }));
  const health = healthRoutes(deps.health);
  app.use(health.routes());
  // Peers identify themselves by their own credentials, checked by the route, not by the network's tokens.
  app.use(iso18626Routes(deps).routes());
  app.use(authenticate(deps.tokens));
  for (const router of [requestRoutes(deps), decisionRoutes(deps), supplierRoutes(deps), lendingRoutes(deps), adminRoutes(deps.network), ledgerRoutes(deps).router, closeRoutes(deps).router]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
