import common from '../../config/schemas/common.schema.json';
import { REFUSAL_CODES } from '../../domain/refusals';
import { pathParameters, PROBLEM, SAFE_ID, type Contract, type Schema } from './contract';

// The API's description, OpenAPI 3.1, written from the same contracts that check each call.

const COMMON_REF = 'common.schema.json#/$defs/';
const OWN_REF = '#/$defs/';

/**
 * A schema as the document holds it: references to common.schema.json point at its entries among
 * the components, and the `$schema` of a whole file (request.schema.json) is left to the document's dialect.
 */
function documented(value: unknown, inCommon = false): unknown {
  if (Array.isArray(value)) return value.map((item) => documented(item, inCommon));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !(key === '$schema' && typeof inner === 'string'))
      .map(([key, inner]) => {
        if (key !== '$ref' || typeof inner !== 'string') return [key, documented(inner, inCommon)];
        const name = inner.startsWith(COMMON_REF) ? inner.slice(COMMON_REF.length) : inCommon && inner.startsWith(OWN_REF) ? inner.slice(OWN_REF.length) : undefined;
        return [key, name === undefined ? inner : `#/components/schemas/${name}`];
      }),
  );
}

const ERROR: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['status', 'message'],
      properties: {
        status: { type: 'integer' },
        message: { type: 'string' },
        code: { enum: [...REFUSAL_CODES], description: 'Why a call was refused, for a client to act on (or word in its own language) without reading `message`' },
        problems: {
          type: 'array',
          description: 'Every field at fault: `path` is a JSON pointer into the call (`/params/…`, `/query/…`, `/body/…`)',
          items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(contract: Contract): Record<string, unknown> {
  const query = (contract.query?.properties ?? {}) as Record<string, Schema>;
  const requiredQuery = (contract.query?.required ?? []) as string[];
  const parameters = [
    ...pathParameters(contract.path).map((name) => ({ name, in: 'path', required: true, schema: documented(contract.params?.[name] ?? SAFE_ID) })),
    ...Object.entries(query).map(([name, schema]) => ({
      name,
      in: 'query',
      required: requiredQuery.includes(name),
      ...(typeof schema[PROBLEM] === 'string' ? { description: `The value ${schema[PROBLEM]}` } : {}),
      schema: documented(schema),
    })),
  ];
  const body = contract.body
    ? { required: true, content: { 'application/json': { schema: documented(contract.body) } } }
    : contract.accepts
      ? { required: true, description: contract.accepts.description, content: { [contract.accepts.mediaType]: { schema: { type: 'string' } } } }
      : undefined;
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(contract.responses ?? { '200': { description: 'Done' } }).map(([status, { description, schema, mediaType = 'application/json' }]) => [
      status,
      { description, ...(schema ? { content: { [mediaType]: { schema: documented(schema) } } } : {}) },
    ]),
  );
  if (contract.body || parameters.length > 0) responses['400'] ??= errorResponse('A field is not what the route takes: `problems` names each');
  if (contract.roles) {
    responses['401'] ??= errorResponse('No bearer token, or one the network did not sign or that has expired');
    responses['403'] ??= errorResponse("The caller's role or library may not do this");
  }
  if (pathParameters(contract.path).length > 0) responses['404'] ??= errorResponse("No such object, or another library's");
  return {
    operationId: `${contract.method}${contract.path.replace(/[/:-](\w)/g, (_, letter: string) => letter.toUpperCase()).replace(/\W/g, '')}`,
    summary: contract.summary,
    ...(contract.roles ? { description: `Roles: ${contract.roles.join(', ')}.`, 'x-roles': contract.roles } : {}),
    security: contract.roles ? [{ bearer: [] }] : [],
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** OpenAPI 3.1 for the contracts given: every path, its parameters, bodies, roles and the bearer scheme. */
export function openApiDocument(contracts: readonly Contract[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const contract of contracts) {
    const path = contract.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[contract.method] = operation(contract);
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The CALIS interlibrary-loan engine: readers’ requests, librarians’ and staff’s decisions, suppliers’ answers, lending to outside systems.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token the network signed for an account (`ill token`)' } },
      schemas: { Error: ERROR, ...(documented(common.$defs, true) as Record<string, Schema>) },
    },
  };
}
