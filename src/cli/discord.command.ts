import type { Command } from 'commander';
import type { CommandSpec, LocalizedText } from '../../adapters/discord/index.js';
import { commandMenu, type CommandMenuEntry, type MenuText } from '../chat/command-menu.js';
import { ConfigError, loadConfig, type Config } from '../config/env.js';
import { ChatPlatformError } from '../kernel/ports/chat-platform.js';
import { kringTranslator } from '../capabilities.js';
import { offlineCatalogue } from './cli-host.js';

/**
 * `kring discord register-commands [--guild <id>]`: registers `/kring` as a Discord application command
 * (sub-commands, groups, typed options, Dutch descriptions), generated from the same command catalogue
 * the running bot answers. Run it after installing or upgrading Kring; `--guild` registers in one server
 * only, which shows at once and suits a test server.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#registering-a-command
 */

/** What the sub-command reads besides its arguments (the process in production, buffers in tests). */
export interface DiscordCommandOptions {
  /** The environment to parse with `loadConfig` (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Adds `discord register-commands` to the `kring` program. */
export function registerDiscordCommand(program: Command, options: DiscordCommandOptions = {}): void {
  const discord = program.command('discord').description('Discord: register the /kring command').exitOverride();
  const register = discord
    .command('register-commands')
    .summary('register /kring (with its sub-commands) as a Discord application command')
    .description(
      'Register /kring as a Discord application command, generated from the command catalogue, replacing what was registered before. ' +
        'Without --guild the command is registered for every server the bot is in.',
    )
    .option('--guild <id>', 'register in this server (guild) only: shows at once, good for testing')
    // Its errors come from the environment or from Discord, not from how it was typed.
    .showHelpAfterError(false)
    .addHelpText('after', '\nReads DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_API_URL) from the environment.')
    .action(async (opts: { guild?: string }) => {
      const output = register.configureOutput();
      const write = (line: string) => (output.writeOut ?? ((s: string) => process.stdout.write(s)))(`${line}\n`);
      const warn = (line: string) => (output.writeErr ?? ((s: string) => process.stderr.write(s)))(`${line}\n`);
      let config: Config;
      try {
        config = loadConfig(options.env ?? process.env);
      } catch (err) {
        if (err instanceof ConfigError) register.error(`error: ${err.message}`, { exitCode: 2, code: 'kring.config' });
        throw err;
      }
      const discordConfig = config.discord;
      if (!discordConfig) {
        return register.error('error: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (the bot token and application id from the Discord developer portal).', {
          exitCode: 2,
          code: 'kring.config',
        });
      }
      if (opts.guild !== undefined && !/^\d{15,25}$/.test(opts.guild)) {
        register.error(`error: --guild must be a numeric server id, not "${opts.guild}"`, { exitCode: 2, code: 'kring.usage' });
      }

      const { specs, skipped, shortened } = discordCommandSpecs(commandMenu(offlineCatalogue(config.org.slug, options.env ?? process.env), kringTranslator()));
      // discord.js is loaded by this command only: every other `kring` command starts without it.
      const { registerCommands } = await import('../../adapters/discord/index.js');
      try {
        await registerCommands(
          { token: discordConfig.token, applicationId: discordConfig.applicationId, ...(discordConfig.apiUrl ? { apiUrl: discordConfig.apiUrl } : {}) },
          specs,
          opts.guild === undefined ? {} : { guildId: opts.guild },
        );
      } catch (err) {
        if (err instanceof ChatPlatformError) register.error(`error: ${err.message}${hint(err, opts.guild)}`, { exitCode: 2, code: 'kring.discord' });
        throw err;
      }
      // Group entries (`channel`) only describe their sub-commands.
      const groups = new Set(specs.filter((s) => s.path.length > 1).map((s) => s.path[0]));
      const commands = specs.filter((s) => s.path.length > 1 || !groups.has(s.path[0]));
      write(`Registered /kring ${opts.guild === undefined ? 'for every server the bot is in' : `in server ${opts.guild}`} with ${commands.length} sub-commands:`);
      for (const spec of commands) write(`  /kring ${spec.path.join(' ')}${spec.options.map((o) => (o.required ? ` <${o.name}>` : ` [${o.name}]`)).join('')}`);
      for (const s of skipped) warn(`warning: /kring ${s.path.join(' ')} is not registered on Discord: ${s.reason}`);
      for (const s of shortened) {
        warn(`warning: /kring ${s.where} (${s.language}): the description is ${s.length} characters; Discord shows at most ${DISCORD_DESCRIPTION_MAX}, so it was cut: "${s.shown}"`);
      }
    });
}

/** What to do about a refusal, when we can tell. */
function hint(err: ChatPlatformError, guild: string | undefined): string {
  if (err.code === 'PERMISSION_DENIED' || (guild !== undefined && err.code === 'NOT_FOUND')) {
    return '\nIs the bot in that server? Invite it with the "bot" and "applications.commands" scopes (docs/adapters/discord.md).';
  }
  if (err.code === 'INVALID' && /\b401\b/.test(err.message)) return '\nCheck DISCORD_TOKEN: Discord did not accept it.';
  return '';
}

/** Discord allows 1–100 characters per description; longer catalogue texts are cut with an ellipsis. */
const DISCORD_DESCRIPTION_MAX = 100;

/** A catalogue description Discord could only take shortened (shorten it in the catalogue). */
export interface ShortenedDescription {
  /** The command, and the option when it is an option's description: `news post` or `news post text`. */
  where: string;
  language: keyof LocalizedText;
  /** Characters of the catalogue text. */
  length: number;
  /** What Discord shows instead. */
  shown: string;
}

function fit(text: MenuText, where: string, shortened: ShortenedDescription[]): LocalizedText {
  const cut = (language: keyof LocalizedText): string => {
    const s = text[language];
    if (s.length <= DISCORD_DESCRIPTION_MAX) return s;
    const shown = `${s.slice(0, DISCORD_DESCRIPTION_MAX - 1).trimEnd()}…`;
    shortened.push({ where, language, length: s.length, shown });
    return shown;
  };
  return { en: cut('en'), nl: cut('nl') };
}

/** A menu command Discord's command model cannot hold, and why. */
export interface SkippedCommand {
  path: string[];
  reason: string;
}

/**
 * The platform-neutral menu as the Discord adapter's command specs. Discord takes `/kring <command>` and
 * `/kring <group> <command>`, and cannot run a group itself: commands of another shape are left out and
 * returned in `skipped` (the rest still registers). Descriptions longer than Discord takes are cut and
 * returned in `shortened`.
 */
export function discordCommandSpecs(menu: readonly CommandMenuEntry[]): { specs: CommandSpec[]; skipped: SkippedCommand[]; shortened: ShortenedDescription[] } {
  const groups = new Set(menu.filter((e) => e.kind === 'group').map((e) => e.path[0]));
  const specs: CommandSpec[] = [];
  const skipped: SkippedCommand[] = [];
  const shortened: ShortenedDescription[] = [];
  for (const entry of menu) {
    if (entry.kind === 'command' && entry.path.length === 1 && groups.has(entry.path[0])) {
      skipped.push({
        path: entry.path,
        reason: `Discord cannot run "${entry.path[0]}" itself because it is also a group of sub-commands; give this command a sub-command name of its own (e.g. "${entry.path[0]} show")`,
      });
      continue;
    }
    if (entry.path.length > 2) {
      skipped.push({ path: entry.path, reason: 'Discord takes at most a group and a sub-command under /kring' });
      continue;
    }
    const where = entry.path.join(' ');
    specs.push({
      path: [...entry.path],
      description: fit(entry.description, where, shortened),
      options: entry.options.map((o) => ({ name: o.name, type: o.kind, required: o.required, description: fit(o.description, `${where} ${o.name}`, shortened) })),
    });
  }
  return { specs, skipped, shortened };
}
