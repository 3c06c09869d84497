import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/kernel/errors.js';
import { buildKringCommand, type CommandSpec } from './commands.js';

const text = (en: string, nl: string) => ({ en, nl });

const catalogue: CommandSpec[] = [
  { path: ['help'], description: text('Show what Kring can do', 'Laat zien wat Kring kan'), options: [] },
  {
    path: ['link'],
    description: text('Link your membership', 'Koppel je lidmaatschap'),
    options: [{ name: 'email', type: 'string', required: true, description: text('Your e-mail address', 'Je e-mailadres') }],
  },
  { path: ['poll'], description: text('Polls', 'Peilingen'), options: [], pathNl: ['peiling'] },
  {
    path: ['poll', 'create'],
    pathNl: ['peiling', 'maak'],
    description: text('Create a poll', 'Maak een peiling'),
    options: [
      { name: 'anonymous', type: 'boolean', required: false, description: text('Hide who voted', 'Verberg wie stemde'), nameNl: 'anoniem' },
      { name: 'question', type: 'string', required: true, description: text('The question', 'De vraag'), nameNl: 'vraag' },
      { name: 'hours', type: 'integer', required: false, description: text('Open for hours', 'Uren open') },
    ],
  },
];

describe(buildKringCommand.name, () => {
  it('builds /kring with sub-commands, a group, typed options and Dutch localisations', () => {
    const sut = buildKringCommand(catalogue);
    expect(sut).toMatchObject({ type: 1, name: 'kring', contexts: [0], integration_types: [0] });
    expect(sut.description_localizations).toEqual({ nl: 'Kring: je vereniging in de chat' });
    const [help, link, poll] = sut.options!;
    expect(help).toMatchObject({ type: ApplicationCommandOptionType.Subcommand, name: 'help', description: 'Show what Kring can do', description_localizations: { nl: 'Laat zien wat Kring kan' }, options: [] });
    expect(link).toMatchObject({
      type: ApplicationCommandOptionType.Subcommand,
      name: 'link',
      options: [{ type: ApplicationCommandOptionType.String, name: 'email', required: true, description: 'Your e-mail address', description_localizations: { nl: 'Je e-mailadres' } }],
    });
    expect(poll).toMatchObject({
      type: ApplicationCommandOptionType.SubcommandGroup,
      name: 'poll',
      name_localizations: { nl: 'peiling' },
      description: 'Polls',
      description_localizations: { nl: 'Peilingen' },
    });
    const create = (poll as { options: { name: string; name_localizations?: object; options: { name: string; type: number; required: boolean; name_localizations?: object }[] }[] }).options[0]!;
    expect(create).toMatchObject({ name: 'create', name_localizations: { nl: 'maak' } });
    // Required options first, as Discord demands; otherwise catalogue order.
    expect(create.options.map((o) => [o.name, o.type, o.required])).toEqual([
      ['question', ApplicationCommandOptionType.String, true],
      ['anonymous', ApplicationCommandOptionType.Boolean, false],
      ['hours', ApplicationCommandOptionType.Integer, false],
    ]);
    expect(create.options[0]!.name_localizations).toEqual({ nl: 'vraag' });
  });

  it('describes a group by its name when the catalogue has no entry for it', () => {
    const sut = buildKringCommand([{ path: ['news', 'post'], description: text('Post news', 'Plaats nieuws'), options: [] }]);
    expect(sut.options![0]).toMatchObject({ type: ApplicationCommandOptionType.SubcommandGroup, name: 'news', description: 'news' });
  });

  it('takes the top-level description from the caller', () => {
    const sut = buildKringCommand(catalogue, { description: text('Our club bot', 'Onze clubbot') });
    expect(sut.description).toBe('Our club bot');
    expect(sut.description_localizations).toEqual({ nl: 'Onze clubbot' });
  });

  it('lists every entry Discord would reject', () => {
    const bad: CommandSpec[] = [
      { path: ['Link'], description: text('x', 'x'), options: [] },
      { path: ['a', 'b', 'c'], description: text('x', 'x'), options: [] },
      { path: ['help'], description: text('x'.repeat(101), ''), options: [] },
      { path: ['poll'], description: text('x', 'x'), options: [{ name: 'q', type: 'string', required: true, description: text('q', 'q') }] },
      { path: ['poll', 'close'], description: text('x', 'x'), options: [] },
    ];
    const error = (() => {
      try {
        buildKringCommand(bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['commands.0.path.0', 'commands.1.path', 'commands.2.description.en', 'commands.2.description.nl', 'commands.3.options']));
  });
});
