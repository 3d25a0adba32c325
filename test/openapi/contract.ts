import Ajv2020 from 'ajv/dist/2020.js';
import type { Express, Router } from 'express';
import type { HttpResponse } from '../express/harness.ts';

/** The parts of an OpenAPI 3.1 document these tests read. */
export interface Document {
  openapi: string;
  info: { title: string; version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, { type: string }> };
}

export interface Operation {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref: string } }> }>;
}

/** `GET /entries/{id}` for every operation of the document. */
export function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: Router & { stack?: Layer[] };
  match(path: string): boolean;
}

/**
 * The routers an app mounts at `{base}/api` (the API's own, and those of the
 * host jobs the mount has), found by asking each layer which path it
 * answers, as Express does.
 */
export function apiRoutersOf(app: Express, base: string): Array<Router & { stack: Layer[] }> {
  const mounted = (stack: Layer[], path: string) => stack.filter((layer) => !layer.route && layer.handle.stack && layer.match(path)).map((layer) => layer.handle);
  const [latchkey] = mounted((app as unknown as { router: { stack: Layer[] } }).router.stack, base);
  const routers = latchkey?.stack ? mounted(latchkey.stack, '/api') : [];
  if (routers.length === 0) throw new Error(`no router mounted at ${base}/api`);
  return routers as Array<Router & { stack: Layer[] }>;
}

/**
 * `GET /entries/{id}` for every route registered on the app's routers at
 * `{base}/api`, read from the routers themselves, once each: a route with a
 * body limit of its own is registered twice (its parser, then its handler).
 */
export function registeredApiRoutes(app: Express, base: string): string[] {
  return [...new Set(apiRoutersOf(app, base)
    .flatMap((router): Layer[] => router.stack)
    .filter((layer) => layer.route)
    .flatMap(({ route }) => Object.keys(route!.methods).filter((m) => m !== '_all').map((method) => `${method.toUpperCase()} ${route!.path.replace(/:([A-Za-z]+)/g, '{$1}')}`)))]
    .sort();
}

/**
 * Checks real answers against the document: the operation must list the
 * status, and the body must match the schema the document gives for it
 * (no body where it gives none). Records which operation answered what.
 */
export class ResponseContract {
  private readonly ajv = new Ajv2020.default({ allErrors: true, strict: true, validateFormats: false });
  private readonly operations = new Map<string, Operation>();
  /** `operationId` → the statuses checked. */
  readonly seen = new Map<string, Set<number>>();

  constructor(readonly document: Document) {
    // The document's own keywords, so that its schemas can be referred to where they stand.
    this.ajv.addVocabulary(['openapi', 'info', 'servers', 'paths', 'components']);
    this.ajv.addSchema(document, 'openapi');
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) this.operations.set(operation.operationId, operation);
    }
  }

  /** Why `response` does not match what the document says `operationId` answers with its status; [] when it does. */
  problems(operationId: string, response: Pick<HttpResponse, 'status' | 'text'>): string[] {
    const operation = this.operations.get(operationId);
    if (!operation) return [`${operationId} is not in the document`];
    const documented = operation.responses[String(response.status)];
    if (!documented) return [`${operationId} answered ${response.status}, which the document does not list`];
    const schema = documented.content?.['application/json']?.schema;
    // A file to save: any body, in one of the media types the document lists.
    if (documented.content && !schema?.$ref) return [];
    if (!schema) return response.text === '' ? [] : [`${operationId} ${response.status} has a body the document does not describe`];
    const validate = this.ajv.compile({ $ref: `openapi${schema.$ref}` });
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return [`${operationId} ${response.status} is not JSON: ${response.text.slice(0, 80)}`];
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${operationId} ${response.status} ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Throws unless the response matches; records it as seen. */
  check(operationId: string, response: Pick<HttpResponse, 'status' | 'text'>): void {
    const problems = this.problems(operationId, response);
    if (problems.length) throw new Error(`${problems.join('\n')}\nbody: ${response.text.slice(0, 500)}`);
    if (!this.seen.has(operationId)) this.seen.set(operationId, new Set());
    this.seen.get(operationId)!.add(response.status);
  }
}
