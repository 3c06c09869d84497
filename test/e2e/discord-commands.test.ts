import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands, type CommandSpec } from '../../adapters/discord/index.js';
import { FakeDiscord } from '../fakes/discord/index.js';

/** `registerCommands` (behind `kring discord register-commands`) against the fake's command endpoints. */

const text = (en: string, nl: string) => ({ en, nl });
const catalogue: CommandSpec[] = [
  { path: ['help'], description: text('Show what Kring can do', 'Laat zien wat Kring kan'), options: [] },
  {
    path: ['link'],
    description: text('Link your membership', 'Koppel je lidmaatschap'),
    options: [{ name: 'email', type: 'string', required: true, description: text('Your e-mail address', 'Je e-mailadres') }],
  },
  {
    path: ['poll', 'create'],
    description: text('Create a poll', 'Maak een peiling'),
    options: [{ name: 'question', type: 'string', required: true, description: text('The question', 'De vraag'), nameNl: 'vraag' }],
  },
];

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

describe(registerCommands.name, () => {
  it('overwrites the global commands with /kring', async () => {
    fake = await FakeDiscord.start();
    const registered = await registerCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl }, catalogue);
    // /kring, and the message command that reports a message to the moderators (issue 16).
    expect(registered.map((c) => c.name)).toEqual(['kring', 'Report to moderators']);
    expect(fake.state.globalCommands).toHaveLength(2);
    const put = fake.rest.requests.find((r) => r.method === 'PUT')!;
    expect(put).toMatchObject({ path: `/applications/${fake.applicationId}/commands`, status: 200, botAuth: true });
    // Registering again replaces, it does not add.
    const again = await registerCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl }, catalogue);
    expect(again[0]!.id).toBe(registered[0]!.id);
    expect(fake.state.globalCommands).toHaveLength(2);
  });

  it('registers in one guild when asked, and interactions then carry that command', async () => {
    fake = await FakeDiscord.start();
    await registerCommands({ token: `Bot ${fake.token}`, applicationId: fake.applicationId, apiUrl: `${fake.apiUrl}/` }, catalogue, { guildId: fake.guildId });
    const commands = fake.state.guildCommands.get(fake.guildId)!;
    expect(commands).toHaveLength(2);
    expect(commands[1]).toMatchObject({ name: 'Report to moderators', type: 3, name_localizations: { nl: 'Melden bij moderatoren' } });
    expect(commands[0]).toMatchObject({ name: 'kring', guild_id: fake.guildId, description_localizations: { nl: 'Kring: je vereniging in de chat' } });
    expect(fake.state.globalCommands).toHaveLength(0);
  });

  it('rejects with PERMISSION_DENIED for a guild the application is not in, and INVALID for a bad token', async () => {
    fake = await FakeDiscord.start();
    const config = { token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl };
    await expect(registerCommands(config, catalogue, { guildId: '1000000000000000001' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(registerCommands({ ...config, token: `${fake.token}x` }, catalogue)).rejects.toMatchObject({ code: 'INVALID' });
  });
});
