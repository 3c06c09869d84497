import { z } from 'zod';
import type { MemberSyncService } from '../domain/member-sync.service.js';
import type { MembershipService } from '../domain/membership.service.js';
import type { Chapter, Member } from '../../../kernel/community.js';
import { isActive } from '../../../kernel/community.js';
import { NotFoundError, ValidationError } from '../../../kernel/errors.js';
import type { ChapterRepository, MemberRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import { decodeCursor, encodeCursor } from '../../../http/api/common.schemas.js';
import {
  memberListQuery,
  memberNumberParam,
  memberPageSchema,
  memberSchema,
  memberSyncBody,
  memberSyncQuery,
  memberSyncReportSchema,
  memberUpsertBody,
} from './members.schemas.js';

export interface MemberRoutesDeps {
  sync: Pick<MemberSyncService, 'upsert' | 'sync'>;
  membership: Pick<MembershipService, 'setStatus'>;
  members: Pick<MemberRepository, 'findByNumber' | 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
}

/** A member as the API shows it (chapter resolved to id + name). */
export function memberView(member: Member, chapters: ReadonlyMap<string, Chapter>): z.output<typeof memberSchema> {
  const chapter = member.chapterId ? chapters.get(member.chapterId) : undefined;
  return {
    id: member.id,
    memberNumber: member.memberNumber,
    name: member.name,
    email: member.email,
    status: member.status,
    roles: member.roles,
    chapter: chapter ? { id: chapter.id, name: chapter.name } : null,
    locale: member.locale,
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}

const memberPath = z.object({ memberNumber: memberNumberParam });

/** Members: upsert one, bulk sync, get, list, lapse. */
export function memberRoutes(deps: MemberRoutesDeps): ApiRoute[] {
  const chaptersOf = async (organizationId: string) => new Map((await deps.chapters.list(organizationId)).map((c) => [c.id, c]));
  const found = async (organizationId: string, memberNumber: string): Promise<Member> => {
    const member = await deps.members.findByNumber(organizationId, memberNumber);
    if (!member) throw new NotFoundError('API.MEMBER_NOT_FOUND', `No member with number ${memberNumber}.`);
    return member;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/members',
      operationId: 'listMembers',
      summary: 'List members',
      description: 'Ordered by member number; page with `limit` and the `next` cursor.',
      tag: 'Members',
      scope: 'members:read',
      query: memberListQuery,
      responses: { 200: { description: 'A page of members.', schema: memberPageSchema } },
      async handle({ organization, query }) {
        let after: string | undefined;
        if (query.after !== undefined) {
          after = decodeCursor(query.after);
          if (after === undefined) throw new ValidationError([{ path: 'query.after', message: 'is not a cursor from a previous page' }]);
        }
        // One more than asked tells whether a next page exists without a count query.
        const rows = await deps.members.list(organization.id, {
          limit: query.limit + 1,
          ...(after === undefined ? {} : { after }),
          ...(query.status ? { status: query.status } : {}),
        });
        const page = rows.slice(0, query.limit);
        const chapters = await chaptersOf(organization.id);
        const last = page[page.length - 1];
        return {
          status: 200,
          json: { data: page.map((m) => memberView(m, chapters)), next: rows.length > query.limit && last ? encodeCursor(last.memberNumber) : null },
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/orgs/{org}/members',
      operationId: 'syncMembers',
      summary: 'Sync the full member list',
      description:
        'The body is the complete list of members. Listed members are created or updated; active members that are ' +
        'not listed become `lapsed` and lose members-only access (never deleted) — exactly what a full CSV import does. ' +
        'Use `dryRun=true` to see the counts first.',
      tag: 'Members',
      scope: 'members:write',
      query: memberSyncQuery,
      body: memberSyncBody,
      responses: { 200: { description: 'What the sync changed (or would change).', schema: memberSyncReportSchema } },
      async handle({ organization, query, body }) {
        const report = await inBody(() => deps.sync.sync(organization.id, body.members, { dryRun: query.dryRun === 'true' }));
        return { status: 200, json: report };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/members/{memberNumber}',
      operationId: 'getMember',
      summary: 'Get one member',
      tag: 'Members',
      scope: 'members:read',
      params: memberPath,
      responses: { 200: { description: 'The member.', schema: memberSchema } },
      async handle({ organization, params }) {
        const member = await found(organization.id, params.memberNumber);
        return { status: 200, json: memberView(member, await chaptersOf(organization.id)) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/orgs/{org}/members/{memberNumber}',
      operationId: 'upsertMember',
      summary: 'Create or update one member',
      description:
        'Sets the member to exactly these fields (omitted fields take their defaults; an omitted `locale` keeps the stored one). ' +
        'Setting `status` of an active member to `lapsed` or `left` removes their members-only access on every platform.',
      tag: 'Members',
      scope: 'members:write',
      params: memberPath,
      body: memberUpsertBody,
      responses: {
        200: { description: 'Updated (or unchanged).', schema: memberSchema },
        201: { description: 'Created.', schema: memberSchema },
      },
      async handle({ organization, params, body }) {
        const { member, created } = await inBody(() =>
          deps.sync.upsert(organization.id, {
            memberNumber: params.memberNumber,
            name: body.name,
            email: body.email,
            status: body.status,
            roles: body.roles,
            chapter: body.chapter,
            ...(body.locale === undefined ? {} : { locale: body.locale }),
          }),
        );
        return { status: created ? 201 : 200, json: memberView(member, await chaptersOf(organization.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/members/{memberNumber}/lapse',
      operationId: 'lapseMember',
      summary: 'Lapse a member',
      description:
        'Sets an active member to `lapsed`, which removes their members-only access on every platform. ' +
        'A member who is lapsed or left already is returned unchanged.',
      tag: 'Members',
      scope: 'members:write',
      params: memberPath,
      responses: { 200: { description: 'The member, now lapsed.', schema: memberSchema } },
      async handle({ organization, params }) {
        let member = await found(organization.id, params.memberNumber);
        if (isActive(member)) member = await deps.membership.setStatus(organization.id, member.id, 'lapsed');
        return { status: 200, json: memberView(member, await chaptersOf(organization.id)) };
      },
    }),
  ];
}
