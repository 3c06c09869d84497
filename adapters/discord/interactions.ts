import { InteractionResponseType, InteractionType, MessageFlags, Routes, type APIInteraction, type REST } from 'discord.js';
import type { InboundHandler, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { toChatPlatformError } from './errors.js';
import { interactionToEvent } from './inbound.js';
import { renderModal, renderView, type DiscordMessageBody } from './render.js';
import type { BoundedWork } from '../../src/kernel/bounded-work.js';

/**
 * Answers one interaction within Discord's 3-second window, whatever the handler does.
 *
 * The handler gets `deferAfterMs` (1.5 s from arrival) to produce a Reply, which is then sent as the interaction
 * response itself (type 4 message, or type 7 update for `replaceOriginal`). A slower handler makes us
 * defer first and deliver the Reply later through the interaction webhook:
 * - commands defer ephemerally (type 5, flag 64), because the visibility of the coming Reply is not
 *   known yet and the deferral fixes the original response's visibility. A private Reply then edits
 *   the original; a channel Reply is posted in the channel and the ephemeral placeholder deleted.
 * - components defer as an update (type 6): a `replaceOriginal` Reply edits the message the button
 *   was on; anything else is a follow-up (ephemeral when private).
 * A Reply with a form opens it as a modal (type 9) when answered in time; a modal cannot follow a
 * deferral, so a slow handler's form falls back to the Reply's view. A submitted modal is answered like
 * a command.
 * Nothing escapes: failures are logged (code and message, never a token) and the member never sees a
 * stack trace.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
 */

export interface InteractionResponderDeps {
  rest: Pick<REST, 'post' | 'patch' | 'delete'>;
  handler: InboundHandler;
  logger: Logger;
  /** Time the handler gets before we defer, counted from the interaction's arrival. */
  deferAfterMs: number;
  /** Where the handling waits its turn (bounded): the deferral timer runs meanwhile, so the answer is never late. */
  work: BoundedWork;
}

type Outcome = { ok: true; reply: Reply | undefined } | { ok: false; error: unknown };
const TIMED_OUT = Symbol('timed out');

/** Handles one INTERACTION_CREATE payload end to end. Never rejects. */
export async function respondToInteraction(raw: APIInteraction, deps: InteractionResponderDeps): Promise<void> {
  const log = deps.logger.child({ interactionId: raw.id, interactionType: raw.type });
  const api = interactionApi(raw, deps.rest);
  const isComponent = raw.type === InteractionType.MessageComponent;
  try {
    const event = interactionToEvent(raw);
    if (!event) {
      log.debug('interaction not for Kring; acknowledged silently');
      await respondInTime(api, isComponent, undefined, '', raw, log);
      return;
    }

    // The deferral timer starts before the handling waits for a slot: a busy process still answers in time.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), deps.deferAfterMs);
    });
    const outcome = new Promise<Outcome>((resolve) => {
      void deps.work
        .run(() =>
          deps.handler.handle(event).then(
            (reply) => resolve({ ok: true, reply }),
            (error: unknown) => resolve({ ok: false, error }),
          ),
        )
        .then((ran) => {
          if (ran) return;
          // Too much work waiting: acknowledge without a reply rather than let the interaction fail.
          log.warn({ waiting: deps.work.waiting }, 'overloaded, too much work waiting; interaction acknowledged without handling it');
          resolve({ ok: true, reply: undefined });
        });
    });
    const first = await Promise.race([outcome, timedOut]);
    clearTimeout(timer);

    if (first !== TIMED_OUT) {
      await respondInTime(api, isComponent, replyOf(first, log), event.workspaceId, raw, log);
      return;
    }
    log.debug({ afterMs: deps.deferAfterMs }, 'handler is slow; deferring the interaction');
    if (isComponent) await api.callback(InteractionResponseType.DeferredMessageUpdate);
    else await api.callback(InteractionResponseType.DeferredChannelMessageWithSource, { flags: MessageFlags.Ephemeral });
    await respondLate(api, isComponent, replyOf(await outcome, log), event.workspaceId, raw, log);
  } catch (error) {
    const mapped = toChatPlatformError(error, 'answer interaction');
    log.warn({ errorCode: mapped.code, err: mapped.message }, 'could not answer a Discord interaction');
  }
}

function replyOf(outcome: Outcome, log: Logger): Reply | undefined {
  if (outcome.ok) return outcome.reply;
  // The handler promises never to throw; if it does anyway the member gets no reply, not an error dump.
  log.error({ err: outcome.error instanceof Error ? outcome.error.message : String(outcome.error) }, 'inbound handler threw');
  return undefined;
}

async function respondInTime(api: InteractionApi, isComponent: boolean, reply: Reply | undefined, workspaceId: string, raw: APIInteraction, log: Logger): Promise<void> {
  if (!reply) {
    if (isComponent) {
      await api.callback(InteractionResponseType.DeferredMessageUpdate);
    } else {
      // A command must be answered or Discord shows "The application did not respond": show the
      // ephemeral "thinking" state briefly and remove it.
      await api.callback(InteractionResponseType.DeferredChannelMessageWithSource, { flags: MessageFlags.Ephemeral });
      await api.deleteOriginal();
    }
    return;
  }
  // A modal cannot answer a modal submission.
  if (reply.form && raw.type !== InteractionType.ModalSubmit) {
    await api.callback(InteractionResponseType.Modal, renderModal(reply.form));
    return;
  }
  const body = render(reply, workspaceId, raw, log);
  if (isComponent && reply.replaceOriginal) {
    await api.callback(InteractionResponseType.UpdateMessage, body);
    return;
  }
  await api.callback(InteractionResponseType.ChannelMessageWithSource, withVisibility(body, reply));
}

async function respondLate(api: InteractionApi, isComponent: boolean, reply: Reply | undefined, workspaceId: string, raw: APIInteraction, log: Logger): Promise<void> {
  if (isComponent) {
    if (!reply) return; // the type-6 deferral already acknowledged the press
    const body = render(reply, workspaceId, raw, log);
    if (reply.replaceOriginal) await api.editOriginal(body);
    else await api.followUp(withVisibility(body, reply));
    return;
  }
  if (!reply) {
    await api.deleteOriginal();
    return;
  }
  const body = render(reply, workspaceId, raw, log);
  const channelId = raw.channel?.id ?? raw.channel_id;
  if (reply.visibility === 'private' || channelId === undefined) {
    await api.editOriginal(body);
    return;
  }
  // The ephemeral deferral cannot turn public: post in the channel, then drop the placeholder.
  try {
    await api.postInChannel(channelId, body);
  } catch (error) {
    const mapped = toChatPlatformError(error, 'post deferred reply in channel');
    log.warn({ errorCode: mapped.code }, 'could not post the reply in the channel; showing it privately instead');
    await api.editOriginal(body);
    return;
  }
  await api.deleteOriginal();
}

function render(reply: Reply, workspaceId: string, raw: APIInteraction, log: Logger): DiscordMessageBody {
  // Components in DMs need the guild in their custom_id; in a guild the payload carries it.
  const { body, warnings } = renderView(reply.view, raw.guild_id === undefined ? { workspaceId } : {});
  if (warnings.length > 0) log.warn({ warnings }, 'reply view cut to fit Discord limits');
  return body;
}

function withVisibility(body: DiscordMessageBody, reply: Reply): DiscordMessageBody & { flags?: number } {
  return reply.visibility === 'private' ? { ...body, flags: MessageFlags.Ephemeral } : body;
}

interface InteractionApi {
  callback(type: InteractionResponseType, data?: object): Promise<void>;
  editOriginal(body: DiscordMessageBody): Promise<void>;
  deleteOriginal(): Promise<void>;
  followUp(body: DiscordMessageBody & { flags?: number }): Promise<void>;
  postInChannel(channelId: string, body: DiscordMessageBody): Promise<void>;
}

/** The interaction endpoints. Callback and webhook calls authenticate with the interaction token, not the bot token. */
function interactionApi(raw: APIInteraction, rest: InteractionResponderDeps['rest']): InteractionApi {
  const original = Routes.webhookMessage(raw.application_id, raw.token, '@original');
  return {
    async callback(type, data) {
      await rest.post(Routes.interactionCallback(raw.id, raw.token), { body: data === undefined ? { type } : { type, data }, auth: false });
    },
    async editOriginal(body) {
      await rest.patch(original, { body, auth: false });
    },
    async deleteOriginal() {
      await rest.delete(original, { auth: false });
    },
    async followUp(body) {
      await rest.post(Routes.webhook(raw.application_id, raw.token), { body, auth: false, query: new URLSearchParams({ wait: 'true' }) });
    },
    async postInChannel(channelId, body) {
      await rest.post(Routes.channelMessages(channelId), { body });
    },
  };
}
