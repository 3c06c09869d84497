import type { ChannelRef, ChatPlatformError, InboundEvent, InboundHandler, Reply } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { ConversationReferenceRepository } from '../../src/kernel/ports/directory.js';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import {
  asStoredReference,
  referenceKeys,
  referenceOf,
  tenantOf,
  userIdOf,
  type StoredConversationReference,
  type TeamsActivity,
} from './activity.js';
import type { KringCloudAdapter } from './bot-framework.js';
import type { TeamsSettings } from './config.js';
import { toChatPlatformError } from './errors.js';
import type { BoundedWork } from '../../src/kernel/bounded-work.js';

/** What the route, the turn logic and the outbound methods share. Internal to the adapter. */
export interface TeamsRuntime {
  settings: TeamsSettings;
  /** The bot's app id; empty in emulator mode (auth off). */
  appId: string;
  adapter: KringCloudAdapter;
  auth: BotFrameworkAuthentication;
  handler: InboundHandler;
  logger: Logger;
  references: ReferenceStore;
  /** Waits between reply retries (injectable so tests need not sleep). */
  sleep: (ms: number) => Promise<void>;
  /** Who wants to hear of renamed channels (`ChatPlatform.onChannelRenamed`). */
  renameListeners: ((channel: ChannelRef, name: string) => void | Promise<void>)[];
  /** Where the handling of presses and forms waits its turn (bounded; see BoundedWork). */
  work: BoundedWork;
}

/** Hands an event to the application; a throwing handler is logged, never propagated. */
export async function handleSafely(rt: TeamsRuntime, event: InboundEvent): Promise<Reply | undefined> {
  try {
    return await rt.handler.handle(event);
  } catch (err) {
    rt.logger.error({ err, eventType: event.type, eventId: event.eventId }, 'Teams: inbound handler threw');
    return undefined;
  }
}

/**
 * Hands a press or form to the application within the invoke's deadline (`invokeDeadlineMs`): the
 * handling waits for a slot in the bounded work pool, and when the deadline passes first (a busy
 * process, a slow handler) or the pool is full, this answers `late` so that Teams gets its answer in
 * time. The handling itself goes on (the vote is stored; its reply, which can no longer be shown, is
 * dropped and logged).
 */
export async function handleInTime(rt: TeamsRuntime, event: InboundEvent): Promise<{ reply: Reply | undefined } | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  let answered = false;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), rt.settings.invokeDeadlineMs);
  });
  const handled = new Promise<{ reply: Reply | undefined } | 'late'>((resolve) => {
    void rt.work
      .run(async () => {
        const reply = await handleSafely(rt, event);
        if (answered && reply) rt.logger.info({ eventId: event.eventId }, 'Teams: handled after the invoke was answered; its reply is dropped');
        resolve({ reply });
      })
      .then((ran) => {
        if (ran) return;
        rt.logger.warn({ eventId: event.eventId, waiting: rt.work.waiting }, 'Teams: overloaded, too much work waiting; invoke answered without handling it');
        resolve('late');
      });
  });
  try {
    const outcome = await Promise.race([handled, deadline]);
    if (outcome === 'late') rt.logger.info({ eventId: event.eventId, deadlineMs: rt.settings.invokeDeadlineMs }, 'Teams: invoke answered before its handling finished');
    return outcome;
  } finally {
    answered = true;
    clearTimeout(timer);
  }
}

/**
 * Conversation references in the ConversationReferenceRepository (platform `teams`, workspace = tenant
 * id), with a small memory of what was written so that every command does not rewrite the same rows.
 */
export class ReferenceStore {
  private readonly written = new Map<string, string>();

  constructor(
    private readonly repository: ConversationReferenceRepository,
    private readonly fallbackTenantId: string,
  ) {}

  async find(tenantId: string, scopeKey: string): Promise<StoredConversationReference | undefined> {
    return asStoredReference(await this.repository.find('teams', tenantId, scopeKey));
  }

  async save(tenantId: string, scopeKey: string, reference: StoredConversationReference): Promise<void> {
    const memoKey = `${tenantId}\u0000${scopeKey}`;
    const json = JSON.stringify(reference);
    if (this.written.get(memoKey) === json) return;
    await this.repository.save('teams', tenantId, scopeKey, reference);
    if (this.written.size > 10_000) this.written.clear();
    this.written.set(memoKey, json);
  }

  /**
   * Remembers the activity's conversation (channel level), the tenant's service URL, and, for a
   * personal chat, the person's 1:1 conversation.
   */
  async remember(activity: TeamsActivity): Promise<void> {
    const reference = referenceOf(activity);
    if (!reference) return;
    const tenantId = tenantOf(activity) ?? this.fallbackTenantId;
    await this.save(tenantId, referenceKeys.conversation(reference.conversation.id), reference);
    await this.save(tenantId, referenceKeys.tenant(), { ...reference, conversation: { id: '', ...(reference.conversation.tenantId ? { tenantId: reference.conversation.tenantId } : {}) } });
    const person = activity.from && activity.from.id !== activity.recipient?.id ? activity.from : undefined;
    if (reference.conversation.conversationType === 'personal' && person) {
      await this.save(tenantId, referenceKeys.user(userIdOf(person)), { ...reference, user: { id: person.id, ...(person.aadObjectId ? { aadObjectId: person.aadObjectId } : {}) } });
    }
  }
}

/**
 * Runs an immediate reply, retrying what Teams says is temporary (429 with its Retry-After, 412, 5xx)
 * a bounded number of times; queued sends are retried by the queue instead.
 */
export async function withReplyRetries<T>(rt: TeamsRuntime, what: string, send: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const mapped: ChatPlatformError = toChatPlatformError(err, what);
      if (!mapped.retryable || attempt >= attempts) throw mapped;
      const wait = Math.min(mapped.retryAfterMs ?? 250 * 2 ** (attempt - 1), 5_000);
      rt.logger.warn({ code: mapped.code, attempt, waitMs: wait }, `Teams: retrying ${what}`);
      await rt.sleep(wait);
    }
  }
}
