// Every route states what it takes (path parameters, query, body as JSON Schemas) and which roles
// may call it; the same statements check each call and describe the API. A route's handler sees
// only input that passed its schemas, and a caller learns which field was wrong.
import type Router from '@koa/router';
import type { Context } from 'koa';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Role } from '../auth/tokens';
import type { AuthState } from './authenticate';
import { HttpError } from './http-error';

export type Schema = Record<string, unknown>;

/** Ids of requests, libraries, suppliers and tasks: nothing that could climb out of a path or a workflow id. */
export const SAFE_ID: Schema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$' };

export interface Contract {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The full path as the router matches it, `:name` for a parameter. */
  path: string;
  summary: string;
  /** The roles that may call it at all (the handler narrows by library); none: no bearer token needed. */
  roles?: readonly Role[];
  /** Each path parameter's schema; a parameter not named here is a SAFE_ID. */
  params?: Record<string, Schema>;
  /** The query as an object of strings, numbers and booleans (converted from the query string). */
  query?: Schema;
  body?: Schema;
  /** What a successful call answers, for the description only. */
  responses?: Record<string, { description: string; schema?: Schema }>;
}

export interface Input<Q, B> {
  params: Record<string, string>;
  query: Q;
  body: B;
}

export type RouteContext = Context & { state: AuthState };

const strict = addFormats(new Ajv2020({ allErrors: true, strict: false }), ['date-time', 'date', 'uri', 'email']);
// A query string carries only text: numbers and flags are read from it as the schema says.
const fromText = addFormats(new Ajv2020({ allErrors: true, strict: false, coerceTypes: 'array', useDefaults: true }), ['date-time', 'date', 'uri', 'email']);

function problemsOf(where: string, errors: ErrorObject[]): { path: string; message: string }[] {
  return errors.map((error) => {
    const extra =
      error.keyword === 'additionalProperties'
        ? `/${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.keyword === 'required'
          ? `/${String((error.params as { missingProperty: string }).missingProperty)}`
          : '';
    const path = `${where}${error.instancePath}${extra}`;
    const message =
      error.keyword === 'additionalProperties' ? 'is not a field this route takes' : error.keyword === 'required' ? 'is required' : (error.message ?? 'is not valid');
    return { path, message };
  });
}

function check(validate: ValidateFunction, value: unknown, where: string): void {
  if (validate(value)) return;
  const problems = problemsOf(where, validate.errors ?? []);
  const first = problems[0]!;
  throw new HttpError(400, `${first.path} ${first.message}`, { problems });
}

/** A list in a query may come as `by=a,b` as well as `by=a&by=b`. */
function listsIn(schema: Schema | undefined, query: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  for (const [name, value] of Object.entries(query)) {
    if (properties[name]?.type !== 'array') continue;
    query[name] = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).filter((item) => item !== '');
  }
  return query;
}

/** The routes of one part of the API, each registered on the router with its contract. */
export class Routes {
  readonly contracts: Contract[] = [];

  constructor(readonly router: Router<AuthState>) {}

  add<Q = Record<string, never>, B = undefined>(contract: Contract, handler: (ctx: RouteContext, input: Input<Q, B>) => Promise<void>): this {
    const names = [...contract.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
    const params = fromText.compile({
      type: 'object',
      properties: Object.fromEntries(names.map((name) => [name, contract.params?.[name] ?? SAFE_ID])),
      required: names,
    });
    const query = fromText.compile(contract.query ?? { type: 'object', additionalProperties: false });
    const body = contract.body ? strict.compile(contract.body) : undefined;
    this.contracts.push(contract);
    this.router[contract.method](contract.path, async (ctx) => {
      const caller = ctx.state.caller;
      if (contract.roles && !contract.roles.includes(caller.role)) {
        throw new HttpError(403, `the ${caller.role} role cannot ${contract.summary.charAt(0).toLowerCase()}${contract.summary.slice(1)}`);
      }
      const input = { params: { ...ctx.params }, query: listsIn(contract.query, { ...ctx.query }), body: ctx.request.body ?? {} };
      check(params, input.params, '/params');
      check(query, input.query, '/query');
      if (body) check(body, input.body, '/body');
      await handler(ctx as RouteContext, input as Input<Q, B>);
    });
    return this;
  }
}
