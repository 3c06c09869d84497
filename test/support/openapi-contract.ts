import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks admin-API responses against Kring's own OpenAPI document: the status must be one the operation
 * documents, the content type one of that response's, and the body must match its JSON Schema (the
 * document's schemas, `$ref`s into `components` included, through ajv for JSON Schema 2020-12 as OpenAPI
 * 3.1 uses). Paths are matched against the document's templates (`/orgs/{org}/members/{memberNumber}`).
 */

// ajv-formats is CommonJS with a default export: under NodeNext it arrives as the module namespace.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** The parts of an OpenAPI document the checker reads. */
interface OpenApiDoc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

/** One response as a client received it. */
export interface ObservedResponse {
  method: string;
  /** The request path as sent, with or without the `/api/v1` prefix, query allowed. */
  path: string;
  status: number;
  contentType: string | null;
  /** The raw body text. */
  text: string;
}

/** Which operation answered, and which of its documented statuses. */
export interface MatchedResponse {
  operationId: string;
  method: string;
  template: string;
  status: number;
}

const DOC_ID = 'https://kring.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Escapes a JSON Pointer token (RFC 6901). */
const pointer = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** `/orgs/{org}/polls/{pollId}/export.csv` as an anchored pattern: each `{…}` one path segment. */
function templatePattern(template: string): RegExp {
  const literal = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^/]+')}$`);
}

/** Validates responses against one OpenAPI document. */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp }[];
  private readonly base: string;

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
    // The whole document under one id: `#/components/schemas/…` references resolve inside it.
    this.ajv.addSchema({ ...(doc as object), $id: DOC_ID }, DOC_ID);
    this.base = (doc.servers?.[0]?.url ?? '/api/v1').replace(/\/+$/, '');
    this.templates = Object.keys(doc.paths)
      // Literal paths before templated ones, so `/orgs/{org}/members` never matches `{memberNumber}`.
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map((template) => ({ template, pattern: templatePattern(template) }));
  }

  /** Every operation of the document: `operationId` -> its method, template and documented statuses. */
  operations(): { operationId: string; method: string; template: string; statuses: number[] }[] {
    return Object.entries(this.doc.paths).flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({
        operationId: item[m]!.operationId ?? `${m} ${template}`,
        method: m,
        template,
        statuses: Object.keys(item[m]!.responses ?? {}).map(Number),
      })),
    );
  }

  /** The operation a request reached (undefined for paths and methods the document does not have). */
  operationOf(method: string, path: string): { operationId: string; template: string } | undefined {
    let p = path.split('?')[0]!;
    if (p.startsWith(this.base)) p = p.slice(this.base.length) || '/';
    const m = method.toLowerCase() as (typeof METHODS)[number];
    for (const { template, pattern } of this.templates) {
      if (pattern.test(p) && this.doc.paths[template]?.[m]) return { operationId: this.doc.paths[template][m]!.operationId ?? `${m} ${template}`, template };
    }
    return undefined;
  }

  /**
   * The contract problems of one response (empty when it holds), and which operation and status it was.
   * Responses to paths or methods the document does not list are not an operation's: no problems, no match.
   */
  check(response: ObservedResponse): { problems: string[]; matched?: MatchedResponse } {
    const op = this.operationOf(response.method, response.path);
    if (!op) return { problems: [] };
    const method = response.method.toLowerCase();
    const where = `${response.method.toUpperCase()} ${op.template} -> ${response.status}`;
    const matched: MatchedResponse = { operationId: op.operationId, method, template: op.template, status: response.status };
    const documented = this.doc.paths[op.template]![method]!.responses?.[String(response.status)];
    if (!documented) return { problems: [`${where}: status not documented (body ${response.text.slice(0, 200)})`], matched };
    const content = documented.content ?? {};
    const types = Object.keys(content);
    if (types.length === 0) {
      return { problems: response.text === '' ? [] : [`${where}: documents no body but got ${response.text.slice(0, 100)}`], matched };
    }
    const mediaType = (response.contentType ?? '').split(';')[0]!.trim();
    if (!types.includes(mediaType)) return { problems: [`${where}: content type ${mediaType || '(none)'} is not one of ${types.join(', ')}`], matched };
    let body: unknown = response.text;
    if (mediaType.endsWith('json')) {
      try {
        body = JSON.parse(response.text);
      } catch {
        return { problems: [`${where}: body is not JSON`], matched };
      }
    }
    const validate = this.validator(op.template, method, response.status, mediaType);
    if (validate(body)) return { problems: [], matched };
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return { problems: [`${where}: body does not match the schema: ${errors.join('; ')}`], matched };
  }

  /** The problems of one webhook delivery's body against the document's `webhooks` section (empty when it holds). */
  webhookProblems(event: string, body: unknown): string[] {
    const ref = `${DOC_ID}#/webhooks/${pointer(event)}/post/requestBody/content/application~1json/schema`;
    let validate = this.validators.get(ref);
    if (!validate) {
      if (!(this.doc as { webhooks?: Record<string, unknown> }).webhooks?.[event]) return [`webhook ${event} is not documented`];
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    if (validate(body)) return [];
    return [`webhook ${event}: body does not match the schema: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`).join('; ')}`];
  }

  private validator(template: string, method: string, status: number, mediaType: string): ValidateFunction {
    const ref = `${DOC_ID}#/paths/${pointer(template)}/${method}/responses/${status}/content/${pointer(mediaType)}/schema`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }
}
