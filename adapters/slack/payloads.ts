import { z } from 'zod';

/**
 * zod schemas of the request bodies Slack sends to `/slack/events`, checked before Bolt or a listener
 * reads anything. Loose objects: Slack adds fields freely, so only the fields that are read are required,
 * and each with the type it is read as.
 *
 * Why so early: Bolt's `App.processEvent` reads the body before any listener runs (`getTypeAndConversation`,
 * `buildSource`, the listener matchers) and throws on shapes Slack never sends — a `null` channel, a string
 * where an object belongs, an empty `actions` list. Bolt turns that into a 500 ("An unhandled error occurred
 * while Bolt processed an event"). A body that fails these schemas is acknowledged and ignored instead.
 *
 * - Slash commands: https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling
 * - block_actions: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
 * - view_submission: https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 * - message shortcuts: https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload
 * - Events API: https://docs.slack.dev/apis/events-api/#callback-field
 */

const nonEmpty = z.string().min(1);

/**
 * Keys Bolt uses to tell request kinds apart, in this order: a body with `event` is an Events API callback,
 * one with `name` an options request, one with `actions` a block action. A body of another kind that
 * carries one of them would be read as the wrong kind.
 */
const absent = z.never({ message: 'must be absent for this kind of request' }).optional();

/** A slash command (form fields, all strings). */
export const slashCommandBodySchema = z.looseObject({
  command: nonEmpty,
  text: z.string().default(''),
  team_id: nonEmpty,
  user_id: nonEmpty,
  user_name: z.string().optional(),
  channel_id: z.string().optional(),
  trigger_id: z.string().optional(),
  response_url: z.url().optional(),
  enterprise_id: z.string().optional(),
  event: absent,
});

const interactionUserSchema = z.looseObject({
  id: nonEmpty,
  name: z.string().optional(),
  username: z.string().optional(),
  team_id: z.string().optional(),
});

/** What block_actions and view_submission share; Bolt reads user, team and enterprise of both. */
const interactionFields = {
  user: interactionUserSchema,
  // null on org-wide installs (Enterprise Grid).
  team: z.looseObject({ id: nonEmpty, enterprise_id: z.string().nullish() }).nullish(),
  enterprise: z.looseObject({ id: nonEmpty }).nullish(),
  trigger_id: z.string().optional(),
  response_url: z.url().optional(),
  is_enterprise_install: z.boolean().optional(),
  event: absent,
  name: absent,
};

/** The workspace an interaction happened in: its team, else the user's team. */
function hasWorkspace(body: { team?: { id: string } | null | undefined; user: { team_id?: string | undefined } }): boolean {
  return Boolean(body.team?.id ?? body.user.team_id);
}

/** A button press or select choice. */
export const blockActionsBodySchema = z
  .looseObject({
    type: z.literal('block_actions'),
    ...interactionFields,
    container: z
      .looseObject({ message_ts: z.string().optional(), channel_id: z.string().optional(), is_ephemeral: z.boolean().optional() })
      .optional(),
    // Bolt reads `channel.id` whenever `channel` is not undefined; in a modal it is left out.
    channel: z.looseObject({ id: nonEmpty }).optional(),
    message: z.looseObject({ ts: z.string() }).nullish(),
    actions: z
      .array(
        z.looseObject({
          action_id: nonEmpty,
          block_id: z.string().optional(),
          value: z.string().optional(),
          selected_option: z.looseObject({ value: z.string() }).nullish(),
        }),
      )
      .min(1),
  })
  .refine(hasWorkspace, { message: 'names no workspace (team.id or user.team_id)', path: ['team'] });

/** A submitted modal. */
export const viewSubmissionBodySchema = z
  .looseObject({
    type: z.literal('view_submission'),
    ...interactionFields,
    actions: absent,
    view: z.looseObject({
      callback_id: nonEmpty,
      private_metadata: z.string().optional(),
      app_installed_team_id: z.string().optional(),
      state: z.looseObject({
        values: z.record(
          z.string(),
          z.record(
            z.string(),
            // plain_text_input: value; static_select: selected_option; multi_static_select: selected_options.
            z.looseObject({
              value: z.string().nullish(),
              selected_option: z.looseObject({ value: z.string() }).nullish(),
              selected_options: z.array(z.looseObject({ value: z.string() })).nullish(),
            }),
          ),
        ),
      }),
    }),
  })
  .refine(hasWorkspace, { message: 'names no workspace (team.id or user.team_id)', path: ['team'] });

/**
 * A message shortcut ("Report to moderators" in a message's menu): the message comes with it, as the
 * reporter saw it. https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload#message_actions
 */
export const messageActionBodySchema = z
  .looseObject({
    type: z.literal('message_action'),
    ...interactionFields,
    actions: absent,
    callback_id: nonEmpty,
    // Bolt reads `channel.id` of a message action.
    channel: z.looseObject({ id: nonEmpty, name: z.string().optional() }),
    message_ts: z.string().optional(),
    message: z.looseObject({
      ts: nonEmpty,
      text: z.string().optional(),
      user: z.string().optional(),
      bot_id: z.string().optional(),
      thread_ts: z.string().optional(),
    }),
  })
  .refine(hasWorkspace, { message: 'names no workspace (team.id or user.team_id)', path: ['team'] });

/**
 * An Events API callback. The inner event's own fields are checked by each event's schema in inbound.ts;
 * here only the ones Bolt reads of every event (`user`, `channel`, `item`, `subteam`) and the listener's
 * `tokens` (tokens_revoked).
 */
export const eventCallbackBodySchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: nonEmpty,
  event_id: z.string().optional(),
  enterprise_id: z.string().nullish(),
  authorizations: z
    .array(
      z.looseObject({
        team_id: z.string().nullish(),
        enterprise_id: z.string().nullish(),
        user_id: z.string().optional(),
        is_bot: z.boolean().optional(),
        is_enterprise_install: z.boolean().optional(),
      }),
    )
    .nullish(),
  event: z.looseObject({
    type: nonEmpty,
    user: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
    channel: z.union([z.string(), z.looseObject({})]).optional(),
    item: z.looseObject({}).optional(),
    subteam: z.looseObject({}).optional(),
    tokens: z.looseObject({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }).optional(),
  }),
});

/** Slack's check of a new request URL: echo `challenge`. */
export const urlVerificationBodySchema = z.looseObject({ type: z.literal('url_verification'), challenge: nonEmpty });

export type SlashCommandBody = z.infer<typeof slashCommandBodySchema>;
export type BlockActionsBody = z.infer<typeof blockActionsBodySchema>;
export type ViewSubmissionBody = z.infer<typeof viewSubmissionBodySchema>;
export type MessageActionBody = z.infer<typeof messageActionBodySchema>;
export type EventCallbackBody = z.infer<typeof eventCallbackBodySchema>;

/** Where a body of an unexpected shape went wrong: field paths and zod's messages, never the values. */
export function describeProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}
