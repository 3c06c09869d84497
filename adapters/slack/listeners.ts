import type { App, Context, RespondArguments } from '@slack/bolt';
import type { Form, InboundEvent, InboundHandler, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import { SLACK_REPORT_CALLBACK_ID, toActionEvent, toCommandEvent, toEventCallbackEvent, toFormSubmittedEvent, toReportEvent } from './inbound.js';
import { renderResponse } from './render.js';
import type { BoundedWork } from '../../src/kernel/bounded-work.js';

/**
 * Bolt listeners: ack first (Slack wants an answer within 3 s), then wait for the durable replay check
 * (see deliveries.ts; a repeat that another process handled stops here), translate, hand the event to the
 * app and deliver its Reply. Nothing thrown here reaches the member: failures are logged and the member
 * sees no reply (the app's handler already turns domain errors into polite views).
 */
export interface ListenerDeps {
  handler: InboundHandler;
  logger: Logger;
  /** Delivers a Reply to an event that has no response_url (member joined, ...). */
  deliverEventReply(event: InboundEvent, reply: Reply): Promise<void>;
  /** Opens a form as a modal (views.open) with the interaction's trigger_id. */
  openForm(event: InboundEvent, triggerId: string, form: Form): Promise<void>;
  /** The app was uninstalled from a workspace, or its bot token revoked. */
  onUninstalled(teamId: string): Promise<void>;
  /** Posts a reply to an interaction's response_url (kept-alive connections; see response-url.ts). */
  respond(responseUrl: string, message: RespondArguments): Promise<void>;
  /** Where the work after the ack waits its turn (bounded; see BoundedWork). */
  work: BoundedWork;
  /**
   * Completes an event before it is handled (the member's Slack locale). Runs before the event takes a
   * work slot, alongside the durable replay check: both only wait, and a slot is for work.
   */
  prepare?(event: InboundEvent): Promise<InboundEvent>;
}

type Respond = ((message: RespondArguments) => Promise<unknown>) | undefined;

/** The interaction's response_url as a Respond, or undefined when the payload has none (modals). */
function respondVia(deps: ListenerDeps, body: { response_url?: unknown; response_urls?: unknown }): Respond {
  const url =
    typeof body.response_url === 'string'
      ? body.response_url
      : Array.isArray(body.response_urls) && typeof (body.response_urls[0] as { response_url?: unknown } | undefined)?.response_url === 'string'
        ? (body.response_urls[0] as { response_url: string }).response_url
        : undefined;
  return url === undefined ? undefined : (message) => deps.respond(url, message);
}

/**
 * False when the durable replay check found this delivery handled already (by another Kring process, or
 * before a restart); true for a first delivery and for requests without a delivery key.
 */
async function firstDelivery(context: Context): Promise<boolean> {
  const first = context['kringFirstDelivery'] as Promise<boolean> | undefined;
  return first === undefined ? true : first;
}

/**
 * The work after an acknowledgement: the durable replay check and the event's preparation (both only
 * wait), then a work slot, then the work. When too much work waits already, the delivery (acknowledged)
 * is dropped and logged.
 */
async function afterAck(deps: ListenerDeps, context: Context, kind: string, event: InboundEvent, work: (event: InboundEvent) => Promise<void>): Promise<void> {
  const [first, prepared] = await Promise.all([firstDelivery(context), deps.prepare ? deps.prepare(event).catch(() => event) : event]);
  if (!first) {
    deps.logger.info({ kind }, 'slack: repeated delivery dropped (handled before, here or by another process)');
    return;
  }
  const ran = await deps.work.run(() => work(prepared));
  if (!ran) deps.logger.warn({ kind, waiting: deps.work.waiting }, 'slack: overloaded, too much work waiting; acknowledged delivery dropped');
}

/** Runs the app's handler and delivers its reply; never throws. */
async function handleAndDeliver(deps: ListenerDeps, event: InboundEvent, deliver: (reply: Reply) => Promise<unknown>): Promise<void> {
  const started = Date.now();
  let reply: Reply | undefined;
  try {
    reply = await deps.handler.handle(event);
  } catch (err) {
    deps.logger.error({ err, eventType: event.type, workspaceId: event.workspaceId }, 'slack: inbound handler threw; member gets no reply');
    return;
  }
  if (reply === undefined) return;
  try {
    await deliver(reply);
    deps.logger.debug({ eventType: event.type, ms: Date.now() - started }, 'slack: reply delivered');
  } catch (err) {
    deps.logger.warn({ err, eventType: event.type, workspaceId: event.workspaceId }, 'slack: could not deliver reply');
  }
}

/**
 * Delivers a command's or action's reply: a form opens as a modal (Slack wants that within 3 s of the
 * interaction, while its trigger_id is valid); when that fails, or for any other reply, the response_url.
 */
function viaResponseUrl(deps: ListenerDeps, event: InboundEvent, triggerId: string | undefined, respond: Respond, source: 'command' | 'action') {
  return async (reply: Reply): Promise<void> => {
    if (reply.form !== undefined && triggerId !== undefined) {
      try {
        await deps.openForm(event, triggerId, reply.form);
        return;
      } catch (err) {
        deps.logger.warn({ err, formId: reply.form.formId }, 'slack: could not open the form; answering with text');
      }
    }
    // Actions on modals have no response_url; Kring renders no modals, so this is a payload we did not make.
    if (respond === undefined) throw new Error('payload has no response_url');
    await respond(renderResponse(reply, source));
  };
}

/** Registers Kring's listeners on the Bolt app. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // Any command name: the manifest registers /kring, a dev app may call it /kring-dev.
  app.command(/.*/, async ({ ack, body, context }) => {
    await ack();
    const event = toCommandEvent(body as unknown as Record<string, unknown>);
    if (event === undefined) {
      deps.logger.debug('slack: slash command payload of an unexpected shape; ignored');
      return;
    }
    await afterAck(deps, context, 'command', event, (e) =>
      handleAndDeliver(deps, e, viaResponseUrl(deps, e, (body as { trigger_id?: string }).trigger_id, respondVia(deps, body), 'command')),
    );
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, context }) => {
    await ack();
    const event = toActionEvent(body as unknown as Record<string, unknown>);
    if (event === undefined) {
      deps.logger.debug('slack: block_actions payload of an unexpected shape; ignored');
      return;
    }
    await afterAck(deps, context, 'action', event, (e) =>
      handleAndDeliver(deps, e, viaResponseUrl(deps, e, (body as { trigger_id?: string }).trigger_id, respondVia(deps, body), 'action')),
    );
  });

  // A submitted modal: ack (closes it), then the reply goes to the channel it was opened from (ephemeral).
  app.view({ type: 'view_submission' }, async ({ ack, body, context }) => {
    await ack();
    const event = toFormSubmittedEvent(body as unknown as Record<string, unknown>);
    if (event === undefined) {
      deps.logger.debug('slack: view_submission payload of an unexpected shape; ignored');
      return;
    }
    await afterAck(deps, context, 'form', event, (e) => handleAndDeliver(deps, e, (reply) => deps.deliverEventReply(e, reply)));
  });

  // "Report to moderators" on a message: ack, then the confirmation goes to the shortcut's response_url
  // (only the reporter sees it), or as an ephemeral message when the payload has none.
  app.shortcut({ type: 'message_action', callback_id: SLACK_REPORT_CALLBACK_ID }, async ({ ack, body, context }) => {
    await ack();
    const event = toReportEvent(body as unknown as Record<string, unknown>);
    if (event === undefined) {
      deps.logger.debug('slack: message_action payload of an unexpected shape; ignored');
      return;
    }
    const respond = respondVia(deps, body as { response_url?: unknown });
    await afterAck(deps, context, 'report', event, (e) =>
      handleAndDeliver(deps, e, (reply) => (respond === undefined ? deps.deliverEventReply(e, reply) : respond(renderResponse(reply, 'command')))),
    );
  });

  // Events are acked by Bolt itself before listeners run.
  app.event(/.*/, async ({ body, context }) => {
    const envelope = body as unknown as Record<string, unknown> & { team_id?: string; event?: { type?: string; tokens?: { bot?: unknown[] } } };
    const type = envelope.event?.type;
    if (type === 'app_uninstalled' || (type === 'tokens_revoked' && (envelope.event?.tokens?.bot?.length ?? 0) > 0)) {
      if (!(await firstDelivery(context))) return;
      if (envelope.team_id) {
        await deps.onUninstalled(envelope.team_id).catch((err: unknown) => deps.logger.error({ err }, 'slack: could not forget installation'));
      }
      return;
    }
    const event = toEventCallbackEvent(envelope);
    if (event === undefined) return;
    // Bolt's ignoreSelf keeps member_joined/left_channel of the bot itself (its own invites): not a member.
    if (context.botUserId !== undefined && event.userId === context.botUserId) return;
    await afterAck(deps, context, 'event', event, (e) => handleAndDeliver(deps, e, (reply) => deps.deliverEventReply(e, reply)));
  });

  // Bolt's default error handler rethrows; everything is handled above, so log what is left (authorize failures).
  app.error(async (error) => {
    deps.logger.warn({ code: error.code, err: error }, 'slack: Bolt reported an error');
  });
}
