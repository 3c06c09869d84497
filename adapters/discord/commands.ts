import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  REST,
  Routes,
  type APIApplicationCommand,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandGroupOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import { ValidationError, type FieldIssue } from '../../src/kernel/errors.js';
import type { DiscordPlatformConfig } from './config.js';
import { toChatPlatformError } from './errors.js';

/**
 * The `/kring` application command, generated from the platform-neutral command catalogue: each
 * catalogue entry becomes a sub-command (`/kring link`) or a sub-command in a group
 * (`/kring poll create`), with typed options and Dutch localisations.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#subcommands-and-subcommand-groups
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */

/** The one top-level slash command Kring registers. */
export const KRING_COMMAND_NAME = 'kring';

/**
 * The message context-menu command (Apps -> "Report to moderators" on a message): Discord sends the whole
 * message in the interaction, and Kring turns it into a report for the moderators. Names of context-menu
 * commands may hold capitals and spaces; Discord always sends the default (English) name.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#message-commands
 */
export const REPORT_COMMAND_NAME = 'Report to moderators';
const REPORT_COMMAND_NAME_NL = 'Melden bij moderatoren';

/** The report command's JSON (type 3, MESSAGE), usable in servers only, like `/kring`. */
export function buildReportCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.Message,
    name: REPORT_COMMAND_NAME,
    name_localizations: { nl: REPORT_COMMAND_NAME_NL },
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/** A text in both of Kring's languages. English is Discord's default, Dutch a localisation (`nl`). */
export interface LocalizedText {
  en: string;
  nl: string;
}

/** Option value types Kring uses; Discord has more (user, channel, ...), the catalogue does not need them. */
export type CommandOptionKind = 'string' | 'integer' | 'boolean';

/** One typed option of a sub-command, e.g. `email` on `/kring link`. */
export interface CommandOptionSpec {
  /** Lowercase, 1–32 characters, e.g. `email`. Arrives as the key in `CommandEvent.options`. */
  name: string;
  type: CommandOptionKind;
  required: boolean;
  /** 1–100 characters per language. */
  description: LocalizedText;
  /** Dutch option name when it differs (`vraag` for `question`); Discord still sends `name`. */
  nameNl?: string;
}

/**
 * One catalogue entry as the Discord adapter needs it: what the lead's command catalogue provides.
 * `path` has one element (`['link']`, a sub-command) or two (`['poll', 'create']`, group + sub-command).
 * A one-element entry whose name is also a group (`['poll']` next to `['poll', 'create']`) describes
 * the group and must have no options.
 */
export interface CommandSpec {
  path: string[];
  /** 1–100 characters per language. */
  description: LocalizedText;
  options: CommandOptionSpec[];
  /** Dutch names for the path elements when they differ (`['peiling', 'maak']`). */
  pathNl?: string[];
}

/** Description of `/kring` itself when the caller gives none. */
export const DEFAULT_KRING_DESCRIPTION: LocalizedText = {
  en: 'Kring: your association in chat',
  nl: 'Kring: je vereniging in de chat',
};

export interface BuildCommandOptions {
  /** Description of the top-level `/kring` command. */
  description?: LocalizedText;
}

const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
const MAX_CHOICES = 25;
const OPTION_TYPES: Record<CommandOptionKind, ApplicationCommandOptionType.String | ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Boolean> = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  boolean: ApplicationCommandOptionType.Boolean,
};

/**
 * Builds the `/kring` command JSON. Throws a ValidationError listing every entry Discord would reject
 * (bad names, long descriptions, too many entries, a path that is both a group and a sub-command).
 */
export function buildKringCommand(specs: readonly CommandSpec[], options: BuildCommandOptions = {}): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const issues: FieldIssue[] = [];
  const description = options.description ?? DEFAULT_KRING_DESCRIPTION;
  checkDescription(description, 'description', issues);

  const groupNames = new Set(specs.filter((s) => s.path.length === 2).map((s) => s.path[0]!));
  const topLevel: (APIApplicationCommandSubcommandOption | APIApplicationCommandSubcommandGroupOption)[] = [];
  const groups = new Map<string, APIApplicationCommandSubcommandGroupOption>();
  const seen = new Set<string>();

  const groupOf = (name: string, nl: string | undefined): APIApplicationCommandSubcommandGroupOption => {
    let group = groups.get(name);
    if (!group) {
      group = { type: ApplicationCommandOptionType.SubcommandGroup, name, ...localizedName(nl, name), description: name, options: [] };
      groups.set(name, group);
      topLevel.push(group);
    }
    return group;
  };

  specs.forEach((spec, i) => {
    const at = `commands.${i}`;
    const key = spec.path.join(' ');
    if (spec.path.length < 1 || spec.path.length > 2) {
      issues.push({ path: `${at}.path`, message: `"${key}": Discord supports /kring <sub-command> or /kring <group> <sub-command>` });
      return;
    }
    if (seen.has(key)) issues.push({ path: `${at}.path`, message: `"${key}" is listed twice` });
    seen.add(key);
    spec.path.forEach((name, j) => checkName(name, `${at}.path.${j}`, issues));
    spec.pathNl?.forEach((name, j) => checkName(name, `${at}.pathNl.${j}`, issues));
    checkDescription(spec.description, `${at}.description`, issues);

    const [first, second] = spec.path as [string, string | undefined];
    if (second === undefined && groupNames.has(first)) {
      // Describes the group `/kring poll`; Discord cannot run a group itself, so it takes no options.
      if (spec.options.length > 0) issues.push({ path: `${at}.options`, message: `"${first}" is a group of sub-commands and cannot have options` });
      const group = groupOf(first, spec.pathNl?.[0]);
      group.description = spec.description.en;
      group.description_localizations = { nl: spec.description.nl };
      return;
    }
    const sub = subcommand(spec, second ?? first, spec.pathNl?.[spec.path.length - 1], at, issues);
    if (second === undefined) topLevel.push(sub);
    else groupOf(first, spec.pathNl?.[0]).options!.push(sub);
  });

  if (topLevel.length > MAX_CHOICES) issues.push({ path: 'commands', message: `Discord allows ${MAX_CHOICES} sub-commands/groups under /kring, got ${topLevel.length}` });
  for (const group of groups.values()) {
    if ((group.options?.length ?? 0) > MAX_CHOICES) issues.push({ path: 'commands', message: `group "${group.name}" has more than ${MAX_CHOICES} sub-commands` });
  }
  if (issues.length > 0) throw new ValidationError(issues);

  return {
    type: ApplicationCommandType.ChatInput,
    name: KRING_COMMAND_NAME,
    description: description.en,
    description_localizations: { nl: description.nl },
    // Kring works per server (guild = workspace): no DMs, no user installs.
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: topLevel,
  };
}

function subcommand(spec: CommandSpec, name: string, nl: string | undefined, at: string, issues: FieldIssue[]): APIApplicationCommandSubcommandOption {
  if (spec.options.length > MAX_CHOICES) issues.push({ path: `${at}.options`, message: `Discord allows ${MAX_CHOICES} options, got ${spec.options.length}` });
  const names = new Set<string>();
  const options: APIApplicationCommandBasicOption[] = spec.options.map((option, k) => {
    checkName(option.name, `${at}.options.${k}.name`, issues);
    if (option.nameNl !== undefined) checkName(option.nameNl, `${at}.options.${k}.nameNl`, issues);
    checkDescription(option.description, `${at}.options.${k}.description`, issues);
    if (names.has(option.name)) issues.push({ path: `${at}.options.${k}.name`, message: `option "${option.name}" is listed twice` });
    names.add(option.name);
    return {
      type: OPTION_TYPES[option.type],
      name: option.name,
      ...localizedName(option.nameNl, option.name),
      description: option.description.en,
      description_localizations: { nl: option.description.nl },
      required: option.required,
    } as APIApplicationCommandBasicOption;
  });
  // Discord rejects a required option after an optional one; keep the catalogue order otherwise.
  options.sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name,
    ...localizedName(nl, name),
    description: spec.description.en,
    description_localizations: { nl: spec.description.nl },
    options,
  };
}

function localizedName(nl: string | undefined, name: string): { name_localizations?: { nl: string } } {
  return nl === undefined || nl === name ? {} : { name_localizations: { nl } };
}

function checkName(name: string, path: string, issues: FieldIssue[]): void {
  if (!NAME.test(name)) issues.push({ path, message: `"${name}" is not a valid Discord command name (lowercase letters, digits, - or _, 1–32 characters)` });
}

function checkDescription(text: LocalizedText, path: string, issues: FieldIssue[]): void {
  for (const lang of ['en', 'nl'] as const) {
    const length = text[lang]?.length ?? 0;
    if (length < 1 || length > 100) issues.push({ path: `${path}.${lang}`, message: `must be 1–100 characters, got ${length}` });
  }
}

/** Connection settings registration needs (a subset of the platform config: no gateway, no handler). */
export type CommandRegistrationConfig = Pick<DiscordPlatformConfig, 'token' | 'applicationId' | 'apiUrl'>;

export interface RegisterCommandsOptions extends BuildCommandOptions {
  /** Register in one server only (appears instantly; good for testing). Omit for global registration. */
  guildId?: string;
}

/**
 * Replaces the application's commands (globally, or in one guild) with `/kring` built from `specs` and the
 * message command that reports a message ({@link REPORT_COMMAND_NAME}): a bulk overwrite (PUT), so commands
 * no longer in the catalogue disappear. Idempotent. Rejects with
 * ChatPlatformError (e.g. INVALID with Discord's field errors, PERMISSION_DENIED for a bad guild).
 */
export async function registerCommands(config: CommandRegistrationConfig, specs: readonly CommandSpec[], options: RegisterCommandsOptions = {}): Promise<APIApplicationCommand[]> {
  const body = [buildKringCommand(specs, options.description === undefined ? {} : { description: options.description }), buildReportCommand()];
  const rest = new REST({ api: (config.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, ''), retries: 1 }).setToken(config.token.replace(/^Bot\s+/i, ''));
  const route = options.guildId === undefined ? Routes.applicationCommands(config.applicationId) : Routes.applicationGuildCommands(config.applicationId, options.guildId);
  try {
    return (await rest.put(route, { body })) as APIApplicationCommand[];
  } catch (error) {
    throw toChatPlatformError(error, 'register application commands');
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
