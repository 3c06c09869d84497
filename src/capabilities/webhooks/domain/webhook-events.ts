import { z } from 'zod';
import { MEMBER_ROLES, MEMBER_STATUSES } from '../../../kernel/community.js';
import { LOCALES, platformSchema } from '../../../kernel/types.js';

/**
 * Outgoing webhook events: what Kring tells an association's own systems, their payload shapes and the
 * envelope every delivery has. The payloads are the public contract documented in docs/API.md; add
 * fields, never rename or remove them.
 */
export const WEBHOOK_EVENTS = [
  'member.linked',
  'member.unlinked',
  'member.updated',
  'member.lapsed',
  'member.reactivated',
  'poll.closed',
  'statement.closed',
  'survey.closed',
  'idea.submitted',
  'idea.status-changed',
  'announcement.published',
  'event.created',
  'rsvp.changed',
  'event.attended',
  'access.changed',
  'member.suspended',
  'member.suspension-ended',
  'case.opened',
  'case.closed',
  'assembly.item-closed',
  'profile.shared',
  'intros.round-completed',
  'panel.drawn',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

/** An organisation's subscription: where to POST which events, and the secret that signs them. */
export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  /** HMAC-SHA256 key (`whsec_…`); shown once when the endpoint is added. */
  secret: string;
  events: WebhookEventType[];
  createdAt: Date;
  disabledAt: Date | null;
}

const identitySchema = z
  .object({
    platform: platformSchema,
    workspaceId: z.string().meta({ description: 'Slack team id, Discord guild id or Teams tenant id.' }),
    platformUserId: z.string(),
    displayName: z.string().nullable(),
  })
  .meta({ id: 'WebhookIdentity', description: 'The chat account.' });

const memberStatusSchema = z.enum(MEMBER_STATUSES);

/** The member as stored after the change (the admin API's member, without Kring's own ids and times). */
const memberRecordSchema = z
  .object({
    memberNumber: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    status: memberStatusSchema,
    roles: z.array(z.enum(MEMBER_ROLES)),
    chapter: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    locale: z.enum(LOCALES).nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookMember', description: 'The member record after the change.' });

/** Whose access changed, and the chat accounts it changed on. */
const memberAccessSchema = (id: string, description: string) =>
  z
    .object({
      memberNumber: z.string(),
      name: z.string(),
      status: memberStatusSchema,
      identities: z.array(identitySchema).meta({ description: 'The linked chat accounts (possibly none).' }),
    })
    .meta({ id, description });

/** `data` of each event type, as zod schemas (the OpenAPI document's `webhooks` section shows them). */
export const webhookDataSchemas = {
  'member.linked': z
    .object({ memberNumber: z.string(), name: z.string(), identity: identitySchema, linkedAt: z.iso.datetime() })
    .meta({ id: 'MemberLinkedData', description: 'A member verified a chat account.' }),
  'member.unlinked': z
    .object({ memberNumber: z.string(), name: z.string(), identity: identitySchema })
    .meta({ id: 'MemberUnlinkedData', description: 'A member removed the link of a chat account.' }),
  'member.updated': z
    .object({ member: memberRecordSchema })
    .meta({
      id: 'MemberUpdatedData',
      description:
        "A stored member's record changed (name, e-mail, status, roles, chapter or language) through an import, the admin API or the CLI. " +
        'Not sent for new members. A status change that takes access away or gives it back is followed by `member.lapsed` or `member.reactivated`.',
    }),
  'member.lapsed': memberAccessSchema('MemberLapsedData', 'A member lost members-only access: status went from `active` to `lapsed` or `left`.'),
  'member.reactivated': memberAccessSchema('MemberReactivatedData', 'A member has members-only access again: status went from `lapsed` or `left` back to `active`.'),
  'poll.closed': z
    .object({
      pollId: z.uuid(),
      question: z.string(),
      closedAt: z.iso.datetime(),
      totalVoters: z.number().int(),
      results: z.array(z.object({ position: z.number().int(), label: z.string(), votes: z.number().int() })),
    })
    .meta({ id: 'PollClosedData', description: 'A poll closed (by hand or at its deadline); the final results.' }),
  'statement.closed': z
    .object({
      statementId: z.uuid(),
      text: z.string(),
      closedAt: z.iso.datetime(),
      answers: z.object({ agree: z.number().int(), neutral: z.number().int(), disagree: z.number().int(), total: z.number().int() }),
    })
    .meta({ id: 'StatementClosedData', description: 'A statement closed; the final answers (counts only).' }),
  'survey.closed': z
    .object({
      surveyId: z.uuid(),
      title: z.string(),
      anonymous: z.boolean(),
      closedAt: z.iso.datetime(),
      invited: z.number().int(),
      completed: z.number().int(),
      respondents: z.number().int(),
      questions: z.array(
        z.object({
          position: z.number().int(),
          kind: z.enum(['single', 'multiple', 'scale', 'nps', 'text']),
          prompt: z.string(),
          answered: z.number().int(),
          counts: z.array(z.object({ label: z.string(), count: z.number().int() })).meta({ description: 'Per option (choice questions) or per value (scale 1–5, NPS 0–10); empty for text questions.' }),
          average: z.number().nullable().meta({ description: 'Scale questions: the mean answer.' }),
          nps: z.number().int().nullable().meta({ description: 'NPS questions: the Net Promoter Score, −100 to 100.' }),
        }),
      ),
    })
    .meta({ id: 'SurveyClosedData', description: 'A survey closed; the final counts per question (never who answered, never the text answers).' }),
  'idea.submitted': z
    .object({
      ideaId: z.uuid(),
      text: z.string(),
      submitter: z.object({ memberNumber: z.string(), name: z.string() }),
      submittedAt: z.iso.datetime(),
    })
    .meta({ id: 'IdeaSubmittedData', description: 'A member put an idea in the idea box; it is being posted to the ideas channels.' }),
  'idea.status-changed': z
    .object({
      ideaId: z.uuid(),
      text: z.string(),
      status: z.enum(['new', 'under_consideration', 'planned', 'done', 'declined']),
      reason: z.string().nullable().meta({ description: 'Why it was declined (declined ideas only).' }),
      votes: z.number().int().meta({ description: 'Upvotes so far (one per member across platforms; never who).' }),
      changedAt: z.iso.datetime(),
    })
    .meta({ id: 'IdeaStatusChangedData', description: 'A manager moved an idea on; the submitter and upvoters are told in chat.' }),
  'announcement.published': z
    .object({ announcementId: z.uuid(), title: z.string(), publishedAt: z.iso.datetime(), deliveries: z.number().int() })
    .meta({ id: 'AnnouncementPublishedData', description: 'News went out to its channels.' }),
  'event.created': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      description: z.string(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      timeZone: z.string().meta({ description: 'IANA zone the meet-up is shown in.', example: 'Europe/Amsterdam' }),
      place: z.object({ kind: z.enum(['address', 'online']), text: z.string() }),
      capacity: z.number().int().nullable().meta({ description: 'Places for members and guests; null: no limit.' }),
      audience: z.object({ kind: z.enum(['all', 'chapters', 'roles']), chapterIds: z.array(z.uuid()), roles: z.array(z.enum(MEMBER_ROLES)) }),
      createdAt: z.iso.datetime(),
    })
    .meta({ id: 'EventCreatedData', description: 'A meet-up was created (chat, CLI or admin API).' }),
  'rsvp.changed': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      member: z.object({ memberNumber: z.string(), name: z.string() }),
      answer: z.enum(['going', 'maybe', 'not_going']),
      place: z.enum(['confirmed', 'waitlisted']).nullable().meta({ description: 'For `going`: a confirmed place or a place on the waitlist.' }),
      guests: z.number().int(),
      previousAnswer: z.enum(['going', 'maybe', 'not_going']).nullable(),
      promoted: z.boolean().meta({ description: 'True when the member moved up from the waitlist (somebody else gave up a place).' }),
      changedAt: z.iso.datetime(),
    })
    .meta({ id: 'RsvpChangedData', description: "A member's answer to a meet-up changed, or they moved up from the waitlist." }),
  'event.attended': z
    .object({
      eventId: z.uuid(),
      title: z.string(),
      member: z.object({ memberNumber: z.string(), name: z.string() }),
      checkedInAt: z.iso.datetime(),
      firstTime: z.boolean().meta({ description: "The member's first meet-up of the organisation." }),
    })
    .meta({ id: 'EventAttendedData', description: 'A member checked in at a meet-up (record attendance in the member administration).' }),
  'access.changed': z
    .object({
      member: z.object({ memberNumber: z.string(), name: z.string() }),
      account: z.object({ platform: platformSchema, workspaceId: z.string(), platformUserId: z.string() }),
      place: z.object({
        kind: z.enum(['member-role', 'role', 'channel']),
        id: z.string().meta({ description: 'The Discord role id or the Slack/Teams channel id (`member-role`: the platform\'s member role).' }),
        name: z.string().nullable(),
      }),
      change: z.enum(['granted', 'revoked']),
      reason: z.enum(['entitled', 'lapsed', 'suspended', 'unlinked', 'audience', 'place-removed']),
      at: z.iso.datetime(),
    })
    .meta({ id: 'AccessChangedData', description: 'Kring let a member into a members-only place on a platform, or took them out of it.' }),
  'member.suspended': z
    .object({ member: z.object({ memberNumber: z.string(), name: z.string() }), until: z.iso.datetime(), caseNumber: z.number().int().nullable() })
    .meta({ id: 'MemberSuspendedData', description: 'The moderators suspended a member from the community until `until` (access on every platform comes back then).' }),
  'member.suspension-ended': z
    .object({ member: z.object({ memberNumber: z.string(), name: z.string() }), endedAt: z.iso.datetime(), caseNumber: z.number().int().nullable() })
    .meta({ id: 'MemberSuspensionEndedData', description: 'A suspension\'s time was up: the member is let back into the members-only places on every platform (each place also sends `access.changed`).' }),
  'case.opened': z
    .object({
      caseNumber: z.number().int(),
      platform: platformSchema,
      reportedMember: z.object({ memberNumber: z.string(), name: z.string() }).nullable(),
      openedAt: z.iso.datetime(),
    })
    .meta({ id: 'CaseOpenedData', description: 'A reported message became a moderation case. Never who reported it, nor what the message said.' }),
  'case.closed': z
    .object({ caseNumber: z.number().int(), outcome: z.enum(['dismissed', 'warned', 'suspended', 'resolved']), closedAt: z.iso.datetime() })
    .meta({ id: 'CaseClosedData', description: 'The moderators (or the confidential counsellor) decided a case.' }),
  'assembly.item-closed': z
    .object({
      assemblyId: z.uuid(),
      assemblyTitle: z.string(),
      itemId: z.uuid(),
      position: z.number().int(),
      title: z.string(),
      kind: z.enum(['motion', 'election']),
      secret: z.boolean(),
      closedAt: z.iso.datetime(),
      counts: z.array(z.object({ choice: z.string(), votes: z.number().int() })),
      ballots: z.number().int(),
      turnoutPercent: z.number().int(),
      present: z.number().int(),
      quorumRequired: z.number().int(),
      quorumReached: z.boolean(),
      adopted: z.boolean(),
      elected: z.string().nullable(),
    })
    .meta({ id: 'AssemblyItemClosedData', description: 'The chair closed an item of a general assembly; its result (counts only, never who voted what).' }),
  'profile.shared': z
    .object({
      memberNumber: z.string(),
      name: z.string(),
      intro: z.string(),
      interests: z.array(z.string()),
      helpsWith: z.array(z.string()),
      introductionsEveryWeeks: z.number().int().nullable(),
      findable: z.boolean(),
      savedAt: z.iso.datetime(),
    })
    .meta({ id: 'ProfileSharedData', description: 'A member who agreed to share their profile (`/kring privacy share on`) saved it or turned sharing on. Never sent for anyone else; never holds peer-support situations.' }),
  'intros.round-completed': z
    .object({ roundId: z.uuid(), label: z.string(), number: z.number().int(), ranAt: z.iso.datetime(), members: z.number().int(), groups: z.number().int() })
    .meta({ id: 'IntroRoundCompletedData', description: 'An introduction round paired its members (counts only, never who met whom).' }),
  'panel.drawn': z
    .object({
      panelId: z.uuid(),
      size: z.number().int(),
      seats: z.number().int(),
      candidates: z.number().int().meta({ description: 'Active members who signed up for the panel.' }),
      drawnAt: z.iso.datetime(),
      strata: z.array(z.object({ label: z.string(), pool: z.number().int(), seats: z.number().int() })).meta({ description: 'Per group (chapter / age group / membership type): members who signed up and seats drawn.' }),
    })
    .meta({ id: 'PanelDrawnData', description: 'A community manager drew the sounding-board panel (counts only, never who is on it).' }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

/** The chat account in `member.linked`, `member.unlinked`, `member.lapsed` and `member.reactivated`. */
export type WebhookIdentity = z.infer<typeof identitySchema>;

/** `data` of each event type. */
export type WebhookEventData = { [E in WebhookEventType]: z.infer<(typeof webhookDataSchemas)[E]> };

/** The JSON body of every delivery of `event` (the same bytes are signed). */
export function webhookEnvelopeSchema<E extends WebhookEventType>(event: E) {
  return z.object({
    id: z.uuid().meta({ description: 'Unique per event; ignore a redelivery whose id you processed already.' }),
    type: z.literal(event),
    createdAt: z.iso.datetime().meta({ description: 'When the event happened.' }),
    organization: z.object({ id: z.uuid(), slug: z.string() }),
    data: webhookDataSchemas[event],
  });
}

/** The JSON body of every delivery (the same bytes are signed). */
export interface WebhookEnvelope<E extends WebhookEventType = WebhookEventType> {
  /** Unique per event; a receiver uses it to ignore a redelivery it has processed already. */
  id: string;
  type: E;
  /** ISO 8601, when the event happened. */
  createdAt: string;
  organization: { id: string; slug: string };
  data: WebhookEventData[E];
}
