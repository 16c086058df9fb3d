import Router from '@koa/router';
import { OpenUrlRefused, parseOpenUrl } from '../../../rules/openurl';
import type { AuthState } from '../authenticate';
import { Routes, type Contract } from '../contract';
import { HttpError } from '../http-error';

/**
 * Where the workbench's request form takes a draft: `<base64url of the draft's JSON>` follows. The
 * draft rides in the fragment, so it stays in the reader's browser and reaches no server log.
 */
export const REQUEST_FORM = '/#/request/new?draft=';

const openUrl: Contract = {
  method: 'get',
  path: '/openurl',
  summary: 'Read an OpenURL link into a draft request for the reader to confirm',
  // A reader's browser follows the link from a discovery system: it carries no token, and nothing is stored.
  query: {
    type: 'object',
    properties: { format: { description: 'json: answer the draft as JSON rather than send the browser to the request form', enum: ['json'] } },
    // Every OpenURL key is a query parameter; the standard asks that keys not understood be ignored.
    additionalProperties: true,
  },
  responses: {
    '200': {
      description: 'the draft, when the client asks for JSON (Accept: application/json, or format=json): {citation, service, problems, source}',
    },
    '303': { description: `to the workbench's request form with the draft (${REQUEST_FORM}<base64url JSON>)` },
    '400': { description: 'a link that cannot be read, naming the key' },
  },
};

/** `GET /openurl`: links from discovery systems, as readers' browsers follow them. */
export function openUrlRoutes(): Routes {
  return new Routes(new Router<AuthState>()).add<{ format?: 'json' }>(openUrl, async (ctx, { query }) => {
    // The raw query, not the parsed one: OpenURL repeats keys (rft_id, rft.au) and their order matters.
    const draft = (() => {
      try {
        return parseOpenUrl(new URLSearchParams(ctx.querystring));
      } catch (error) {
        if (!(error instanceof OpenUrlRefused)) throw error;
        throw new HttpError(400, `${error.key}: ${error.message}`, { problems: [{ path: `/query/${error.key}`, message: error.message }] });
      }
    })();
    if (query.format === 'json' || ctx.accepts('html', 'json') === 'json') {
      ctx.body = draft;
      return;
    }
    ctx.status = 303;
    ctx.redirect(REQUEST_FORM + Buffer.from(JSON.stringify(draft)).toString('base64url'));
  });
}
