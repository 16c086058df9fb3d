// Every route states what it takes (path parameters, query, body as JSON Schemas) and which roles
// may call it; the same statements check each call and describe the API. A route's handler sees
// only input that passed its schemas, and a caller learns which field was wrong.
import type Router from '@koa/router';
import type { Context } from 'koa';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import common from '../../config/schemas/common.schema.json';
import { FORMATS } from '../../rules/schemas';
import type { Role } from '../auth/tokens';
import type { AuthState } from './authenticate';
import { HttpError } from './http-error';

export type Schema = Record<string, unknown>;

/**
 * What a caller is told when a value does not match the schema's pattern or format, instead of ajv's
 * wording, which says nothing a librarian can act on. An annotation of ours (OpenAPI allows `x-`).
 */
export const PROBLEM = 'x-problem';

/** Ids of requests, libraries, suppliers and tasks: nothing that could climb out of a path or a workflow id. */
export const SAFE_ID: Schema = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$',
  [PROBLEM]: 'must be an id of at most 128 letters, digits and . _ : ~ -, starting with a letter or digit',
};

/** An instant as RFC 3339 has it, with its time zone, and a T between date and time (ajv-formats also takes a space). */
export const INSTANT: Schema = {
  type: 'string',
  format: 'date-time',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]',
  [PROBLEM]: 'must be a date and time with its time zone (RFC 3339), such as 2026-12-07T09:30:00+08:00',
};

/** An amount of money: what a supplier charges or asks. */
export const MONEY: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'number', minimum: 0 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', [PROBLEM]: 'must be an ISO 4217 code such as CNY' },
  },
};

/** Text that is not blank. */
export const TEXT: Schema = { type: 'string', pattern: '\\S', [PROBLEM]: 'must not be blank' };

/** A body of no fields. */
export const NO_FIELDS: Schema = { type: 'object', additionalProperties: false };

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
  /** A body that is not JSON, read by the handler itself: its media type and what it holds, for the description. */
  accepts?: { mediaType: string; description: string };
  /** What a successful call answers, for the description only. */
  responses?: Record<string, { description: string; schema?: Schema; mediaType?: string }>;
}

export interface Input<Q, B> {
  params: Record<string, string>;
  query: Q;
  body: B;
}

export type RouteContext = Context & { state: AuthState };

export interface Problem {
  /** JSON pointer into the call: `/params/id`, `/query/limit`, `/body/cost/amount`. */
  path: string;
  message: string;
}

/** Input that does not fit the route's contract: every field at fault, the first named in the message. */
export class InvalidInput extends Error {
  constructor(readonly problems: Problem[]) {
    super(`${problems[0]!.path} ${problems[0]!.message}`);
  }
}

const RFC3339 = fullFormats['date-time'] as { validate: (value: string) => boolean };

function validator(options: { coerceTypes?: 'array'; useDefaults?: boolean }): Ajv2020 {
  // verbose: the failing schema is at hand to word the problem; discriminator: a body chosen by one field reports that branch's faults only.
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false, verbose: true, discriminator: true, ...options }), ['uri']);
  // RFC 3339 allows a leap second (23:59:60), which no JavaScript date can hold: such an instant is
  // refused here rather than becoming an invalid date in a search or a loan's due date.
  ajv.addFormat('date-time', (value: string) => RFC3339.validate(value) && !Number.isNaN(Date.parse(value)));
  // The configuration's formats (date, language, e-mail), so a request is held to what `ill route` holds it to.
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format.valid);
  // request.schema.json and others refer to it by this name.
  ajv.addSchema(common, 'common.schema.json');
  return ajv;
}

const strict = validator({});
// A query string carries only text: numbers and flags are read from it as the schema says.
const fromText = validator({ coerceTypes: 'array', useDefaults: true });

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function wording(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const own = (error.parentSchema as Schema | undefined)?.[PROBLEM];
  if (typeof own === 'string' && (error.keyword === 'pattern' || error.keyword === 'format')) return own;
  const format = error.keyword === 'format' ? FORMATS[String(params.format)]?.problem(String(error.data)) : undefined;
  if (format) return format;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field this route takes';
    case 'type':
      return `must be ${String(params.type).split(',').map(article).join(' or ')}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minimum':
      return `must be a number of ${String(params.limit)} or more`;
    case 'exclusiveMinimum':
      return `must be a number above ${String(params.limit)}`;
    case 'maximum':
      return `must be a number of ${String(params.limit)} or less`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'minItems':
      return `must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`;
    case 'discriminator': {
      const values = ((error.parentSchema as { oneOf?: { properties: Record<string, { const: string }> }[] }).oneOf ?? []).map((branch) => branch.properties[String(params.tag)]?.const);
      return `must be one of ${values.join(', ')}`;
    }
    default:
      return error.message ?? 'is not valid';
  }
}

function problemsOf(where: string, errors: ErrorObject[]): Problem[] {
  const problems = errors
    // The `if` of an if/then says only that its `then` failed, which has its own error.
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      const field = error.keyword === 'additionalProperties' ? params.additionalProperty : error.keyword === 'required' ? params.missingProperty : error.keyword === 'discriminator' ? params.tag : undefined;
      return { path: `${where}${error.instancePath}${field === undefined ? '' : `/${String(field)}`}`, message: wording(error) };
    });
  return problems.filter((problem, index) => problems.findIndex((p) => p.path === problem.path && p.message === problem.message) === index);
}

function check(validate: ValidateFunction, value: unknown, where: string): void {
  if (!validate(value)) throw new InvalidInput(problemsOf(where, validate.errors ?? []));
}

/** Lower-cases a summary's first letter, to say what a role cannot do. */
const doing = (summary: string) => `${summary.charAt(0).toLowerCase()}${summary.slice(1)}`;

/** The path parameters a contract's path names. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((match) => match[1]!);

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
    const names = pathParameters(contract.path);
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
      if (contract.roles && !contract.roles.includes(caller.role)) throw new HttpError(403, `the ${caller.role} role cannot ${doing(contract.summary)}`);
      const input = { params: { ...ctx.params }, query: listsIn(contract.query, { ...ctx.query }), body: ctx.request.body ?? {} };
      check(params, input.params, '/params');
      check(query, input.query, '/query');
      if (body) check(body, input.body, '/body');
      await handler(ctx as RouteContext, input as Input<Q, B>);
    });
    return this;
  }
}
