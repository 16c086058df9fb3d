import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import { validateRequest } from '../../../rules/request';
import { Refused, type RequestService } from '../../requests';
import type { RequestStore } from '../../store/store';
import { canSubmit } from '../access';
import type { AuthState } from '../authenticate';
import { HttpError } from '../http-error';
import { admitRequest, type IntakeDeps } from '../intake';

export interface RequestRoutesDeps extends IntakeDeps {
  requests: RequestService;
  store: RequestStore;
}

export function requestRoutes({ requests, store, network }: RequestRoutesDeps): Router<AuthState> {
  const router = new Router<AuthState>({ prefix: '/api/requests' });

  router.post('/', async (ctx) => {
    const body = ctx.request.body as unknown;
    // A request without an id gets one, so readers' forms need not invent them; a discovery
    // system that sends its own id can safely retry.
    const withId = body && typeof body === 'object' && !Array.isArray(body) && !('id' in body) ? { id: randomUUID(), ...body } : body;
    const { request, problems } = validateRequest(withId, 'request body');
    if (!request) {
      throw new HttpError(400, 'the request is not valid', {
        problems: problems.map((p) => ({ path: p.pointer, message: p.message })),
      });
    }
    canSubmit(ctx.state.caller, request);
    await admitRequest({ store, network }, request, ctx.query);
    const result = await requests.submit(request).catch((error) => {
      if (error instanceof Refused) throw new HttpError(400, 'the request is not valid', { problems: [{ path: error.pointer, message: error.message }] });
      throw error;
    });
    if (result.outcome === 'conflict') throw new HttpError(409, `another request already has id ${request.id}`);
    ctx.status = result.outcome === 'created' ? 201 : 200;
    ctx.set('Location', `/api/requests/${encodeURIComponent(request.id)}`);
    ctx.body = { id: request.id, workflowId: result.workflowId, status: await requests.state(request.id).then((s) => s.status) };
  });

  return router;
}
