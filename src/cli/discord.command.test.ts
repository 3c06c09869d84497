import { describe, expect, it } from 'vitest';
import { kringTranslator } from '../capabilities.js';
import { commandMenu, type CommandMenuEntry } from '../chat/command-menu.js';
import { offlineCatalogue } from './cli-host.js';
import { discordCommandSpecs } from './discord.command.js';

describe(discordCommandSpecs.name, () => {
  const today = () => discordCommandSpecs(commandMenu(offlineCatalogue('de-kring', {}), kringTranslator()));

  it('registers every command of today’s catalogue: none skipped, no description cut', () => {
    const { specs, skipped, shortened } = today();

    expect(skipped).toEqual([]);
    expect(shortened).toEqual([]);
    expect(specs.map((s) => s.path.join(' '))).toContain('insights show');
  });

  it('reports a description it had to cut, in which language and what Discord shows', () => {
    const long = 'x'.repeat(130);
    const menu: CommandMenuEntry[] = [
      { kind: 'command', path: ['zaal'], description: { en: 'Book the hall', nl: long }, options: [{ name: 'wanneer', kind: 'string', required: true, description: { en: long, nl: 'wanneer' } }] },
    ];

    const { specs, shortened } = discordCommandSpecs(menu);

    expect(specs[0]!.description.nl).toHaveLength(100);
    expect(specs[0]!.description.nl.endsWith('…')).toBe(true);
    expect(shortened).toEqual([
      { where: 'zaal', language: 'nl', length: 130, shown: specs[0]!.description.nl },
      { where: 'zaal wanneer', language: 'en', length: 130, shown: specs[0]!.options[0]!.description.en },
    ]);
  });

  it('still skips a command that is also a group, naming the way out', () => {
    const menu: CommandMenuEntry[] = [
      { kind: 'group', path: ['zaal'], description: { en: 'Halls', nl: 'Zalen' }, options: [] },
      { kind: 'command', path: ['zaal'], description: { en: 'Show halls', nl: 'Toon zalen' }, options: [] },
      { kind: 'command', path: ['zaal', 'boek'], description: { en: 'Book', nl: 'Boek' }, options: [] },
    ];

    expect(discordCommandSpecs(menu).skipped).toMatchObject([{ path: ['zaal'], reason: expect.stringContaining('zaal show') }]);
  });
});
