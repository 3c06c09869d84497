import { z } from 'zod';
import type { Poll, PollTarget } from '../domain/poll.js';
import type { PollExport, PollResults, PollService } from '../domain/poll.service.js';
import { ValidationError } from '../../../kernel/errors.js';
import type { Locale } from '../../../kernel/types.js';
import type { ChannelRepository, ChapterRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import { pollCreateBody, pollExportQuery, pollIdParam, pollListQuery, pollListSchema, pollResultsSchema, pollSchema } from './polls.schemas.js';

export interface PollRoutesDeps {
  polls: Pick<PollService, 'create' | 'find' | 'list' | 'results' | 'close' | 'export'>;
  channels: Pick<ChannelRepository, 'list'>;
  chapters: Pick<ChapterRepository, 'list'>;
  /** The CSV the chat command exports, in a language (poll-csv.ts). */
  csv(data: PollExport, locale: Locale): string;
}

/** A poll as the API shows it. */
export function pollView(poll: Poll): z.output<typeof pollSchema> {
  return {
    id: poll.id,
    question: poll.question,
    options: poll.options,
    choiceMode: poll.choiceMode,
    maxChoices: poll.maxChoices,
    anonymous: poll.anonymous,
    resultsVisibility: poll.resultsVisibility,
    deadline: poll.deadline?.toISOString() ?? null,
    status: poll.status,
    audience: poll.audience,
    createdAt: poll.createdAt.toISOString(),
    closedAt: poll.closedAt?.toISOString() ?? null,
  };
}

function resultsView(r: PollResults): z.output<typeof pollResultsSchema> {
  return {
    poll: pollView(r.poll),
    open: r.open,
    visibleToMembers: r.visible,
    voters: r.tally.voters,
    results: r.lines.map((line, position) => ({ position, label: line.label, votes: line.count, percent: line.percent })),
  };
}

const pollPath = z.object({ pollId: pollIdParam });

/** Polls: create, list, results, close, CSV export. */
export function pollRoutes(deps: PollRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/polls',
      operationId: 'createPoll',
      summary: 'Create a poll',
      description: 'Posts the poll to the channels (one tally across all of them); members vote with buttons in chat.',
      tag: 'Polls',
      scope: 'polls:write',
      body: pollCreateBody,
      responses: { 201: { description: 'Created; posting to the channels is under way.', schema: pollSchema } },
      errors: { 422: '`POLL.DEADLINE_PASSED`: the deadline lies in the past.' },
      async handle({ organization, body }) {
        const chapterIds = new Set((await deps.chapters.list(organization.id)).map((c) => c.id));
        if (body.audience.kind === 'chapters') {
          const unknown = body.audience.chapterIds.flatMap((id, i) => (chapterIds.has(id) ? [] : [{ path: `body.audience.chapterIds.${i}`, message: 'no such chapter' }]));
          if (unknown.length > 0) throw new ValidationError(unknown);
        }
        let targets: PollTarget[];
        if (body.channels) {
          targets = body.channels.map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceId, channelExternalId: c.channelId }));
        } else {
          // The rule of `/kring poll … everywhere`: members' channels, or the audience chapters' channels.
          const audience = body.audience;
          targets = (await deps.channels.list(organization.id))
            .filter((c) => (audience.kind === 'chapters' ? c.purpose === 'chapter' && c.chapterId !== null && audience.chapterIds.includes(c.chapterId) : c.purpose === 'general' || c.purpose === 'news'))
            .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
          if (targets.length === 0) {
            throw new ValidationError([{ path: 'body.channels', message: 'the organisation has no channel for this audience: connect one, or name the channels' }]);
          }
        }
        const poll = await inBody(() =>
          deps.polls.create({
            organizationId: organization.id,
            createdByMemberId: null,
            question: body.question,
            options: body.options,
            choiceMode: body.choiceMode,
            maxChoices: body.maxChoices,
            anonymous: body.anonymous,
            resultsVisibility: body.resultsVisibility,
            deadline: body.deadline === null ? null : new Date(body.deadline),
            audience: body.audience,
            targets,
          }),
        );
        return { status: 201, json: pollView(poll) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/polls',
      operationId: 'listPolls',
      summary: 'List polls',
      description: 'Newest first.',
      tag: 'Polls',
      scope: 'polls:read',
      query: pollListQuery,
      responses: { 200: { description: 'The newest polls.', schema: pollListSchema } },
      async handle({ organization, query }) {
        const polls = await deps.polls.list(organization.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}) });
        return { status: 200, json: { data: polls.map(pollView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/polls/{pollId}',
      operationId: 'getPollResults',
      summary: 'Get a poll with its results',
      description: 'The counts per option, whatever the poll shows members (board reports).',
      tag: 'Polls',
      scope: 'polls:read',
      params: pollPath,
      responses: { 200: { description: 'The poll and its results.', schema: pollResultsSchema } },
      async handle({ organization, params }) {
        const poll = await deps.polls.find(organization.id, params.pollId);
        return { status: 200, json: resultsView(await deps.polls.results(poll)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/polls/{pollId}/close',
      operationId: 'closePoll',
      summary: 'Close a poll',
      description: 'Stops voting and shows the final results in every channel. 409 when closed already.',
      tag: 'Polls',
      scope: 'polls:write',
      params: pollPath,
      responses: { 200: { description: 'The closed poll and its final results.', schema: pollResultsSchema } },
      errors: { 409: '`POLL.ALREADY_CLOSED`: the poll is closed already.' },
      async handle({ organization, params }) {
        const poll = await deps.polls.find(organization.id, params.pollId);
        const closed = await deps.polls.close(poll);
        return { status: 200, json: resultsView(await deps.polls.results(closed)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/polls/{pollId}/export.csv',
      operationId: 'exportPollCsv',
      summary: 'Export a poll as CSV',
      description: 'Named polls: one line per voter (member number, name, choices). Anonymous polls: counts per option only.',
      tag: 'Polls',
      scope: 'polls:read',
      params: pollPath,
      query: pollExportQuery,
      responses: { 200: { description: 'RFC 4180 CSV.', schema: z.string(), contentType: 'text/csv' } },
      async handle({ organization, params, query }) {
        const poll = await deps.polls.find(organization.id, params.pollId);
        const csv = deps.csv(await deps.polls.export(poll), query.lang ?? organization.defaultLocale);
        return {
          status: 200,
          text: csv,
          contentType: 'text/csv; charset=utf-8',
          headers: { 'Content-Disposition': `attachment; filename="poll-${poll.id.slice(0, 8)}.csv"` },
        };
      },
    }),
  ];
}
