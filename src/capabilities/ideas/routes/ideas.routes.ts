import { z } from 'zod';
import { NotFoundError } from '../../../kernel/errors.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { Idea } from '../domain/idea.js';
import type { IdeaService } from '../domain/idea.service.js';
import { ideaIdParam, ideaListQuery, ideaListSchema, ideaSchema, ideaStatusBody } from './ideas.schemas.js';

export interface IdeaRoutesDeps {
  ideas: Pick<IdeaService, 'findById' | 'list' | 'setStatus' | 'votes'>;
}

function ideaView(idea: Idea, votes: number): z.output<typeof ideaSchema> {
  return {
    id: idea.id,
    text: idea.text,
    status: idea.status,
    reason: idea.reason,
    votes,
    createdAt: idea.createdAt.toISOString(),
    statusChangedAt: idea.statusChangedAt.toISOString(),
  };
}

const path = z.object({ ideaId: ideaIdParam });

/** The idea box: list, one idea, move it on (as `/kring idea status` does; the submitter and upvoters are told). */
export function ideaRoutes(deps: IdeaRoutesDeps): ApiRoute[] {
  const find = async (organizationId: string, id: string): Promise<Idea> => {
    const idea = await deps.ideas.findById(id);
    if (!idea || idea.organizationId !== organizationId) throw new NotFoundError('IDEA.NOT_FOUND', 'No such idea.');
    return idea;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/ideas',
      operationId: 'listIdeas',
      summary: 'List ideas',
      description: 'Most upvoted first, then newest; optionally one status.',
      tag: 'Ideas',
      scope: 'ideas:read',
      query: ideaListQuery,
      responses: { 200: { description: 'The ideas.', schema: ideaListSchema } },
      async handle({ organization, query }) {
        const list = await deps.ideas.list(organization.id, { limit: query.limit, ...(query.status ? { status: query.status } : {}) });
        return { status: 200, json: { data: list.map(({ idea, votes }) => ideaView(idea, votes)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/ideas/{ideaId}',
      operationId: 'getIdea',
      summary: 'Get an idea',
      description: 'Its text, status (with the reason when declined) and upvotes.',
      tag: 'Ideas',
      scope: 'ideas:read',
      params: path,
      responses: { 200: { description: 'The idea.', schema: ideaSchema } },
      async handle({ organization, params }) {
        const idea = await find(organization.id, params.ideaId);
        return { status: 200, json: ideaView(idea, await deps.ideas.votes(idea.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/ideas/{ideaId}/status',
      operationId: 'setIdeaStatus',
      summary: 'Move an idea on',
      description:
        'Sets the status (new, under_consideration, planned, done, declined with a reason). The posted copies change, ' +
        'the submitter and the upvoters get a direct message, and `idea.status-changed` goes to the webhooks.',
      tag: 'Ideas',
      scope: 'ideas:write',
      params: path,
      body: ideaStatusBody,
      responses: { 200: { description: 'The idea after the change.', schema: ideaSchema } },
      errors: { 422: '`IDEA.REASON_REQUIRED` (declining needs a reason) or `IDEA.SAME_STATUS` (it has that status and reason already).' },
      async handle({ organization, params, body }) {
        const idea = await find(organization.id, params.ideaId);
        const changed = await inBody(() => deps.ideas.setStatus(idea, body.status, body.reason));
        return { status: 200, json: ideaView(changed, await deps.ideas.votes(changed.id)) };
      },
    }),
  ];
}
