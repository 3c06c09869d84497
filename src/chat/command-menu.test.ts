import { kringTranslator } from '../capabilities.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createInMemoryRepositories } from '../../test/fakes/in-memory-repositories.js';
import { silentLogger } from '../../test/support/logger.js';
import { MembershipService } from '../capabilities/membership/domain/membership.service.js';
import { systemClock } from '../kernel/clock.js';
import { commandMenu } from './command-menu.js';
import { channelCommands } from '../capabilities/channels/commands.js';
import { ChannelNames } from '../capabilities/channels/channel-names.js';
import { defineCommand, type CommandDefinition } from './command.js';
import { helpCommand } from './help.command.js';
import { membershipCommands } from '../capabilities/membership/commands.js';
import type { TextKey } from '../kernel/i18n.js';
import { membershipMails } from '../capabilities/membership/views.js';
import { privateText } from './views.js';

/** The core catalogue as the composition root builds it (help first, as ChatRouter puts it). */
function coreCatalogue(): CommandDefinition[] {
  const repos = createInMemoryRepositories();
  const membership = new MembershipService({ repos, mailer: { send: async () => undefined }, mails: membershipMails(kringTranslator()), clock: systemClock });
  const commands: CommandDefinition[] = [
    ...membershipCommands({ membership, codeTtlMinutes: 15 }).commands,
    ...channelCommands({
      workspaces: repos.workspaces,
      channels: repos.channels,
      chapters: repos.chapters,
      names: new ChannelNames({ platforms: { get: () => undefined, all: () => [] }, workspaces: repos.workspaces, channels: repos.channels, logger: silentLogger }),
    }),
  ];
  return [helpCommand(() => commands), ...commands];
}

const command = (path: string[], descriptionKey: TextKey = 'commands.help'): CommandDefinition =>
  defineCommand({ path, access: 'manager', args: [], schema: z.object({}), descriptionKey, run: async () => privateText('') }) as CommandDefinition;

describe(commandMenu.name, () => {
  const translator = kringTranslator();

  it('describes every command in English and Dutch, in catalogue order, with its typed options', () => {
    const sut = commandMenu(coreCatalogue(), translator);

    expect(sut.map((e) => `${e.kind} ${e.path.join(' ')}`)).toEqual([
      'command help',
      'command link',
      'command verify',
      'command unlink',
      'command whoami',
      'group channel',
      'command channel connect',
      'command channel list',
    ]);
    expect(sut.find((e) => e.path.join(' ') === 'link')).toEqual({
      kind: 'command',
      path: ['link'],
      description: {
        en: 'Link your chat account to your membership (you will get a code by e-mail)',
        nl: 'Koppel je chataccount aan je lidmaatschap (je krijgt een code per e-mail)',
      },
      options: [{ name: 'identifier', kind: 'string', required: false, description: { en: 'your member number or e-mail address', nl: 'je lidnummer of e-mailadres' } }],
    });
    expect(sut.find((e) => e.path.join(' ') === 'channel connect')!.options).toEqual([
      expect.objectContaining({ name: 'purpose', kind: 'string', required: true }),
      expect.objectContaining({ name: 'chapter', kind: 'string', required: false }),
    ]);
  });

  it('describes a group of sub-commands once, just before its first sub-command, from the catalogue', () => {
    const sut = commandMenu(coreCatalogue(), translator);

    const groups = sut.filter((e) => e.path.join(' ') === 'channel');
    expect(groups).toEqual([
      {
        kind: 'group',
        path: ['channel'],
        description: { en: 'Connect channels to Kring and list them (community managers)', nl: 'Koppel kanalen aan Kring en bekijk ze (communitymanagers)' },
        options: [],
      },
    ]);
  });

  it('names the sub-commands of a group the catalogue has no text for', () => {
    const sut = commandMenu([command(['zaal', 'boek']), command(['zaal', 'annuleer'])], translator);

    expect(sut[0]).toEqual({ kind: 'group', path: ['zaal'], description: { en: 'zaal: boek, annuleer', nl: 'zaal: boek, annuleer' }, options: [] });
    expect(sut).toHaveLength(3);
  });

  it('keeps a one-word command that is also a group apart from the group it starts', () => {
    const sut = commandMenu([command(['channel'], 'commands.channelList'), command(['channel', 'connect'], 'commands.channelConnect')], translator);

    expect(sut.map((e) => `${e.kind} ${e.path.join(' ')}`)).toEqual(['group channel', 'command channel', 'command channel connect']);
    expect(sut[1]!.description.en).toBe('List the connected channels');
  });

  it('keeps the texts free of placeholders and within 100 characters, what menus can show', () => {
    for (const entry of commandMenu(coreCatalogue(), translator)) {
      for (const text of [entry.description, ...entry.options.map((o) => o.description)]) {
        for (const value of Object.values(text)) {
          expect(value).not.toMatch(/\{\{|commands\.|args\./);
          expect(value.length).toBeLessThanOrEqual(100);
        }
      }
    }
  });
});
