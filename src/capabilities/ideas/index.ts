import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { toLocale } from '../../kernel/types.js';
import { ideaCommands } from './commands.js';
import { IdeaService } from './domain/idea.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import { IDEA_QUEUE, IdeaWorker, QueueIdeaJobs, scheduleIdeaJobs } from './jobs/idea.jobs.js';
import type { IdeaRepository } from './ports.js';
import { PrismaIdeaRepository } from './repository/prisma-idea.repository.js';
import { ideaRoutes } from './routes/ideas.routes.js';
import { digestNews, ideaChangeView, ideaMessageView } from './views.js';

export interface IdeasOptions {
  repo?: IdeaRepository;
  scheduler?: { refreshWindowMs?: number; skewMarginMs?: number };
  /** Skip the monthly "you said, we did" schedule (tests that start Kring many times). */
  schedule?: boolean;
}

export interface IdeasParts extends CapabilityParts {
  service: IdeaService;
  repo: IdeaRepository;
}

/**
 * The idea box (ideeënbus): verified members submit ideas (`/kring idea <text>` or a form); each is posted
 * to the ideas channels on every platform with an upvote button (one upvote per member across platforms)
 * and its status; managers move it on (new, under consideration, planned, done, declined with a reason),
 * and the submitter and upvoters get a direct message on each change; on the 1st of every month (and
 * with `/kring idea digest <month> draft`) the "you said, we did" of the month's moved ideas becomes a news
 * draft for the managers (`news.draft-proposed`); admin API (list, get, set the status). Publishes `idea.submitted` and
 * `idea.status-changed`.
 */
export const ideas = defineCapability({
  name: 'ideas',
  texts: { en, nl },
  apiScopes: ['ideas:read', 'ideas:write'],
  build(ctx: CapabilityContext, options: IdeasOptions = {}): IdeasParts {
    const repo = options.repo ?? ctx.repository(PrismaIdeaRepository);
    const jobs = new QueueIdeaJobs(ctx.queue, ctx.clock, options.scheduler);
    const orgT = (locale: string) => ctx.translator.for(toLocale(locale) ?? 'nl');
    const service = new IdeaService({
      repo,
      clock: ctx.clock,
      jobs,
      channels: ctx.directory.channels,
      members: ctx.directory.members,
      identities: ctx.directory.identities,
      organizations: ctx.directory.organizations,
      platforms: ctx.platforms,
      render: ({ idea, votes, organization }) => ideaMessageView(idea, votes, orgT(organization.defaultLocale)),
      renderChange: ({ idea, member, organization, submitter }) => ideaChangeView(idea, submitter, orgT(member.locale ?? organization.defaultLocale)),
      renderNews: ({ organization, month, lines }) => digestNews(month, lines, orgT(organization.defaultLocale), organization.defaultLocale),
      bus: ctx.bus,
      logger: ctx.logger,
    });
    const worker = new IdeaWorker(service);
    return {
      service,
      repo,
      ...ideaCommands({ ideas: service, clock: ctx.clock }),
      api: {
        routes: ideaRoutes({ ideas: service }),
        tags: [{ name: 'Ideas', description: 'The idea box: ideas with their status and upvotes (one per member across platforms); managers move them on.' }],
      },
      async start() {
        ctx.queue.process(IDEA_QUEUE, (name, payload, meta) => worker.handle(name, payload, meta));
      },
      async schedule() {
        if (options.schedule !== false) await scheduleIdeaJobs(ctx.queue, await ctx.directory.organizations.list());
      },
    };
  },
});
