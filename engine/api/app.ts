import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import type { TokenAuthority } from '../auth/tokens';
import type { NetworkHolder } from '../network';
import type { LendingService } from '../lending';
import type { RequestService } from '../requests';
import type { Reports } from '../store/reports';
import type { RequestStore } from '../store/store';
import { authenticate } from './authenticate';
import { errorResponses } from './errors';
import { adminRoutes } from './routes/admin';
import { decisionRoutes } from './routes/decisions';
import { healthRoutes, type HealthChecks } from './routes/health';
import { reportRoutes } from './routes/reports';
import { requestRoutes } from './routes/requests';
import { searchRoutes } from './routes/search';
import { taskRoutes } from './routes/tasks';
import { supplierRoutes } from './routes/suppliers';
import { lendingRoutes } from './routes/lending';
import { iso18626Routes } from './routes/iso18626';
import { knowledgeRoutes } from './routes/knowledge';
import { mailRoutes } from './routes/mail';
import { openUrlRoutes } from './routes/openurl';
import { ledgerRoutes } from './routes/ledger';
import { closeRoutes } from './routes/close';
import type { Settings } from '../settings';

export interface AppDeps {
  log: Logger;
  tokens: TokenAuthority;
  requests: RequestService;
  lending: LendingService;
  store: RequestStore;
  reports: Reports;
  network: NetworkHolder;
  health: HealthChecks;
  settings: Pick<Settings, 'agencyId'>;
  /** Where readers' mail is kept when no mail server is named; its routes are served where given. */
  mailDir?: string;
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
  // Readers' browsers follow OpenURL links from discovery systems without a token; nothing is stored.
  const openUrl = openUrlRoutes().router;
  app.use(openUrl.routes()).use(openUrl.allowedMethods());
  app.use(authenticate(deps.tokens));
  // Before the request routes: `/api/requests/stalled` is not a request's id.
  for (const { router } of [searchRoutes(deps), taskRoutes(deps)]) app.use(router.routes()).use(router.allowedMethods());
  const added = [knowledgeRoutes(deps), ...(deps.mailDir ? [mailRoutes({ mailDir: deps.mailDir })] : [])].map((routes) => routes.router);
  for (const router of [requestRoutes(deps), decisionRoutes(deps), supplierRoutes(deps), lendingRoutes(deps), adminRoutes(deps.network), reportRoutes(deps).router, ledgerRoutes(deps).router, closeRoutes(deps).router, ...added]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
