import type { z } from 'zod';
import type { Member, Organization, PlatformIdentity } from '../kernel/community.js';
import type { Locale } from '../kernel/types.js';
import type { PlatformAccount } from '../kernel/ports/directory.js';
import type { ActionEvent, CommandEvent, FormSubmittedEvent, MessageReportedEvent, Reply } from '../kernel/ports/chat-platform.js';
import type { TextKey, Translate } from '../kernel/i18n.js';

/**
 * Who may run a command: anyone, verified active members, managers, or moderators (`moderator` or
 * `counsellor`): our roles, never platform flags.
 */
export type Access = 'anyone' | 'member' | 'manager' | 'moderator';

/** One declared argument; positional words map onto these in order. Also drives Discord's typed options. */
export interface ArgSpec {
  name: string;
  kind: 'string' | 'integer' | 'boolean';
  required: boolean;
  /** Catalogue key of the argument's description. */
  descriptionKey: TextKey;
  /** Takes all remaining words (only the last argument). */
  rest?: boolean;
}

/** What a command handler knows about the person and the place. */
export interface CommandContext {
  event: CommandEvent | ActionEvent | FormSubmittedEvent | MessageReportedEvent;
  account: PlatformAccount;
  organization: Organization;
  locale: Locale;
  t: Translate;
  /** The linked member (any status), or null. */
  member: Member | null;
  identity: PlatformIdentity | null;
  isMember: boolean;
  isManager: boolean;
  /** Active and holding `moderator` or `counsellor` (see MODERATOR_ROLES). */
  isModerator: boolean;
}

/** A `/kring` sub-command: its path, who may run it, its arguments and what it does. */
export interface CommandDefinition<S extends z.ZodType = z.ZodType> {
  /** e.g. `['link']`, `['poll', 'create']`. */
  path: readonly string[];
  access: Access;
  args: readonly ArgSpec[];
  /** Validates the collected arguments (after positional/named mapping). */
  schema: S;
  /** Catalogue key of the one-line description shown by `help` and in platform command menus. */
  descriptionKey: TextKey;
  /**
   * Optional: other word sequences that run this command when typed (Slack, Teams), e.g. `['insights']` for
   * `['insights', 'show']`. Never shown in help or menus, so an alias may be a group's own word, which a
   * menu platform (Discord) cannot run. The longest match wins, paths and aliases alike.
   */
  aliases?: readonly (readonly string[])[];
  run(ctx: CommandContext, args: z.output<S>): Promise<Reply>;
}

/** A handler for button presses / select choices whose actionId starts with `prefix`. */
export interface ActionDefinition {
  /** Matches `actionId === prefix` or `actionId.startsWith(prefix + '.')`. */
  prefix: string;
  access: Access;
  run(ctx: CommandContext, event: ActionEvent): Promise<Reply>;
}

/**
 * What happens when a form Kring opened (Reply.form) is submitted: the router finds the handler by
 * `formId` and checks `access` exactly as for commands (a form may be forwarded or replayed).
 */
export interface FormHandlerDefinition {
  /** The `Form.formId` this handles. */
  formId: string;
  access: Access;
  run(ctx: CommandContext, values: Record<string, string>): Promise<Reply>;
}

/**
 * What happens when someone reports a message (Slack message shortcut, Discord message command, Teams
 * message action): the router checks `access` as for commands and hands the report over. One handler per
 * Kring (the moderation capability's).
 */
export interface ReportHandlerDefinition {
  access: Access;
  run(ctx: CommandContext, event: MessageReportedEvent): Promise<Reply>;
}

/** Whether `ctx` may run something of this access level (the router answers the refusals). */
export function allows(access: Access, ctx: Pick<CommandContext, 'isMember' | 'isManager' | 'isModerator'>): boolean {
  switch (access) {
    case 'anyone':
      return true;
    case 'member':
      return ctx.isMember;
    case 'manager':
      return ctx.isManager;
    case 'moderator':
      return ctx.isModerator;
  }
}

/** Usage line of a command, e.g. `/kring link <identifier>`. */
export function usage(def: Pick<CommandDefinition, 'path' | 'args'>): string {
  const args = def.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  return ['/kring', ...def.path, ...args].join(' ');
}

/** Builds a command definition with its argument types inferred from the schema. */
export function defineCommand<S extends z.ZodType>(def: CommandDefinition<S>): CommandDefinition<S> {
  return def;
}
