import type { z } from 'zod';
import { ValidationError } from '../../kernel/errors.js';
import type { ApiToken } from '../../kernel/api-access.js';
import type { ApiScope } from '../../kernel/api-access.js';
import type { Organization } from '../../kernel/community.js';

/**
 * One API operation, declared once: the router validates requests with its zod schemas and the OpenAPI
 * document is generated from the same declaration, so the two cannot drift. Paths are written the
 * OpenAPI way (`/orgs/{org}/members/{memberNumber}`) relative to `/api/v1`; every operation lives under
 * `/orgs/{org}`, which the router resolves (and checks against the token) before the handler runs.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented response of an operation (errors are added to every operation by the generator). */
export interface ApiResponseSpec {
  description: string;
  /** JSON body schema; absent for 204. */
  schema?: z.ZodType;
  /** Default `application/json`. */
  contentType?: string;
}

/** What a handler returns: a JSON body, a text body (CSV, iCalendar), bytes (XLSX) or nothing. */
export type ApiResult =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  | { status: number; bytes: Uint8Array; contentType: string; headers?: Record<string, string> }
  | { status: 204; headers?: Record<string, string> };

/** A handler's input, already validated. */
export interface ApiRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The organisation of the path, which is the token's. */
  organization: Organization;
  token: ApiToken;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** An operation as written in a routes file (typed handler). */
export interface ApiRouteSpec<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: HttpMethod;
  /** OpenAPI path relative to /api/v1, starting `/orgs/{org}`. */
  path: `/orgs/{org}${string}`;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: ApiScope;
  /** Path parameters other than `org`. */
  params?: P;
  query?: Q;
  body?: B;
  /** Success responses by status. */
  responses: Record<number, ApiResponseSpec>;
  /** The operation's own errors besides those every operation has: when it answers 409 or 422, and why. */
  errors?: ApiOperationErrors;
  handle(request: ApiRequest<Out<P> & { org: string }, Out<Q>, Out<B>>): Promise<ApiResult>;
}

/**
 * Errors only some operations answer, documented with the operation: 409 (it conflicts with the state of
 * the resource, e.g. closed already) and 422 (valid, but a rule forbids it, e.g. a deadline in the past).
 */
export type ApiOperationErrors = Partial<Record<409 | 422, string>>;

/** An operation with its handler's types erased, as the router and the generator see it. */
export interface ApiRoute {
  method: HttpMethod;
  path: `/orgs/{org}${string}`;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: ApiScope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ApiResponseSpec>;
  errors?: ApiOperationErrors;
  handle(request: ApiRequest<unknown, unknown, unknown>): Promise<ApiResult>;
}

/** An OpenAPI tag a capability's operations use, with its description. */
export interface ApiTag {
  name: string;
  description: string;
}

/** An outgoing webhook a capability sends, as the OpenAPI document's `webhooks` section shows it. */
export interface ApiWebhook {
  /** The event type, e.g. `poll.closed`. */
  event: string;
  /** The tag it is listed under. */
  tag: string;
  description: string;
  /** The request headers Kring sends. */
  headers: z.ZodObject;
  /** The JSON body. */
  body: z.ZodType;
}

/** What a capability adds to the admin API: its operations, their tags, the webhooks it sends. */
export interface ApiContribution {
  routes?: readonly ApiRoute[];
  tags?: readonly ApiTag[];
  webhooks?: readonly ApiWebhook[];
}

/** Declares an operation; the generics give the handler the schemas' output types. */
export function defineRoute<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: ApiRouteSpec<P, Q, B>): ApiRoute {
  return spec as unknown as ApiRoute;
}

/** `/orgs/{org}/members/{memberNumber}` -> `/orgs/:org/members/:memberNumber` (Express syntax). */
export function toExpressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/**
 * Runs a service call whose ValidationError refers to the request body's fields (the service validates
 * rules the schema cannot, e.g. duplicates), and prefixes the paths with `body.` like the router does.
 */
export async function inBody<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(err.issues.map((i) => ({ path: i.path ? `body.${i.path}` : 'body', message: i.message })), { cause: err });
    }
    throw err;
  }
}
