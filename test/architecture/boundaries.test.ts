import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType, type IViolation } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The dependency direction of the house style (STYLE.md, principle 1), checked on the real import graph:
 * dependency-cruiser parses every shipped file with the TypeScript compiler and resolves each import
 * with the repository's tsconfig.json (NodeNext, `./x.js` specifiers pointing at `./x.ts`). Type-only
 * imports, side-effect imports, re-exports, dynamic `import()` and `require()` all count.
 *
 * The rules run over the real tree (which must have no violations) and over fixture trees under
 * ./fixtures, where every planted violation must trip exactly the rules it is meant to.
 */

const repositoryRoot = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');

// ---------------------------------------------------------------------------------------------------------
// What the rules talk about. Paths are relative to the cruised tree; a package matches where it resolves
// (`node_modules/<name>/...`, including its `@types/<name>`) and by its bare name when it does not resolve.

/** Regular expressions for npm packages; each name is itself a regular expression. */
function npm(...names: string[]): string[] {
  return names.flatMap((name) => [`(^|/)node_modules/(@types/)?${name}(/|$)`, `^${name}(/|$)`]);
}

/** Prisma, its generated client and the database drivers under it. */
const PRISMA = [...npm('@prisma/[^/]+', 'prisma', 'pg', '@electric-sql/[^/]+'), '^src/infra/database/generated/'];
/** The rest of the infrastructure libraries: queue, HTTP server, mail, logging. */
const INFRA_LIBRARIES = npm('bullmq', 'ioredis', 'express', 'nodemailer', 'pino');
const DISCORD_SDK = npm('discord\\.js', '@discordjs/[^/]+');
const SLACK_SDK = npm('@slack/[^/]+');
const TEAMS_SDK = npm('botbuilder[^/]*', 'botframework-[^/]+', '@azure/[^/]+');
const CHAT_SDKS = [...DISCORD_SDK, ...SLACK_SDK, ...TEAMS_SDK];
/**
 * `createRequire(import.meta.url)('x')` loads `x` without an import the parser can see (a `require`
 * made by createRequire and called `require` is seen). Code that must stay pure therefore may not
 * reach `node:module` at all.
 */
const CREATE_REQUIRE = ['^(node:)?module$'];
/** Everything in our own tree. */
const OURS = '^(src|adapters)/';

/**
 * The rules, as a dependency-cruiser rule set (https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md).
 * `$1` in a `to` refers to the group captured by the rule's `from` (the capability or the adapter).
 * Rules with the same name are one rule in several parts.
 */
const rules: IForbiddenRuleType[] = [
  {
    name: 'domain-is-pure',
    comment:
      "A capability's domain/ is pure TypeScript: directly or through any chain of imports it reaches only " +
      'src/kernel, its own domain/ and ports.ts, node builtins and plain libraries; never Prisma, pg, PGlite, ' +
      'BullMQ, ioredis, express, nodemailer, pino, a chat SDK, createRequire, another layer of src/, ' +
      'adapters/ or another capability.',
    severity: 'error',
    from: { path: '^src/capabilities/([^/]+)/domain/' },
    to: {
      reachable: true,
      path: [OURS, ...PRISMA, ...INFRA_LIBRARIES, ...CHAT_SDKS, ...CREATE_REQUIRE],
      pathNot: '^src/(kernel/|capabilities/$1/(domain/|ports\\.ts$))',
    },
  },
  {
    name: 'kernel-is-innermost',
    comment:
      'src/kernel depends on nothing else of ours and on no infrastructure library or chat SDK; ' +
      'only on itself, node builtins and plain libraries such as zod and i18next.',
    severity: 'error',
    from: { path: '^src/kernel/' },
    to: { path: [OURS, ...PRISMA, ...INFRA_LIBRARIES, ...CHAT_SDKS, ...CREATE_REQUIRE], pathNot: '^src/kernel/' },
  },
  {
    name: 'prisma-only-in-repositories-and-infra',
    comment:
      "Prisma (@prisma/*, prisma, the generated client), pg and PGlite appear only in a capability's " +
      'repository/ and in src/infra.',
    severity: 'error',
    from: { pathNot: ['^src/capabilities/[^/]+/repository/', '^src/infra/'] },
    to: { path: PRISMA },
  },
  {
    name: 'sdk-only-in-its-adapter',
    comment: 'discord.js and @discordjs/* are imported only in adapters/discord.',
    severity: 'error',
    from: { pathNot: '^adapters/discord/' },
    to: { path: DISCORD_SDK },
  },
  {
    name: 'sdk-only-in-its-adapter',
    comment: '@slack/* is imported only in adapters/slack.',
    severity: 'error',
    from: { pathNot: '^adapters/slack/' },
    to: { path: SLACK_SDK },
  },
  {
    name: 'sdk-only-in-its-adapter',
    comment: 'botbuilder*, botframework-* and @azure/* are imported only in adapters/teams.',
    severity: 'error',
    from: { pathNot: '^adapters/teams/' },
    to: { path: TEAMS_SDK },
  },
  {
    name: 'capabilities-keep-their-internals',
    comment: 'Another capability is used only through its index.ts and its events.ts.',
    severity: 'error',
    from: { path: '^src/capabilities/([^/]+)/' },
    to: {
      path: '^src/capabilities/',
      pathNot: ['^src/capabilities/$1/', '^src/capabilities/[^/]+/(index|events)\\.ts$'],
    },
  },
  {
    name: 'capabilities-keep-their-internals',
    comment: 'src/capabilities.ts and the CLI use a capability only through its index.ts.',
    severity: 'error',
    from: { path: '^src/(capabilities\\.ts$|cli/)' },
    to: { path: '^src/capabilities/', pathNot: '^src/capabilities/[^/]+/index\\.ts$' },
  },
  {
    name: 'capabilities-keep-their-internals',
    comment:
      'Outside src/capabilities/, only src/capabilities.ts and src/cli know capabilities ' +
      '(src/main.ts, src/kernel, src/chat, src/http and adapters/ have rules of their own).',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/(capabilities/|capabilities\\.ts$|cli/|main\\.ts$|kernel/|chat/|http/)' },
    to: { path: '^src/capabilities/' },
  },
  {
    name: 'main-imports-no-capability',
    comment: 'The composition root gets its capabilities from src/capabilities.ts, never from a capability folder.',
    severity: 'error',
    from: { path: '^src/main\\.ts$' },
    to: { path: '^src/capabilities/' },
  },
  {
    name: 'adapters-import-only-kernel',
    comment: 'An adapter uses only src/kernel (its ports and shared types) from src/.',
    severity: 'error',
    from: { path: '^adapters/' },
    to: { path: '^src/', pathNot: '^src/kernel/' },
  },
  {
    name: 'adapters-import-only-kernel',
    comment: 'No adapter imports another adapter.',
    severity: 'error',
    from: { path: '^adapters/([^/]+)/' },
    to: { path: '^adapters/', pathNot: '^adapters/$1/' },
  },
  {
    name: 'only-roots-import-adapters',
    comment: 'In src/, only the composition root (src/main.ts) and the CLI (src/cli) import adapters/.',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/(main\\.ts$|cli/)' },
    to: { path: '^adapters/' },
  },
  {
    name: 'http-and-chat-know-no-capability',
    comment:
      'src/chat and src/http host what capabilities contribute; they import no capability, no src/infra ' +
      'and no adapter.',
    severity: 'error',
    from: { path: '^src/(chat|http)/' },
    to: { path: '^(src/capabilities/|src/infra/|adapters/)' },
  },
  {
    name: 'http-and-chat-know-no-capability',
    comment: 'The chat router is platform- and server-neutral: no express, queue, mail or logging library.',
    severity: 'error',
    from: { path: '^src/chat/' },
    to: { path: INFRA_LIBRARIES },
  },
  {
    name: 'observability-libraries-only-in-infra',
    comment:
      'prom-client, OpenTelemetry (@opentelemetry/*) and Bull Board (@bull-board/*) appear only in src/infra: ' +
      'everything else counts and traces through the ports src/kernel/ports/metrics.ts and tracing.ts.',
    severity: 'error',
    from: { pathNot: '^src/infra/' },
    to: { path: npm('prom-client', '@opentelemetry/[^/]+', '@bull-board/[^/]+') },
  },
  {
    name: 'imports-resolve',
    comment: 'Every import resolves to a file or a package; the other rules cannot judge what they cannot see.',
    severity: 'error',
    from: { path: OURS },
    to: { couldNotResolve: true },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Cruising.

/**
 * Cruises `src/` and `adapters/` of the tree at `baseDir` with the rules above. Shipped code only: tests and
 * fixtures are left out, and the generated Prisma client is a leaf (importing it counts, its internals do not).
 */
async function cruiseTree(baseDir: string): Promise<ICruiseResult> {
  const tsConfigFile = join(baseDir, 'tsconfig.json');
  const { output } = await cruise(
    ['src', 'adapters'].filter((dir) => existsSync(join(baseDir, dir))),
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden: rules },
      exclude: { path: ['\\.test\\.ts$', '(^|/)fixtures/'] },
      doNotFollow: { path: ['(^|/)node_modules/', '^src/infra/database/generated/'] },
      moduleSystems: ['es6', 'cjs'],
      // Keep imports that vanish when compiling to JavaScript: `import type`, type-only re-exports.
      tsPreCompilationDeps: true,
      detectJSDocImports: true,
      detectProcessBuiltinModuleCalls: true,
      tsConfig: { fileName: tsConfigFile },
      enhancedResolveOptions: {
        exportsFields: ['exports'],
        conditionNames: ['import', 'require', 'node', 'types', 'default'],
        mainFields: ['module', 'main', 'types', 'typings'],
      },
    },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  if (typeof output === 'string') throw new Error(`dependency-cruiser returned a report instead of a result: ${output}`);
  return output;
}

/**
 * The violations worth reading. A transitive (reachability) violation is dropped when the path to it
 * already passes a module the same rule forbids from the same file: fixing that first step fixes it.
 * (dependency-cruiser reports each reached module by its path in one depth-first walk, so the first
 * forbidden module on every path is kept: nothing is hidden that is not behind a reported violation.)
 */
function violationsOf(result: ICruiseResult): IViolation[] {
  const all = result.summary.violations;
  const reached = new Set(all.filter((v) => v.type === 'reachability').map((v) => `${v.rule.name}|${v.from}|${v.to}`));
  return all.filter(
    (v) =>
      v.type !== 'reachability' ||
      !(v.via ?? []).slice(0, -1).some((step) => reached.has(`${v.rule.name}|${v.from}|${step.name}`)),
  );
}

/** `from -> to (rule)`, with the path in between when the rule is transitive. */
function describeViolation(v: IViolation): string {
  const steps = v.type === 'reachability' && v.via ? v.via.map((step) => step.name) : [v.to];
  return `${[v.from, ...steps].map(tidy).join(' -> ')} (${v.rule.name})`;
}

/** Package paths from a fixture tree start with `../../../../node_modules/`; show them from `node_modules/`. */
function tidy(path: string): string {
  return path.replace(/^(\.\.\/)+/, '');
}

/** The failure message: every violation on a line, then what each broken rule asks for. */
function explain(violations: IViolation[]): string {
  const broken = new Set(violations.map((v) => v.rule.name));
  const why = rules.filter((rule) => rule.name !== undefined && broken.has(rule.name)).map((rule) => `  ${rule.name}: ${rule.comment}`);
  return [`${violations.length} boundary violation(s):`, ...violations.map(describeViolation), 'The rules:', ...why, ''].join('\n');
}

function rulesFiredBy(violations: IViolation[]): Map<string, string[]> {
  const byFile = new Map<string, Set<string>>();
  for (const v of violations) byFile.set(v.from, (byFile.get(v.from) ?? new Set()).add(v.rule.name));
  return new Map([...byFile].map(([file, names]) => [file, [...names].sort()]));
}

// ---------------------------------------------------------------------------------------------------------

describe('architecture boundaries', () => {
  describe('the rules, on planted violations', () => {
    let planted: IViolation[];
    let mainTree: IViolation[];

    beforeAll(async () => {
      [planted, mainTree] = await Promise.all([
        cruiseTree(join(fixtures, 'planted')).then(violationsOf),
        cruiseTree(join(fixtures, 'main-imports-capability')).then(violationsOf),
      ]);
      // Cruising reads and resolves every file: seconds on a quiet machine, far more on a busy one.
    }, 120_000);

    const domain = 'src/capabilities/webhooks/domain';

    /** Every file of fixtures/planted that breaks a rule, and exactly the rules it breaks. */
    const expected: Record<string, string[]> = {
      // A domain file importing the capability contract, the list, src/http or the composition root.
      [`${domain}/planted-imports-capability-contract.ts`]: ['domain-is-pure'],
      [`${domain}/planted-imports-capability-list.ts`]: ['domain-is-pure'],
      [`${domain}/planted-imports-http.ts`]: ['domain-is-pure'],
      [`${domain}/planted-imports-main.ts`]: ['domain-is-pure'],
      // Prisma in a domain file, however it is imported.
      [`${domain}/planted-side-effect-prisma.ts`]: ['domain-is-pure', 'prisma-only-in-repositories-and-infra'],
      [`${domain}/planted-type-only-prisma.ts`]: ['domain-is-pure', 'prisma-only-in-repositories-and-infra'],
      [`${domain}/planted-reexports-prisma.ts`]: ['domain-is-pure', 'prisma-only-in-repositories-and-infra'],
      [`${domain}/planted-create-require-aliased.ts`]: ['domain-is-pure', 'prisma-only-in-repositories-and-infra'],
      [`${domain}/planted-create-require-inline.ts`]: ['domain-is-pure'],
      [`${domain}/planted-dynamic-import-bullmq.ts`]: ['domain-is-pure'],
      // Prisma reached transitively: the domain file itself imports only what it may.
      [`${domain}/planted-reaches-prisma-via-kernel.ts`]: ['domain-is-pure'],
      ['src/kernel/prisma-json.ts']: ['kernel-is-innermost', 'prisma-only-in-repositories-and-infra'],
      [`${domain}/planted-reaches-prisma-via-own-ports.ts`]: ['domain-is-pure'],
      ['src/capabilities/webhooks/ports.ts']: ['prisma-only-in-repositories-and-infra'],
      // A domain file reaching another capability, or its own capability outside domain/ and ports.ts.
      [`${domain}/planted-imports-other-capability.ts`]: ['domain-is-pure'],
      [`${domain}/planted-imports-own-repository.ts`]: ['domain-is-pure'],
      // Capabilities and their internals.
      ['src/capabilities/webhooks/planted-imports-polls-internals.ts']: ['capabilities-keep-their-internals'],
      ['src/capabilities/webhooks/planted-commands-use-prisma.ts']: ['prisma-only-in-repositories-and-infra'],
      ['src/cli/planted-imports-capability-cli.ts']: ['capabilities-keep-their-internals'],
      ['src/infra/planted-imports-capability.ts']: ['capabilities-keep-their-internals'],
      // The kernel importing outer layers or infrastructure.
      ['src/kernel/ports/planted-directory.ts']: ['kernel-is-innermost'],
      ['src/kernel/planted-uses-require.ts']: ['kernel-is-innermost'],
      // Adapters.
      ['adapters/slack/planted-imports-infra.ts']: ['adapters-import-only-kernel'],
      ['adapters/slack/planted-imports-chat.ts']: ['adapters-import-only-kernel'],
      ['adapters/discord/planted-imports-slack-adapter.ts']: ['adapters-import-only-kernel'],
      ['adapters/teams/planted-imports-slack-sdk.ts']: ['sdk-only-in-its-adapter'],
      // The router and the HTTP server.
      ['src/chat/planted-imports-discord.ts']: ['sdk-only-in-its-adapter'],
      ['src/chat/planted-imports-capability.ts']: ['http-and-chat-know-no-capability'],
      ['src/chat/planted-imports-express.ts']: ['http-and-chat-know-no-capability'],
      ['src/http/planted-imports-infra.ts']: ['http-and-chat-know-no-capability'],
      ['src/http/planted-imports-adapter.ts']: ['http-and-chat-know-no-capability', 'only-roots-import-adapters'],
      // An import nothing can judge.
      ['src/capabilities/polls/planted-unresolvable.ts']: ['imports-resolve'],
      ['src/capabilities/webhooks/planted-imports-prom-client.ts']: ['observability-libraries-only-in-infra'],
    };

    it.each(Object.entries(expected))('flags %s with %j', (file, ruleNames) => {
      expect(rulesFiredBy(planted).get(file), planted.map(describeViolation).join('\n')).toEqual(ruleNames);
    });

    it('flags nothing else: the clean files of the fixture tree pass every rule', () => {
      const unexpected = planted.filter((v) => !(v.from in expected)).map(describeViolation);
      expect(unexpected).toEqual([]);
    });

    it('sees the module a createRequire-made require loads', () => {
      const aliased = planted.filter((v) => v.from === `${domain}/planted-create-require-aliased.ts`).map(describeViolation);
      expect(aliased).toContainEqual(expect.stringMatching(/-> node_modules\/@prisma\/client\/\S+ \(domain-is-pure\)$/));
    });

    it('shows the path of a transitive violation', () => {
      expect(planted.map(describeViolation)).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${domain}/planted-reaches-prisma-via-kernel\\.ts -> src/kernel/prisma-json\\.ts -> node_modules/@prisma/client/\\S+ \\(domain-is-pure\\)$`),
        ),
      );
    });

    it('flags src/main.ts importing a capability folder', () => {
      expect(mainTree.map(describeViolation)).toEqual(['src/main.ts -> src/capabilities/polls/index.ts (main-imports-no-capability)']);
    });
  });

  it('holds for the shipped code', async () => {
    const violations = violationsOf(await cruiseTree(repositoryRoot));
    expect(violations.map(describeViolation), explain(violations)).toEqual([]);
  }, 120_000);
});
