import Router from '@koa/router';
import type { AuthState } from '../authenticate';
import { Routes } from '../contract';
import { HttpError } from '../http-error';
import { keptMail, listKeptMail } from '../../mail/outlets';

/**
 * Readers' mail kept under the data directory where no mail server is named (no `SMTP_URL`), for
 * the centre to read: nothing a reader is told goes unseen.
 */
export function mailRoutes({ mailDir }: { mailDir: string }): Routes {
  const routes = new Routes(new Router<AuthState>());
  routes.add<{ limit: number }>(
    {
      method: 'get',
      path: '/api/mail',
      summary: 'List the readers’ mail kept for want of a mail server',
      roles: ['administrator'],
      query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
      responses: { '200': { description: '`{"mail": [{id, messageId, from, to, subject, date}]}`, newest first' } },
    },
    async (ctx, { query }) => {
      ctx.body = { mail: await listKeptMail(mailDir, query.limit) };
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/api/mail/:id',
      summary: 'Read one kept message to a reader',
      roles: ['administrator'],
      params: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
      responses: { '200': { description: 'the message: id, messageId, from, to, subject, date and its text' } },
    },
    async (ctx, { params }) => {
      const mail = await keptMail(mailDir, params.id!);
      if (!mail) throw new HttpError(404, `no kept mail ${params.id}`);
      ctx.body = mail;
    },
  );
  return routes;
}
