import type { Locale } from '../kernel/types.js';
import type { ArgSpec, CommandDefinition } from './command.js';
import type { TextKey, Translator } from '../kernel/i18n.js';

/**
 * The `/kring` catalogue as a platform-neutral menu: every sub-command with its description and typed
 * options in both of Kring's languages. Platforms that show commands before they are run (Discord's
 * application commands, a Teams manifest's command list) are generated from this, so what a member
 * can pick is always what the router answers.
 *
 * Only names of things are kept in English (command paths and option names): that is what every
 * platform sends back and what `help` shows, in both languages.
 */

/** A text in every language Kring speaks. */
export type MenuText = Readonly<Record<Locale, string>>;

/** One typed argument of a sub-command. */
export interface CommandMenuOption {
  name: string;
  kind: ArgSpec['kind'];
  required: boolean;
  description: MenuText;
}

/**
 * One menu entry: a command (`['link']`, `['channel', 'connect']`), or a group, the first word shared by
 * longer commands (`['channel']`), which only describes them and has no options. A group's word may
 * also be a command of its own (`insights` beside `insights export`): then both entries are there.
 */
export interface CommandMenuEntry {
  kind: 'command' | 'group';
  path: string[];
  description: MenuText;
  options: CommandMenuOption[];
}

/** Catalogue key of a group's description, e.g. `commandGroups.channel`. */
export const groupDescriptionKey = (group: string): string => `commandGroups.${group}`;

const LANGUAGES: readonly Locale[] = ['en', 'nl'];

/**
 * Describes `commands` (in catalogue order) for menus. Each group gets an entry of its own just before
 * the first command that starts with its word, described by the catalogue text `commandGroups.<group>`,
 * or, when the catalogue has none, by the names of its sub-commands (`channel: connect, list`).
 */
export function commandMenu(commands: readonly CommandDefinition[], translator: Translator): CommandMenuEntry[] {
  const t = Object.fromEntries(LANGUAGES.map((lang) => [lang, translator.for(lang)])) as Record<Locale, ReturnType<Translator['for']>>;
  const text = (key: TextKey): MenuText => Object.fromEntries(LANGUAGES.map((lang) => [lang, t[lang](key)])) as MenuText;

  const subCommands = new Map<string, string[]>();
  for (const def of commands) {
    if (def.path.length > 1) subCommands.set(def.path[0]!, [...(subCommands.get(def.path[0]!) ?? []), def.path.slice(1).join(' ')]);
  }

  const menu: CommandMenuEntry[] = [];
  const groupsDone = new Set<string>();
  for (const def of commands) {
    const group = def.path[0]!;
    if (subCommands.has(group) && !groupsDone.has(group)) {
      groupsDone.add(group);
      const key = groupDescriptionKey(group);
      const neutral = `${group}: ${subCommands.get(group)!.join(', ')}`;
      // A group without its own text is described by its sub-commands.
      const description = Object.fromEntries(
        LANGUAGES.map((lang) => [lang, translator.has(key) ? t[lang](key) : neutral]),
      ) as MenuText;
      menu.push({ kind: 'group', path: [group], description, options: [] });
    }
    menu.push({
      kind: 'command',
      path: [...def.path],
      description: text(def.descriptionKey),
      options: def.args.map((arg) => ({ name: arg.name, kind: arg.kind, required: arg.required, description: text(arg.descriptionKey) })),
    });
  }
  return menu;
}
