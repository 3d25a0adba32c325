import { z } from 'zod';
import { CSRF_COOKIE, CSRF_HEADER } from './csrf.ts';
import { API_ROUTES, HOST_JOB_ROUTES, openApiPath, PATH_PARAMS, pathParams, type ApiRoute, type HostJobOperation } from './api-contract.ts';
import { API_RESPONSES, type ApiResponseName } from './api-responses.ts';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const SCHEMAS = '#/components/schemas/';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'Done; no body',
  400: 'Bad input: names the field, nothing written',
  401: 'No session, or a token that is not (or no longer) valid',
  403: 'Not allowed, or a missing or wrong CSRF token (`csrf`) on a change made with a cookie session',
  404: 'Not found, or not yours to see',
  409: 'Changed by someone else meanwhile (`currentVersion`), or a limit reached (`limit`)',
  413: 'Body over its size limit (`limitKib`)',
  415: 'A body in a charset or content encoding the API does not read',
  429: 'Too many reveals or refused tokens; retry after `Retry-After` seconds',
  500: 'Unexpected failure; nothing about it is shown',
  503: 'The database or the host platform is away; retry after `Retry-After` seconds',
};

/** The refusals every route with a session can give, and the schema of each body. */
const SESSION_REFUSALS: Record<number, ApiResponseName> = {
  400: 'InvalidInput', 401: 'Unauthenticated', 403: 'Forbidden', 404: 'NotFound', 413: 'BodyTooLarge', 415: 'UnsupportedBody', 429: 'RateLimited',
  500: 'Internal', 503: 'Unavailable',
};

/** A host job has no session: its token is accepted or not (401), and nothing is refused for the caller's rights. */
const HOST_JOB_REFUSALS: Record<number, ApiResponseName> = {
  400: 'InvalidInput', 401: 'Unauthenticated', 413: 'BodyTooLarge', 415: 'UnsupportedBody', 500: 'Internal', 503: 'Unavailable',
};

export const SECURITY_SCHEMES = {
  panelSession: {
    type: 'apiKey', in: 'cookie', name: CSRF_COOKIE,
    description: 'A panel\'s session: the host\'s own sign-in (hosts running Latchkey in-process) or the frame-session cookie Latchkey sets '
      + `when a host's embed token is accepted, together with the \`${CSRF_COOKIE}\` cookie the panel sets. Changes (every method but GET) `
      + 'also need the `csrfToken` header.',
  },
  csrfToken: {
    type: 'apiKey', in: 'header', name: CSRF_HEADER,
    description: `The token a rendered panel carries in \`data-lk-csrf\`; bound to the \`${CSRF_COOKIE}\` cookie and the actor.`,
  },
  hostToken: {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: 'For the host\'s own server only: a short-lived token the host signs like its embed tokens, with `sub` `system`, '
      + '`ctx` `{"job": "reminders"}` or `{"job": "service-events"}` and a `jti` accepted once. Also taken as the form field `token`.',
  },
  bearerAuth: {
    type: 'http', scheme: 'bearer',
    description: 'An API token an admin created in the addon pages. It acts as that admin, within the scopes it was given '
      + '(listed per operation: read, reveal, write, manage). No CSRF token is needed.',
  },
} as const;

/**
 * The OpenAPI 3.1 document of the JSON API under `{basePath}/api`, built from
 * API_ROUTES, the host jobs the mount registered, and the zod schemas the
 * routes validate with (requests) and answer with (API_RESPONSES). It holds
 * no secret and no per-install value but the base path.
 */
export function openApiDocument(basePath: string, hostJobs: readonly HostJobOperation[] = []): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const requestSchemas: Array<[string, z.ZodType]> = [];
  const routes: Array<[string, ApiRoute]> = [...Object.entries(API_ROUTES), ...hostJobs.map((job) => [job, HOST_JOB_ROUTES[job]] as [string, ApiRoute])];
  for (const [operationId, route] of routes) {
    const operation = operationOf(operationId, route);
    if (route.body) {
      const id = `${operationId[0]!.toUpperCase()}${operationId.slice(1)}Body`;
      requestSchemas.push([id, route.body.schema]);
      const schema = { schema: { $ref: `${SCHEMAS}${id}` } };
      operation.requestBody = { required: !route.body.optional, content: route.body.form ? { [JSON_TYPE]: schema, [FORM_TYPE]: schema } : { [JSON_TYPE]: schema } };
    }
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Latchkey JSON API',
      version: '1',
      description: 'The API behind Latchkey\'s panels. Every answer carries `Cache-Control: no-store` but this document\'s. '
        + 'Refusals are JSON `{ error, message }`; bad input adds the refused `field` and every `issues` entry.',
    },
    servers: [{ url: `${basePath}/api` }],
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: { ...components(Object.entries(API_RESPONSES), 'output'), ...components(requestSchemas, 'input') },
    },
  };
}

function operationOf(operationId: string, route: ApiRoute): JsonSchema {
  const parameters = [
    ...pathParams(route.path).map((name) => ({ name, in: 'path', required: true, schema: jsonSchema(PATH_PARAMS[name], 'input') })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
      name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: jsonSchema(schema as z.ZodType, 'input'),
    })),
  ];
  const responses: Record<string, JsonSchema> = {};
  const refusals = route.access === 'public' ? {} : route.access === 'hostJob' ? HOST_JOB_REFUSALS : SESSION_REFUSALS;
  const answers: Partial<Record<number, ApiResponseName | null>> = { ...route.responses, ...refusals };
  for (const [status, name] of Object.entries(answers).sort(([a], [b]) => Number(a) - Number(b))) {
    if (name === undefined) continue;
    responses[status] = name === null && status === '200' && route.download
      ? { description: `${STATUS_TEXT[200]}: a file to save`, content: Object.fromEntries(route.download.map((type) => [type, { schema: { type: 'string' } }])) }
      : name === null
      ? { description: STATUS_TEXT[Number(status)] }
      : { description: STATUS_TEXT[Number(status)], content: { [JSON_TYPE]: { schema: { $ref: `${SCHEMAS}${name}` } } } };
  }
  return {
    operationId,
    summary: route.summary,
    tags: [route.path.split('/')[1]!.replace(/\..*$/, '')],
    security: securityOf(route),
    ...(parameters.length ? { parameters } : {}),
    responses,
  };
}

/** A cookie session needs the CSRF header on changes; a token never does (where one may call at all); the document itself needs nothing. */
function securityOf(route: ApiRoute): Array<Record<string, string[]>> {
  if (route.access === 'hostJob') return [{ hostToken: [] }];
  if (route.access === 'public') return [];
  const cookie: Record<string, string[]> = route.method === 'get' ? { panelSession: [] } : { panelSession: [], csrfToken: [] };
  return route.tokenScope ? [cookie, { bearerAuth: [route.tokenScope] }] : [cookie];
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Named schemas as `components.schemas` entries; a named schema used inside another becomes a `$ref`. */
function components(named: ReadonlyArray<[string, z.ZodType]>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', unrepresentable: 'any', uri: (id) => `${SCHEMAS}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    return [id, rest];
  }));
}
