import { z } from 'zod';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import { PLATFORMS } from '../../../kernel/types.js';
import { MAX_SUSPENSION_DAYS, type ModerationCase } from '../domain/moderation.js';
import type { ModerationService } from '../domain/moderation.service.js';

const caseSchema = z
  .object({
    number: z.number().int(),
    status: z.enum(['open', 'counsellor', 'closed']),
    outcome: z.enum(['dismissed', 'warned', 'suspended', 'resolved']).nullable(),
    platform: z.enum(PLATFORMS),
    workspaceId: z.string(),
    channelId: z.string(),
    messageId: z.string(),
    link: z.string().nullable(),
    reportedMember: z.object({ memberNumber: z.string(), name: z.string() }).nullable(),
    messageRemovedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ModerationCase', description: 'A reported message in the moderators\' queue. Who reported it is never part of the admin API.' });

const caseDetailSchema = caseSchema
  .extend({
    reports: z
      .array(z.object({ text: z.string().nullable().meta({ description: 'As the reporter submitted it; null once the case closed (erased).' }), note: z.string().nullable(), createdAt: z.iso.datetime() }))
      .meta({ description: 'Empty while the case is with the confidential counsellor.' }),
    audit: z.array(z.object({ action: z.string(), actor: z.string(), at: z.iso.datetime(), detail: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'ModerationCaseDetail' });

const decisionBody = z
  .discriminatedUnion('action', [
    z.strictObject({ action: z.literal('dismiss') }),
    z.strictObject({ action: z.literal('warn'), message: z.string().trim().max(1000).nullable().default(null) }),
    z.strictObject({ action: z.literal('remove') }),
    z.strictObject({ action: z.literal('suspend'), days: z.number().int().min(1).max(MAX_SUSPENSION_DAYS) }),
    z.strictObject({ action: z.literal('counsel') }),
    z.strictObject({ action: z.literal('resolve') }),
  ])
  .meta({ id: 'ModerationDecision' });

/** The case number as typed; anything that is not one is a case that does not exist (404). */
const casePath = z.object({ number: z.string().trim().min(1).max(40).meta({ description: 'The case number (per organisation, from 1).', example: '12' }) });
const caseNumber = (text: string): number => (/^\d{1,9}$/.test(text) ? Number(text) : 0);
/** Who acts through the admin API, as the audit log names it. */
const API_ACTOR = { memberId: null, label: 'admin API' } as const;

/** The moderators' case queue for the association's own systems (a dashboard, a CRM). */
export function moderationRoutes(deps: { moderation: ModerationService; memberOf(organizationId: string, id: string | null): Promise<{ memberNumber: string; name: string } | null> }): ApiRoute[] {
  const view = async (c: ModerationCase): Promise<z.output<typeof caseSchema>> => {
    const reported = await deps.memberOf(c.organizationId, c.reportedMemberId);
    return {
      number: c.number,
      status: c.status,
      outcome: c.outcome,
      platform: c.platform,
      workspaceId: c.workspaceId,
      channelId: c.channelId,
      messageId: c.messageId,
      link: c.link,
      reportedMember: reported ? { memberNumber: reported.memberNumber, name: reported.name } : null,
      messageRemovedAt: c.messageRemovedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
    };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/cases',
      operationId: 'listCases',
      summary: 'List moderation cases',
      description: 'Open cases and those with the confidential counsellor (default), or the closed ones.',
      tag: 'Moderation',
      scope: 'cases:read',
      query: z.object({ status: z.enum(['open', 'closed']).default('open'), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responses: { 200: { description: 'The cases, newest first.', schema: z.object({ data: z.array(caseSchema) }) } },
      async handle({ organization, query }) {
        const list = await deps.moderation.list(organization.id, { closed: query.status === 'closed', limit: query.limit });
        return { status: 200, json: { data: await Promise.all(list.map(view)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/cases/{number}',
      operationId: 'getCase',
      summary: 'A case with its reports and audit log',
      tag: 'Moderation',
      scope: 'cases:read',
      params: casePath,
      responses: { 200: { description: 'The case.', schema: caseDetailSchema } },
      async handle({ organization, params }) {
        const d = await deps.moderation.show(organization.id, caseNumber(params.number), API_ACTOR);
        return {
          status: 200,
          json: {
            ...(await view(d.case)),
            reports: d.reports.map((r) => ({ text: r.text, note: r.note, createdAt: r.createdAt.toISOString() })),
            audit: d.audit.map((a) => ({ action: a.action, actor: a.actorLabel, at: a.at.toISOString(), detail: a.detail })),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/cases/{number}/decision',
      operationId: 'decideCase',
      summary: 'Decide on a case',
      description: '`dismiss`, `warn` (direct message to the author), `remove` (the message, where the platform lets the bot), `suspend` for `days` (access on every platform, restored afterwards), `counsel` (hand to the confidential counsellor) or `resolve`. Reporters are told the outcome.',
      tag: 'Moderation',
      scope: 'cases:write',
      params: casePath,
      body: decisionBody,
      errors: {
        409: '`MODERATION.CASE_CLOSED` or `MODERATION.WITH_COUNSELLOR`.',
        422: '`MODERATION.NO_MEMBER` (the author is not a linked member), `MODERATION.NO_COUNSELLOR`, `MODERATION.CANNOT_REMOVE` or `MODERATION.BAD_DAYS`.',
      },
      responses: { 200: { description: 'The case after the decision.', schema: caseSchema } },
      async handle({ organization, params, body }) {
        const c = await inBody(() => deps.moderation.decide(organization.id, caseNumber(params.number), API_ACTOR, body));
        return { status: 200, json: await view(c) };
      },
    }),
  ];
}
