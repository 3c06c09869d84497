import { z } from 'zod';
import { NotFoundError } from '../../../kernel/errors.js';
import type { Translator } from '../../../kernel/i18n.js';
import { toLocale } from '../../../kernel/types.js';
import { defineRoute, inBody, type ApiRoute } from '../../../http/api/route.js';
import type { AgendaItem, Assembly } from '../domain/assembly.js';
import type { AssemblyService } from '../domain/assembly.service.js';
import { decisionLines, decisionListMarkdown, decisionListPdf } from '../decision-list.js';
import { assemblyCreateBody, assemblyIdParam, assemblySchema, itemCreateBody, itemSchema, langQuery, resultsSchema, snapshotBody, votersSchema } from './assembly.schemas.js';

export interface AssemblyRoutesDeps {
  assemblies: AssemblyService;
  translator: Translator;
}

function itemView(i: AgendaItem): z.output<typeof itemSchema> {
  return {
    id: i.id, position: i.position, title: i.title, kind: i.kind, choices: [...i.choices], majority: i.majority, secret: i.secret, status: i.status,
    openedAt: i.openedAt?.toISOString() ?? null, closedAt: i.closedAt?.toISOString() ?? null, result: i.result ? { ...i.result, counts: i.result.counts.map((c) => ({ ...c })) } : null,
  };
}

const idPath = z.object({ assemblyId: assemblyIdParam });

/** The admin API of the general assembly: create, agenda, snapshot (with weights), register export, status, results and the decision list. */
export function assemblyRoutes(deps: AssemblyRoutesDeps): ApiRoute[] {
  const { assemblies } = deps;
  const find = async (organizationId: string, id: string): Promise<Assembly> => {
    const found = await assemblies.byId(organizationId, id);
    if (!found) throw new NotFoundError('ASSEMBLY.NOT_FOUND', 'No such assembly.');
    return found;
  };
  const view = async (a: Assembly): Promise<z.output<typeof assemblySchema>> => {
    const s = await assemblies.status(a);
    return {
      id: a.id, title: a.title, startsAt: a.startsAt.toISOString(), mode: a.mode, earlyVotingFrom: a.earlyVotingFrom?.toISOString() ?? null, maxProxiesPerHolder: a.maxProxiesPerHolder,
      quorum: a.quorum, snapshotAt: a.snapshotAt?.toISOString() ?? null, votingOpenedAt: a.votingOpenedAt?.toISOString() ?? null, items: s.items.map(itemView),
      eligible: s.eligible, checkedIn: s.checkedIn, present: s.present, quorumRequired: s.quorumRequired, quorumReached: s.quorumReached,
    };
  };
  const lines = async (organization: { id: string; timezone: string; defaultLocale: string }, a: Assembly, lang: 'nl' | 'en' | undefined) => {
    const locale = lang ?? toLocale(organization.defaultLocale) ?? 'nl';
    return decisionLines(await assemblies.results(a), deps.translator.for(locale), locale, organization.timezone);
  };
  return [
    defineRoute({
      method: 'post', path: '/orgs/{org}/assemblies', operationId: 'createAssembly', tag: 'Assembly', scope: 'assembly:write',
      summary: 'Create a general assembly',
      description: 'Creates a general assembly (algemene ledenvergadering). Early voting may start at most 30 days before the meeting (art. 2:38 BW).',
      body: assemblyCreateBody,
      responses: { 201: { description: 'Created.', schema: assemblySchema } },
      errors: { 422: 'Early voting starts more than 30 days before the meeting, or after it.' },
      async handle({ organization, body }) {
        const a = await inBody(() =>
          assemblies.create({ organizationId: organization.id, title: body.title, startsAt: new Date(body.startsAt), mode: body.mode, earlyVotingFrom: body.earlyVotingFrom ? new Date(body.earlyVotingFrom) : null, maxProxiesPerHolder: body.maxProxiesPerHolder, quorum: body.quorum }),
        );
        return { status: 201, json: await view(a) };
      },
    }),
    defineRoute({
      method: 'get', path: '/orgs/{org}/assemblies/{assemblyId}', operationId: 'getAssembly', tag: 'Assembly', scope: 'assembly:read',
      summary: 'An assembly with its agenda, presence and quorum',
      params: idPath,
      responses: { 200: { description: 'The assembly.', schema: assemblySchema } },
      async handle({ organization, params }) {
        return { status: 200, json: await view(await find(organization.id, params.assemblyId)) };
      },
    }),
    defineRoute({
      method: 'post', path: '/orgs/{org}/assemblies/{assemblyId}/items', operationId: 'addAssemblyItem', tag: 'Assembly', scope: 'assembly:write',
      summary: 'Add an agenda item to vote on',
      params: idPath,
      body: itemCreateBody,
      responses: { 201: { description: 'Added.', schema: itemSchema } },
      errors: { 422: 'Voting has opened: the agenda is fixed.' },
      async handle({ organization, params, body }) {
        const a = await find(organization.id, params.assemblyId);
        const item = await inBody(() => assemblies.addItem(a, { title: body.title, kind: body.kind, candidates: body.candidates, majority: body.majority, ...(body.secret === undefined ? {} : { secret: body.secret }) }));
        return { status: 201, json: itemView(item) };
      },
    }),
    defineRoute({
      method: 'post', path: '/orgs/{org}/assemblies/{assemblyId}/snapshot', operationId: 'snapshotAssemblyVoters', tag: 'Assembly', scope: 'assembly:write',
      summary: 'Freeze the register of voters',
      description: 'Every active member now becomes a voter, with status, roles and weight (1 unless `weights` names one). Once only.',
      params: idPath,
      body: snapshotBody,
      responses: { 200: { description: 'Frozen.', schema: votersSchema } },
      errors: { 422: 'Frozen already, or a weight names a member who is not active.' },
      async handle({ organization, params, body }) {
        const a = await find(organization.id, params.assemblyId);
        await inBody(() => assemblies.snapshot(a, { weights: body.weights }));
        const fresh = await find(organization.id, a.id);
        return { status: 200, json: await votersView(fresh) };
      },
    }),
    defineRoute({
      method: 'get', path: '/orgs/{org}/assemblies/{assemblyId}/voters', operationId: 'exportAssemblyVoters', tag: 'Assembly', scope: 'assembly:read',
      summary: 'Export the frozen register of voters',
      params: idPath,
      responses: { 200: { description: 'The register, by member number.', schema: votersSchema } },
      async handle({ organization, params }) {
        return { status: 200, json: await votersView(await find(organization.id, params.assemblyId)) };
      },
    }),
    defineRoute({
      method: 'get', path: '/orgs/{org}/assemblies/{assemblyId}/results', operationId: 'getAssemblyResults', tag: 'Assembly', scope: 'assembly:read',
      summary: 'The results: per item counts, turnout, quorum, decision, the receipts of secret items and the proxies',
      params: idPath,
      responses: { 200: { description: 'The results.', schema: resultsSchema } },
      async handle({ organization, params }) {
        const r = await assemblies.results(await find(organization.id, params.assemblyId));
        return {
          status: 200,
          json: {
            assemblyId: r.assembly.id,
            items: r.items.map((i) => ({ ...itemView(i.item), receipts: i.receipts.map((b) => ({ ...b })) })),
            proxies: r.proxies.map((p) => ({ grantor: p.grantor.memberNumber, holder: p.holder.memberNumber, used: p.used })),
          },
        };
      },
    }),
    defineRoute({
      method: 'get', path: '/orgs/{org}/assemblies/{assemblyId}/decisions.md', operationId: 'getAssemblyDecisionsMarkdown', tag: 'Assembly', scope: 'assembly:read',
      summary: 'The decision list (besluitenlijst) as Markdown',
      params: idPath,
      query: langQuery,
      responses: { 200: { description: 'Markdown.', schema: z.string(), contentType: 'text/markdown' } },
      async handle({ organization, params, query }) {
        const a = await find(organization.id, params.assemblyId);
        return { status: 200, text: decisionListMarkdown(await lines(organization, a, query.lang)), contentType: 'text/markdown; charset=utf-8' };
      },
    }),
    defineRoute({
      method: 'get', path: '/orgs/{org}/assemblies/{assemblyId}/decisions.pdf', operationId: 'getAssemblyDecisionsPdf', tag: 'Assembly', scope: 'assembly:read',
      summary: 'The decision list (besluitenlijst) as PDF',
      params: idPath,
      query: langQuery,
      responses: { 200: { description: 'The decision list as a PDF document (A4, standard fonts).', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' } },
      async handle({ organization, params, query }) {
        const a = await find(organization.id, params.assemblyId);
        const bytes = await decisionListPdf(await lines(organization, a, query.lang), { title: a.title });
        return { status: 200, bytes, contentType: 'application/pdf', headers: { 'content-disposition': `attachment; filename="besluitenlijst-${a.id.slice(0, 8)}.pdf"` } };
      },
    }),
  ];

  async function votersView(a: Assembly): Promise<z.output<typeof votersSchema>> {
    const voters = await assemblies.voters(a);
    return { snapshotAt: a.snapshotAt?.toISOString() ?? null, voters: voters.map((v) => ({ memberNumber: v.memberNumber, name: v.name, status: v.status, roles: [...v.roles], weight: v.weight })) };
  }
}
