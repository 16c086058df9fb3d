import Koa from 'koa';
import serve from 'koa-static';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import type { TokenAuthority } from '../auth/tokens';
import { backlogFromIndex, ServiceMetrics } from '../metrics';
import type { NetworkHolder } from '../network';
import type { LendingService } from '../lending';
import type { RequestService } from '../requests';
import type { ConfigHistory } from '../store/config-history';
import type { Reports } from '../store/reports';
import type { RequestStore } from '../store/store';
import { accessLog } from './access-log';
import { authenticate } from './authenticate';
import type { Routes } from './contract';
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
import { metricsRoutes } from './routes/metrics';
import { openApiRoutes } from './routes/openapi';
import { knowledgeRoutes } from './routes/knowledge';
import { mailRoutes } from './routes/mail';
import { openUrlRoutes } from './routes/openurl';
import { ledgerRoutes } from './routes/ledger';
import { memberRoutes } from './routes/members';
import { closeRoutes } from './routes/close';
import { workbenchRoutes, type WorkbenchSettings } from './routes/workbench';
import type { Settings } from '../settings';

export interface AppDeps {
  log: Logger;
  tokens: TokenAuthority;
  requests: RequestService;
  lending: LendingService;
  store: RequestStore;
  reports: Reports;
  network: NetworkHolder;
  /** The configuration versions administrators published, and the recent requests a draft is compared over. */
  configHistory: ConfigHistory;
  health: HealthChecks;
  settings: Pick<Settings, 'agencyId'>;
  /** The service's metrics, shared with its worker and request service; an app of its own counts alone. */
  metrics?: ServiceMetrics;
  /** Where readers' mail is kept when no mail server is named; its routes are served where given. */
  mailDir?: string;
  /** The workbench: its built pages (`web/dist`) served beside the API, and what it is told before sign-in. */
  workbench?: { dir: string; settings: WorkbenchSettings };
}

/** Paths the API answers: the workbench's files never stand in for them. */
const API_PATHS = /^\/(api|openurl|iso18626|healthz|metrics|openapi\.json)(\/|$)/;

/** Requests are small JSON documents; anything larger is refused before it is read whole. */
export const BODY_LIMIT = '64kb';
/** A draft of the configuration carries whole files; the largest shipped is some tens of kilobytes. */
const CONFIG_PATHS = /^\/api\/admin\/config\//;
const CONFIG_BODY_LIMIT = '2mb';

export function createApp(deps: AppDeps): Koa {
  const metrics = deps.metrics ?? new ServiceMetrics(backlogFromIndex(deps.store));
  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(accessLog(deps.log, metrics));
  app.use(errorResponses(deps.log));
  const body = bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' });
  const configBody = bodyParser({ enableTypes: ['json'], jsonLimit: CONFIG_BODY_LIMIT, encoding: 'utf-8' });
  app.use((ctx, next) => (CONFIG_PATHS.test(ctx.path) ? configBody(ctx, next) : body(ctx, next)));
  // Open to all: peers identify themselves by their own credentials, checked by the ISO 18626 route, not by the network's tokens;
  // readers' browsers follow OpenURL links from discovery systems without a token, and nothing is stored.
  const open: Routes[] = [
    healthRoutes(deps.health),
    iso18626Routes(deps),
    openUrlRoutes(),
    openApiRoutes(() => [...open, ...callers].flatMap((routes) => routes.contracts)),
    ...(deps.workbench ? [workbenchRoutes({ settings: deps.workbench.settings, tokens: deps.tokens, network: deps.network })] : []),
  ];
  const callers: Routes[] = [
    // Before the request routes: `/api/requests/stalled` is not a request's id.
    searchRoutes(deps),
    taskRoutes(deps),
    requestRoutes(deps),
    decisionRoutes(deps),
    supplierRoutes(deps),
    lendingRoutes(deps),
    adminRoutes(deps),
    reportRoutes(deps),
    ledgerRoutes(deps),
    closeRoutes(deps),
    knowledgeRoutes(deps),
    memberRoutes(deps),
    ...(deps.mailDir ? [mailRoutes({ mailDir: deps.mailDir })] : []),
    metricsRoutes(metrics),
  ];
  for (const { router } of open) app.use(router.routes()).use(router.allowedMethods());
  if (deps.workbench) {
    const files = serve(deps.workbench.dir);
    app.use((ctx, next) => (API_PATHS.test(ctx.path) ? next() : files(ctx, next)));
  }
  app.use(authenticate(deps.tokens));
  for (const { router } of callers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
