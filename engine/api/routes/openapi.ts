import Router from '@koa/router';
import type { AuthState } from '../authenticate';
import { Routes, type Contract } from '../contract';
import { openApiDocument } from '../openapi';

/** `GET /openapi.json`: the API as its routes' contracts state it, read from them when asked. */
export function openApiRoutes(contracts: () => readonly Contract[]): Routes {
  return new Routes(new Router<AuthState>()).add(
    { method: 'get', path: '/openapi.json', summary: 'Read the description of this API (OpenAPI 3.1)', responses: { '200': { description: 'The OpenAPI document' } } },
    async (ctx) => {
      ctx.body = openApiDocument(contracts(), { title: 'CALIS ILL engine', version: '1' });
    },
  );
}
