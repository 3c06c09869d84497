import { z } from 'zod';
import { defineCommand, type ActionDefinition, type CommandDefinition } from '../../chat/command.js';
import { privateText } from '../../chat/views.js';
import { connectError } from './domain/connect.errors.js';
import type { PeerService } from './domain/peer.service.js';
import { PEER_ACTIONS, peersView } from './peer-views.js';

const ID = /^[0-9a-f-]{36}$/;

/**
 * `/kring peers add <topic>` (managers), `/kring peers` (members: the private choices), and the peer
 * actions. Choices arrive as ids from select menus, so a member's situation is never typed into a command
 * (which platforms and logs would see) and never appears in a reply.
 */
export function peerCommands(deps: { peers: PeerService }): { commands: CommandDefinition[]; actions: ActionDefinition[] } {
  const add = defineCommand({
    path: ['peers', 'add'],
    access: 'manager',
    args: [{ name: 'name', kind: 'string', required: true, rest: true, descriptionKey: 'connect.args.situation' }],
    schema: z.object({ name: z.string().trim().min(1).max(200) }),
    descriptionKey: 'connect.commands.peersAdd',
    async run(ctx, args) {
      await deps.peers.addSituation(ctx.organization.id, args.name);
      return privateText(ctx.t('connect.peers.added'));
    },
  });
  const open = defineCommand({
    path: ['peers', 'open'],
    access: 'member',
    args: [],
    schema: z.object({}),
    descriptionKey: 'connect.commands.peers',
    aliases: [['peers']],
    async run(ctx) {
      return { visibility: 'private', view: peersView(ctx.t, await deps.peers.listSituations(ctx.organization.id)) };
    },
  });
  const situationOf = (value: string | undefined): string => {
    if (!value || !ID.test(value)) throw connectError('CONNECT.UNKNOWN_SITUATION', 'malformed situation id');
    return value;
  };
  const actions: ActionDefinition[] = [
    {
      prefix: PEER_ACTIONS.ask,
      access: 'member',
      async run(ctx, event) {
        const outcome = await deps.peers.ask(ctx.member!, situationOf(event.value));
        return privateText(ctx.t(outcome === 'asked' ? 'connect.peers.asked' : 'connect.peers.nobody'));
      },
    },
    {
      prefix: PEER_ACTIONS.offer,
      access: 'member',
      async run(ctx, event) {
        await deps.peers.offer(ctx.member!, situationOf(event.value));
        return privateText(ctx.t('connect.peers.offered'));
      },
    },
    {
      prefix: PEER_ACTIONS.pause,
      access: 'member',
      async run(ctx) {
        await deps.peers.pause(ctx.member!);
        return privateText(ctx.t('connect.peers.paused'));
      },
    },
    {
      prefix: PEER_ACTIONS.leave,
      access: 'member',
      async run(ctx) {
        await deps.peers.leave(ctx.member!);
        return privateText(ctx.t('connect.peers.left'));
      },
    },
    {
      prefix: PEER_ACTIONS.answer,
      access: 'member',
      async run(ctx, event) {
        const match = /^([0-9a-f-]{36}):(yes|no)$/.exec(event.value ?? '');
        if (!match) throw connectError('CONNECT.PEER_NOT_YOURS', 'malformed peer answer');
        const yes = match[2] === 'yes';
        await deps.peers.answer(ctx.member!, match[1]!, yes);
        return privateText(ctx.t(yes ? 'connect.peers.thanksYes' : 'connect.peers.thanksNo'));
      },
    },
  ];
  return { commands: [add, open] as CommandDefinition[], actions };
}
