import { z } from 'zod';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { IntroService } from '../domain/intro.service.js';
import type { ProfileService } from '../domain/profile.service.js';
import { INTRO_CADENCES, type Interest } from '../domain/profile.js';

const interestSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'Interest', description: 'An interest on the association\'s list (no people).' });

const sharedProfileSchema = z
  .object({
    memberNumber: z.string(),
    name: z.string(),
    intro: z.string().meta({ description: 'What the member wrote about themselves.' }),
    interests: z.array(z.string()),
    helpsWith: z.array(z.string()).meta({ description: 'Topics they offered help on.' }),
    introductionsEveryWeeks: z.number().int().nullable().meta({ description: `Open to an introduction every N weeks (${INTRO_CADENCES.join(', ')}); null: not open.` }),
    findable: z.boolean(),
    updatedAt: z.iso.datetime().nullable().meta({ description: 'When they last saved it themselves.' }),
  })
  .meta({ id: 'SharedProfile', description: 'A member\'s profile, listed only when the member agreed (`/kring privacy share on`). Peer-support situations are never part of it.' });

const roundSchema = z.object({
  number: z.number().int(),
  ranAt: z.iso.datetime(),
  members: z.number().int(),
  groups: z.number().int(),
  metGroups: z.number().int().meta({ description: 'Groups in which someone answered "yes, we met".' }),
  answersYes: z.number().int(),
  answersNo: z.number().int(),
});
const programSchema = z
  .object({
    id: z.uuid(),
    scope: z.enum(['all', 'interest', 'chapter']),
    label: z.string().meta({ description: 'The interest\'s or chapter\'s name; `*` for everyone.' }),
    everyWeeks: z.number().int(),
    nextRoundAt: z.iso.datetime(),
    rounds: z.array(roundSchema).meta({ description: 'The last rounds, newest first (counts only).' }),
  })
  .meta({ id: 'IntroProgram', description: 'Introduction rounds that run, with their last rounds\' figures.' });

const interestPath = z.object({ interestId: z.uuid().meta({ description: 'The interest\'s id (from listInterests).' }) });
const toInterest = (i: Interest) => ({ id: i.id, name: i.name });

/** Members finding each other, for the association's own systems: interests, shared profiles, introduction rounds. */
export function connectRoutes(deps: { profiles: ProfileService; intros: IntroService }): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/interests',
      operationId: 'listInterests',
      summary: 'List the association\'s interests',
      tag: 'Connect',
      scope: 'connect:read',
      responses: { 200: { description: 'The interests, by name.', schema: z.object({ data: z.array(interestSchema) }) } },
      async handle({ organization }) {
        return { status: 200, json: { data: (await deps.profiles.listInterests(organization.id)).map(toInterest) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/interests',
      operationId: 'addInterest',
      summary: 'Add an interest to the list',
      tag: 'Connect',
      scope: 'connect:write',
      body: z.strictObject({ name: z.string().trim().min(1).max(200) }).meta({ id: 'NewInterest' }),
      errors: { 409: '`CONNECT.INTEREST_EXISTS`: one of that name is on the list.', 422: '`CONNECT.BAD_INTEREST_NAME` or `CONNECT.TOO_MANY_INTERESTS`.' },
      responses: { 201: { description: 'The interest.', schema: interestSchema } },
      async handle({ organization, body }) {
        const interest = await inBody(() => deps.profiles.addInterest(organization.id, body.name));
        return { status: 201, json: toInterest(interest) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/orgs/{org}/interests/{interestId}',
      operationId: 'removeInterest',
      summary: 'Remove an interest',
      description: 'Members\' choices of it, and introduction rounds for it, go with it.',
      tag: 'Connect',
      scope: 'connect:write',
      params: interestPath,
      responses: { 204: { description: 'Removed.' } },
      async handle({ organization, params }) {
        await deps.profiles.removeInterestById(organization.id, params.interestId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/profiles',
      operationId: 'listSharedProfiles',
      summary: 'Profiles members agreed to share',
      description: 'Only active members who said `/kring privacy share on`; everyone else is never listed.',
      tag: 'Connect',
      scope: 'connect:read',
      responses: { 200: { description: 'The shared profiles, by member number.', schema: z.object({ data: z.array(sharedProfileSchema) }) } },
      async handle({ organization }) {
        const [shared, interests] = await Promise.all([deps.profiles.sharedProfiles(organization.id), deps.profiles.listInterests(organization.id)]);
        const names = (ids: readonly string[]) => interests.filter((i) => ids.includes(i.id)).map((i) => i.name);
        const data = shared
          .map(({ member, profile }) => ({
            memberNumber: member.memberNumber,
            name: member.name,
            intro: profile.intro,
            interests: names(profile.interestIds),
            helpsWith: names(profile.helpsWithIds),
            introductionsEveryWeeks: profile.introsEveryWeeks,
            findable: profile.reach !== 'hidden',
            updatedAt: profile.savedAt?.toISOString() ?? null,
          }))
          .sort((a, b) => a.memberNumber.localeCompare(b.memberNumber));
        return { status: 200, json: { data } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/intros',
      operationId: 'listIntroPrograms',
      summary: 'Introduction rounds and their figures',
      tag: 'Connect',
      scope: 'connect:read',
      responses: { 200: { description: 'The running programs with their last rounds.', schema: z.object({ data: z.array(programSchema) }) } },
      async handle({ organization }) {
        const programs = await deps.intros.status(organization.id);
        return {
          status: 200,
          json: {
            data: programs.map((p) => ({
              id: p.program.id,
              scope: p.program.scope.kind,
              label: p.label,
              everyWeeks: p.program.everyWeeks,
              nextRoundAt: p.program.nextRoundAt.toISOString(),
              rounds: p.rounds.map((r) => ({ number: r.number, ranAt: r.ranAt.toISOString(), members: r.members, groups: r.groups, metGroups: r.totals.metGroups, answersYes: r.totals.yes, answersNo: r.totals.no })),
            })),
          },
        };
      },
    }),
  ];
}

