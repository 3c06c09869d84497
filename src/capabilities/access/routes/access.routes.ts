import { z } from 'zod';
import { line } from '../../../http/api/common.schemas.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import { MEMBER_ROLES, type Member } from '../../../kernel/community.js';
import { NotFoundError } from '../../../kernel/errors.js';
import type { MemberRepository } from '../../../kernel/ports/directory.js';
import { PLATFORMS } from '../../../kernel/types.js';
import { MAX_GRACE_DAYS, type AccessPlace } from '../domain/access.js';
import type { AccessService } from '../domain/access.service.js';

export interface AccessRoutesDeps {
  access: AccessService;
  members: Pick<MemberRepository, 'findByNumber'>;
}

const audienceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('roles'), roles: z.array(z.enum(MEMBER_ROLES)).min(1).max(MEMBER_ROLES.length) }),
    z.strictObject({ kind: z.literal('chapters'), chapterIds: z.array(z.uuid()).min(1).max(100) }),
  ])
  .meta({ id: 'AccessAudience', description: 'Who may enter: every active member, holders of some roles, or members of some chapters.' });

const placeSchema = z
  .object({
    id: z.uuid(),
    platform: z.enum(PLATFORMS),
    workspaceId: z.string(),
    kind: z.enum(['role', 'channel']),
    externalId: z.string(),
    name: z.string().nullable(),
    audience: audienceSchema,
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AccessPlace' });

const placeBody = z
  .strictObject({
    platform: z.enum(['discord', 'slack', 'teams']),
    workspaceId: z.string().trim().min(1).max(256).meta({ description: 'Discord guild id, Slack team id or Teams tenant id.' }),
    kind: z.enum(['role', 'channel']).meta({ description: 'Discord: `role`; Slack and Teams: `channel` (a private channel Kring is in).' }),
    externalId: z.string().trim().min(1).max(256).meta({ description: 'The Discord role id or the channel id.' }),
    name: z.string().trim().min(1).max(100).nullable().default(null),
    audience: audienceSchema.default({ kind: 'all' }),
  })
  .meta({ id: 'AccessPlaceInput' });

const settingsSchema = z
  .object({
    graceDays: z.number().int(),
    rulesVersion: z.number().int(),
    rules: z.object({ nl: z.string().nullable(), en: z.string().nullable() }),
    rulesUpdatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'AccessSettings' });

const settingsBody = z
  .strictObject({
    graceDays: z.number().int().min(0).max(MAX_GRACE_DAYS).optional(),
    rules: z.strictObject({ nl: z.string().trim().min(1).max(8000).nullable().optional(), en: z.string().trim().min(1).max(8000).nullable().optional() }).optional(),
  })
  .meta({ id: 'AccessSettingsInput' });

const memberAccessSchema = z
  .object({
    standing: z.enum(['member', 'grace', 'ended', 'suspended']),
    lapsedAt: z.iso.datetime().nullable(),
    accessRevokedAt: z.iso.datetime().nullable(),
    suspendedUntil: z.iso.datetime().nullable(),
    grants: z.array(z.object({ platform: z.enum(PLATFORMS), workspaceId: z.string(), platformUserId: z.string(), place: z.string(), grantedAt: z.iso.datetime() })),
  })
  .meta({ id: 'MemberAccess' });

const placeView = (place: AccessPlace): z.output<typeof placeSchema> => ({
  id: place.id,
  platform: place.platform,
  workspaceId: place.workspaceId,
  kind: place.kind,
  externalId: place.externalId,
  name: place.name,
  audience: place.audience,
  createdAt: place.createdAt.toISOString(),
});

/** Members-only places, the grace period and house rules, and one member's access. */
export function accessRoutes(deps: AccessRoutesDeps): ApiRoute[] {
  const settingsView = async (organizationId: string) => {
    const s = await deps.access.settings(organizationId);
    return { graceDays: s.graceDays, rulesVersion: s.rulesVersion, rules: s.rules, rulesUpdatedAt: s.rulesUpdatedAt?.toISOString() ?? null };
  };
  const found = async (organizationId: string, memberNumber: string): Promise<Member> => {
    const member = await deps.members.findByNumber(organizationId, memberNumber);
    if (!member) throw new NotFoundError('API.MEMBER_NOT_FOUND', `No member with number ${memberNumber}.`);
    return member;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/access/places',
      operationId: 'listAccessPlaces',
      summary: 'List the members-only places',
      tag: 'Access',
      scope: 'access:read',
      responses: { 200: { description: 'The places.', schema: z.object({ data: z.array(placeSchema) }) } },
      async handle({ organization }) {
        return { status: 200, json: { data: (await deps.access.listPlaces(organization.id)).map(placeView) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/access/places',
      operationId: 'saveAccessPlace',
      summary: 'Make a place members-only (or change who it is for)',
      description: 'Kring lets the members of the audience in (through the queue) and takes out whom it no longer concerns.',
      tag: 'Access',
      scope: 'access:write',
      body: placeBody,
      errors: { 422: '`ACCESS.KIND_NOT_SUPPORTED` (Discord places are roles, Slack and Teams places channels) or `ACCESS.PLATFORM_CANNOT` (the platform cannot open and close places with the current setup).' },
      responses: { 201: { description: 'The place.', schema: placeSchema } },
      async handle({ organization, body }) {
        const place = await inBody(() => deps.access.addPlace({ organizationId: organization.id, ...body }));
        return { status: 201, json: placeView(place) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/orgs/{org}/access/places/{placeId}',
      operationId: 'removeAccessPlace',
      summary: 'Stop managing a members-only place',
      description: 'Everyone Kring let in is taken out (through the queue).',
      tag: 'Access',
      scope: 'access:write',
      params: z.object({ placeId: z.uuid() }),
      responses: { 200: { description: 'The removed place.', schema: placeSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: placeView(await deps.access.removePlace(organization.id, params.placeId)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/access/settings',
      operationId: 'getAccessSettings',
      summary: 'The grace period and the house rules',
      tag: 'Access',
      scope: 'access:read',
      responses: { 200: { description: 'The settings.', schema: settingsSchema } },
      async handle({ organization }) {
        return { status: 200, json: await settingsView(organization.id) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/orgs/{org}/access/settings',
      operationId: 'changeAccessSettings',
      summary: 'Change the grace period or the house rules',
      description: 'New rules get a new version: members are asked to agree again.',
      tag: 'Access',
      scope: 'access:write',
      body: settingsBody,
      responses: { 200: { description: 'The settings.', schema: settingsSchema } },
      async handle({ organization, body }) {
        if (body.graceDays !== undefined) await deps.access.setGraceDays(organization.id, body.graceDays);
        if (body.rules !== undefined && (body.rules.nl !== undefined || body.rules.en !== undefined)) {
          const rules: Partial<Record<'nl' | 'en', string | null>> = {};
          if (body.rules.nl !== undefined) rules.nl = body.rules.nl;
          if (body.rules.en !== undefined) rules.en = body.rules.en;
          await deps.access.setRules(organization.id, rules);
        }
        return { status: 200, json: await settingsView(organization.id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/members/{memberNumber}/access',
      operationId: 'getMemberAccess',
      summary: "One member's access",
      description: 'Where the member stands (member, grace, ended, suspended) and every place Kring let their chat accounts into.',
      tag: 'Access',
      scope: 'access:read',
      params: z.object({ memberNumber: line(64) }),
      responses: { 200: { description: "The member's access.", schema: memberAccessSchema } },
      async handle({ organization, params }) {
        const a = await deps.access.memberAccess(await found(organization.id, params.memberNumber));
        return {
          status: 200,
          json: {
            standing: a.standing,
            lapsedAt: a.lapse?.lapsedAt.toISOString() ?? null,
            accessRevokedAt: a.lapse?.revokedAt?.toISOString() ?? null,
            suspendedUntil: a.standing === 'suspended' ? (a.suspension?.until.toISOString() ?? null) : null,
            grants: a.grants.map((g) => ({ platform: g.platform, workspaceId: g.workspaceId, platformUserId: g.platformUserId, place: g.placeKey, grantedAt: g.grantedAt.toISOString() })),
          },
        };
      },
    }),
  ];
}
