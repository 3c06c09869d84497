import { defineCapability, type CapabilityContext, type CapabilityParts } from '../../capability.js';
import { registerAssemblyCli } from './cli.js';
import { assemblyCommands } from './commands.js';
import { InMemoryBallotBox } from './domain/ballot-box.js';
import { AssemblyService } from './domain/assembly.service.js';
import { en } from './i18n/en.js';
import { nl } from './i18n/nl.js';
import type { AssemblyRepository, BallotBox } from './ports.js';
import { PrismaAssemblyRepository } from './repository/prisma-assembly.repository.js';
import { assemblyRoutes } from './routes/assembly.routes.js';

/** Parts a test may replace. */
export interface AssemblyOptions {
  repo?: AssemblyRepository;
  box?: BallotBox;
}

/** What the assembly capability built, for tests that drive the parts directly. */
export interface AssemblyParts extends CapabilityParts {
  service: AssemblyService;
  repo: AssemblyRepository;
}

/**
 * The general assembly (algemene ledenvergadering): agenda items (motions and votes on persons, with
 * the statutes' majority), a frozen register of voters, proxies (volmachten), check-in, early and live
 * voting by buttons on every platform and the web, sealed ballots with receipts for secret items, and
 * the decision list (besluitenlijst) as Markdown and PDF. Publishes `assembly.item-closed`. The scheme
 * and the law: docs/ASSEMBLY.md.
 */
export const assembly = defineCapability({
  name: 'assembly',
  texts: { en, nl },
  apiScopes: ['assembly:read', 'assembly:write'],
  build(ctx: CapabilityContext, options: AssemblyOptions = {}): AssemblyParts {
    const repo = options.repo ?? ctx.repository(PrismaAssemblyRepository);
    const service = new AssemblyService({ repo, members: ctx.directory.members, clock: ctx.clock, box: options.box ?? new InMemoryBallotBox(), bus: ctx.bus });
    return {
      service,
      repo,
      ...assemblyCommands({ assemblies: service }),
      on: {
        async 'member.forgotten'({ organizationId, memberId }) {
          await repo.forgetMember(organizationId, memberId);
        },
      },
      api: {
        routes: assemblyRoutes({ assemblies: service, translator: ctx.translator }),
        tags: [{ name: 'Assembly', description: 'The general assembly: agenda, register of voters, results and the decision list.' }],
      },
    };
  },
  cli: (program, host) => registerAssemblyCli(program, host),
});
