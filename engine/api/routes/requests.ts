import Router from '@koa/router';
import { randomUUID } from 'node:crypto';
import requestSchema from '../../../config/schemas/request.schema.json';
import type { IllRequest } from '../../../domain/request';
import type { RequestService } from '../../requests';
import type { NetworkHolder } from '../../network';
import { canSubmit } from '../access';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';
import { admission, CONFIRM_DUPLICATE } from '../intake';

export interface RequestRoutesDeps {
  requests: RequestService;
  network: Pick<NetworkHolder, 'current'>;
}

/** A request as request.schema.json has it, but for its id: one sent without gets one. */
const SUBMITTED = { ...requestSchema, required: requestSchema.required.filter((name) => name !== 'id') };

export function requestRoutes({ requests, network }: RequestRoutesDeps): Routes {
  return new Routes(new Router<AuthState>()).add<{ duplicate?: string }, Omit<IllRequest, 'id'> & { id?: string; $schema?: string }>(
    {
      method: 'post',
      path: '/api/requests',
      summary: 'Submit a request for a reader of the library',
      roles: ['reader', 'librarian', 'administrator'],
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { [CONFIRM_DUPLICATE.parameter]: { const: CONFIRM_DUPLICATE.value, description: 'the reader means to ask again for a document they have open' } },
      },
      body: SUBMITTED,
      responses: { '201': { description: 'The request, new' }, '200': { description: 'The same request, submitted before' } },
    },
    async (ctx, { query, body }) => {
      // A request without an id gets one, so readers' forms need not invent them; a discovery
      // system that sends its own id can safely retry.
      const { $schema: _schema, ...fields } = body;
      const request: IllRequest = { ...fields, id: fields.id ?? randomUUID() };
      canSubmit(ctx.state.caller, request);
      const result = await requests.submit(request, admission(network, request, query[CONFIRM_DUPLICATE.parameter] === CONFIRM_DUPLICATE.value));
      if (result.outcome === 'conflict') throw new HttpError(409, `another request already has id ${request.id}`);
      ctx.status = result.outcome === 'created' ? 201 : 200;
      ctx.set('Location', `/api/requests/${encodeURIComponent(request.id)}`);
      ctx.body = { id: request.id, workflowId: result.workflowId, status: await requests.state(request.id).then((s) => s.status) };
    },
  );
}
