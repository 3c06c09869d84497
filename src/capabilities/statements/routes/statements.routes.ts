import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../kernel/errors.js';
import type { ChannelRepository } from '../../../kernel/ports/directory.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { Statement, StatementTarget } from '../domain/statement.js';
import type { StatementResults, StatementService } from '../domain/statement.service.js';
import { statementCreateBody, statementIdParam, statementListQuery, statementListSchema, statementResultsSchema, statementSchema } from './statements.schemas.js';

export interface StatementRoutesDeps {
  statements: Pick<StatementService, 'create' | 'findById' | 'list' | 'results' | 'close'>;
  channels: Pick<ChannelRepository, 'list'>;
}

function statementView(s: Statement): z.output<typeof statementSchema> {
  return { id: s.id, text: s.text, status: s.status, createdAt: s.createdAt.toISOString(), closedAt: s.closedAt?.toISOString() ?? null };
}

function resultsView(r: StatementResults): z.output<typeof statementResultsSchema> {
  return { statement: statementView(r.statement), answers: { ...r.tally }, chapters: r.chapters.map((c) => ({ ...c })) };
}

const path = z.object({ statementId: statementIdParam });

/** Statements: post, list, results with the chapter breakdown, close. */
export function statementRoutes(deps: StatementRoutesDeps): ApiRoute[] {
  const find = async (organizationId: string, id: string): Promise<Statement> => {
    const s = await deps.statements.findById(id);
    if (!s || s.organizationId !== organizationId) throw new NotFoundError('STATEMENT.NOT_FOUND', 'No such statement.');
    return s;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/statements',
      operationId: 'createStatement',
      summary: 'Post a statement',
      description: 'Posts the statement to the channels (one tally across all of them); members answer agree, neutral or disagree with buttons.',
      tag: 'Statements',
      scope: 'statements:write',
      body: statementCreateBody,
      responses: { 201: { description: 'Created; posting to the channels is under way.', schema: statementSchema } },
      async handle({ organization, body }) {
        let targets: StatementTarget[];
        if (body.channels) {
          targets = body.channels.map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceId, channelExternalId: c.channelId }));
        } else {
          const chapterId = body.chapterId;
          targets = (await deps.channels.list(organization.id))
            .filter((c) => (chapterId ? c.purpose === 'chapter' && c.chapterId === chapterId : c.purpose === 'general' || c.purpose === 'news'))
            .map((c) => ({ platform: c.platform, workspaceExternalId: c.workspaceExternalId, channelExternalId: c.externalId }));
          if (targets.length === 0) throw new ValidationError([{ path: 'body.channels', message: 'no connected channel for this statement: connect one, or name the channels' }]);
        }
        const statement = await inBody(() => deps.statements.create({ organizationId: organization.id, createdByMemberId: null, text: body.text, targets }));
        return { status: 201, json: statementView(statement) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/statements',
      operationId: 'listStatements',
      summary: 'List statements',
      description: 'Newest first.',
      tag: 'Statements',
      scope: 'statements:read',
      query: statementListQuery,
      responses: { 200: { description: 'The newest statements.', schema: statementListSchema } },
      async handle({ organization, query }) {
        const list = await deps.statements.list(organization.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}) });
        return { status: 200, json: { data: list.map(statementView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/statements/{statementId}',
      operationId: 'getStatementResults',
      summary: 'Get a statement with its answers',
      description: 'The answers per stance, and per chapter of the members who answered.',
      tag: 'Statements',
      scope: 'statements:read',
      params: path,
      responses: { 200: { description: 'The statement and its answers.', schema: statementResultsSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: resultsView(await deps.statements.results(await find(organization.id, params.statementId))) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/statements/{statementId}/close',
      operationId: 'closeStatement',
      summary: 'Close a statement',
      description: 'Stops answering and shows the final bars and summary on every copy. 409 when closed already.',
      tag: 'Statements',
      scope: 'statements:write',
      params: path,
      responses: { 200: { description: 'The closed statement and its final answers.', schema: statementResultsSchema } },
      errors: { 409: '`STATEMENT.ALREADY_CLOSED`: the statement is closed already.' },
      async handle({ organization, params }) {
        const statement = await find(organization.id, params.statementId);
        if (statement.status !== 'open') throw new ConflictError('STATEMENT.ALREADY_CLOSED', 'Closed already.');
        try {
          return { status: 200, json: resultsView(await deps.statements.close(statement)) };
        } catch (err) {
          // Closed by someone else between the read and the close.
          if (err instanceof Error && 'code' in err && err.code === 'STATEMENT.ALREADY_CLOSED') throw new ConflictError('STATEMENT.ALREADY_CLOSED', 'Closed already.');
          throw err;
        }
      },
    }),
  ];
}
