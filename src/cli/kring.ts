import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { capabilities } from '../capabilities.js';
import { isMembershipError } from '../capabilities/membership/index.js';
import { KringError, ValidationError } from '../kernel/errors.js';
import { LOCALES, slugSchema, type Locale } from '../kernel/types.js';
import { CliCapabilities, type CliIo } from './cli-host.js';
import { formatCount, table, UsageError } from '../capability-cli.js';
import { registerDiscordCommand } from './discord.command.js';
import { registerDemoCommand } from './demo.command.js';
import { registerStartCommand } from './start.command.js';
import { registerSecretsCommand } from './secrets.command.js';

export { openCliDatabase, type CliIo } from './cli-host.js';

/**
 * `kring`: the operator's command line (organisations, member imports and lists, API tokens, webhooks, polls,
 * news).
 * Exit codes: 0 done, 1 done but some CSV rows were skipped, 2 usage error or failure (nothing done).
 * Human output goes to stdout, progress and errors to stderr.
 */

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, rowErrors: 1, usage: 2 } as const;

/** Runs the CLI with `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let exitCode: number = EXIT.ok;
  const out = (line = ''): void => void io.stdout.write(`${line}\n`);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  const kring = new CliCapabilities(io, { out, err, setExitCode: (code) => void (exitCode = code) });
  const repos = () => kring.directory();

  const program = new Command('kring')
    .description('Kring: members-only community bot for associations. Operator commands.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .addHelpText(
      'after',
      '\nDatabase: DATABASE_URL (PostgreSQL) when set, else the embedded database in KRING_DATA_DIR (default ./data).\n' +
        'Exit codes: 0 done, 1 done but some CSV rows were skipped, 2 usage error or failure.',
    );

  const org = program.command('org').description('manage organisations (associations)').exitOverride();
  org
    .command('create')
    .description('create an organisation (does nothing if the slug exists)')
    .argument('<slug>', 'short name: lowercase letters, digits and dashes, e.g. "kring-utrecht"')
    .option('--name <name>', 'display name (default: the slug)')
    .addOption(new Option('--locale <locale>', 'default language').choices([...LOCALES]).default('nl'))
    .option('--timezone <zone>', 'IANA time zone', 'Europe/Amsterdam')
    .action(async (slugArg: string, opts: { name?: string; locale: Locale; timezone: string }) => {
      const parsed = slugSchema.safeParse(slugArg);
      if (!parsed.success) throw new UsageError(`Invalid slug "${slugArg}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const r = await repos();
      const existing = await r.organizations.findBySlug(parsed.data);
      if (existing) {
        out(`Organisation "${existing.slug}" exists already (${existing.name}, id ${existing.id}); nothing changed.`);
        return;
      }
      const created = await r.organizations.ensure({ slug: parsed.data, name: opts.name ?? parsed.data, defaultLocale: opts.locale, timezone: opts.timezone });
      out(`Created organisation "${created.slug}" (${created.name}, id ${created.id}).`);
    });
  org
    .command('list')
    .description('list organisations with their member counts')
    .action(async () => {
      const r = await repos();
      const orgs = await r.organizations.list();
      if (orgs.length === 0) {
        out('No organisations yet. Create one with: kring org create <slug> --name "<name>"');
        return;
      }
      const rows = await Promise.all(
        orgs.map(async (o) => [o.slug, o.name, o.defaultLocale, formatCount(await r.members.count(o.id, 'active')), formatCount(await r.members.count(o.id))]),
      );
      out(table(['SLUG', 'NAME', 'LOCALE', 'ACTIVE', 'MEMBERS'], rows, 40));
    });

  // Every capability's commands, from the one list.
  for (const capability of capabilities) capability.cli?.(program, kring.hostFor(capability) as never);
  registerDiscordCommand(program, { env: io.env });
  registerDemoCommand(program, { env: io.env });
  registerStartCommand(program, { env: io.env });
  registerSecretsCommand(program, { db: () => kring.db(), secrets: () => kring.secrets(), out });

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    exitCode = handleError(error, err, io.env);
  } finally {
    await kring.close();
  }
  return exitCode;
}

/** Maps a thrown error onto a message on stderr and an exit code. */
function handleError(error: unknown, err: (line: string) => void, env: Record<string, string | undefined>): number {
  if (error instanceof CommanderError) {
    // Commander printed its own message (or the help) already.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    err(`error: ${error.message}`);
  } else if (isMembershipError(error) || error instanceof ValidationError) {
    err(`error: ${error.message}`);
  } else if (error instanceof KringError) {
    err(`error: ${error.code}: ${error.message}`);
  } else {
    err(`error: ${(error as Error)?.message ?? String(error)}`);
    if (env['KRING_DEBUG']) err((error as Error)?.stack ?? '');
    else err('(set KRING_DEBUG=1 for details)');
  }
  return EXIT.usage;
}

/** True when this module is the program (`tsx src/cli/kring.ts`, `node dist/src/cli/kring.js`), not imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  try {
    return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

// bin/kring.mjs imports main() instead.
if (isEntryPoint()) process.exitCode = await main(process.argv);
