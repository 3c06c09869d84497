import type { z } from 'zod';
import { ConflictError, NotFoundError } from '../../../kernel/errors.js';
import { defineRoute, type ApiRoute } from '../../../http/api/route.js';
import { PanelError } from '../domain/panel.errors.js';
import type { PanelOverview, PanelService } from '../domain/panel.service.js';
import { panelDrawBody, panelMemberListSchema, panelSchema } from './panel.schemas.js';

export interface PanelRoutesDeps {
  panel: Pick<PanelService, 'overview' | 'summary' | 'draw'>;
}

function panelView(o: Omit<PanelOverview, 'members'>): z.output<typeof panelSchema> {
  return {
    id: o.panel.id,
    size: o.panel.size,
    seats: o.panel.seats.length,
    seed: o.panel.seed,
    drawnAt: o.panel.drawnAt.toISOString(),
    candidates: o.candidates,
    strata: o.strata.map((s) => ({ ...s })),
    places: o.places.map((p) => ({ platform: p.platform, workspaceId: p.workspaceId, kind: p.kind, id: p.externalId })),
  };
}

/** The service's errors as HTTP answers (a panel not drawn is 404, too few candidates 409). */
async function answering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof PanelError && err.code === 'PANEL.NOT_DRAWN') throw new NotFoundError('PANEL.NOT_DRAWN', 'No panel has been drawn yet.');
    if (err instanceof PanelError && err.code === 'PANEL.TOO_FEW') throw new ConflictError('PANEL.TOO_FEW', `A panel of ${err.params['size']} needs as many members who signed up; ${err.params['available']} have.`, { params: { ...err.params } });
    throw err;
  }
}

/** The panel: read it, read its members, draw it. */
export function panelRoutes(deps: PanelRoutesDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/panel',
      operationId: 'getPanel',
      summary: 'Get the sounding-board panel',
      description: 'The current panel without its members: size, seed, the seats per group (chapter / age group / membership type) against the members who signed up, and its members-only places. 404 `PANEL.NOT_DRAWN` before the first draw.',
      tag: 'Panel',
      scope: 'panel:read',
      responses: { 200: { description: 'The panel.', schema: panelSchema } },
      async handle({ organization }) {
        return { status: 200, json: panelView(await answering(() => deps.panel.summary(organization.id))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/orgs/{org}/panel/members',
      operationId: 'listPanelMembers',
      summary: 'List the panel members',
      description: 'Who is on the panel, with the group they were drawn from, or `manual` when a community manager added them. 404 `PANEL.NOT_DRAWN` before the first draw.',
      tag: 'Panel',
      scope: 'panel:read',
      responses: { 200: { description: 'The panel members, by group then name.', schema: panelMemberListSchema } },
      async handle({ organization }) {
        const o = await answering(() => deps.panel.overview(organization.id));
        return {
          status: 200,
          json: {
            data: o.members.map((m) => ({
              memberNumber: m.member.memberNumber,
              name: m.member.name,
              chapter: m.chapterName,
              ageGroup: m.ageGroup,
              membershipType: m.membershipType,
              source: m.source,
              stratum: m.stratum,
              addedAt: m.addedAt.toISOString(),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/orgs/{org}/panel/draw',
      operationId: 'drawPanel',
      summary: 'Draw the sounding-board panel',
      description:
        'Draws a new panel of `size` from the active members who signed up, in proportion to their groups (chapter, age group, membership type; largest remainders), at random within each group, replacing the current panel. The panel\'s places follow: newcomers are let in, those who are off it taken out. Publishes the `panel.drawn` webhook.',
      tag: 'Panel',
      scope: 'panel:write',
      body: panelDrawBody,
      responses: { 201: { description: 'The new panel.', schema: panelSchema } },
      errors: { 409: '`PANEL.TOO_FEW`: fewer members signed up than the size asks.' },
      async handle({ organization, body }) {
        const drawn = await answering(() => deps.panel.draw({ organizationId: organization.id, size: body.size, ...(body.seed === undefined ? {} : { seed: body.seed }), drawnBy: null }));
        return { status: 201, json: panelView(drawn) };
      },
    }),
  ];
}
