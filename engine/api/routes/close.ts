// The centre's staff closing a request by hand, whatever open status it is in. Beside the other
// decisions' routes, under the same path, but for the centre alone.
import Router from '@koa/router';
import { closeUpdate } from '../../../workflows/definitions';
import type { RequestService } from '../../requests';
import type { RequestStore } from '../../store/store';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';

export interface CloseRoutesDeps {
  requests: RequestService;
  store: RequestStore;
}

export function closeRoutes({ requests, store }: CloseRoutesDeps): Routes {
  return new Routes(new Router<AuthState>()).add<Record<string, never>, { reason: string }>(
    {
      method: 'post',
      path: '/api/requests/:id/close',
      summary: 'Close an open request by hand',
      roles: ['administrator'],
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        properties: { reason: { type: 'string', pattern: '\\S', maxLength: 2000, description: 'Why: a partner that went silent, a request a fault broke. The supplier, the reader and the audit trail are told.' } },
      },
      responses: {
        '200': { description: 'The request, cancelled with a note that the centre closed it; its charges reversed in the ledger.' },
        '409': { description: 'The request has ended already, or is being closed or cancelled.' },
      },
    },
    async (ctx, { params, body }) => {
      const stored = await store.getRequest(params.id!);
      if (!stored) throw new HttpError(404, `no request ${params.id}`);
      const { subject, role, libraryId } = ctx.state.caller;
      ctx.body = await requests.decide(stored.request.id, closeUpdate, { actor: { subject, role, libraryId }, reason: body.reason });
    },
  );
}
