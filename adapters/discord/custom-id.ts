/**
 * Compact encoding of a View action into a Discord `custom_id` (1–100 characters), and back.
 *
 * Format: `[@<guildId>/]<actionId>[|<value>]`.
 * - `actionId|value` for buttons; a bare `actionId` for selects (the choice arrives in `values`).
 * - The `@<guildId>/` prefix is only used on direct messages: an interaction in a DM carries no
 *   `guild_id`, and Kring needs the workspace to find the organisation.
 * Only ids and short values go in here: the custom_id is visible to every client, so never a secret.
 *
 * @see https://discord.com/developers/docs/components/reference#anatomy-of-a-component-custom-id
 */

/** Discord's limit on `custom_id`. */
export const CUSTOM_ID_MAX = 100;

export interface DecodedCustomId {
  actionId: string;
  value?: string;
  /** The guild the action belongs to, when the component was sent in a DM. */
  workspaceId?: string;
}

/** Thrown when an action cannot be encoded within Discord's limits (a programming error in a View). */
export class CustomIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomIdError';
  }
}

/** Encodes an action; throws {@link CustomIdError} when it does not fit (never truncates: that corrupts values). */
export function encodeCustomId(actionId: string, value?: string, workspaceId?: string): string {
  if (actionId === '' || actionId.includes('|') || actionId.startsWith('@')) {
    throw new CustomIdError(`actionId "${actionId}" must be non-empty, without "|" and not start with "@"`);
  }
  const prefix = workspaceId === undefined ? '' : `@${workspaceId}/`;
  const id = `${prefix}${actionId}${value === undefined ? '' : `|${value}`}`;
  if (id.length > CUSTOM_ID_MAX) {
    throw new CustomIdError(`custom_id for action "${actionId}" is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  }
  return id;
}

/** Decodes a custom_id made by {@link encodeCustomId}. Foreign ids come back as `{ actionId: customId }`. */
export function decodeCustomId(customId: string): DecodedCustomId {
  let rest = customId;
  let workspaceId: string | undefined;
  const prefix = /^@(\d{17,20})\//.exec(rest);
  if (prefix) {
    workspaceId = prefix[1];
    rest = rest.slice(prefix[0].length);
  }
  const bar = rest.indexOf('|');
  const decoded: DecodedCustomId = bar === -1 ? { actionId: rest } : { actionId: rest.slice(0, bar), value: rest.slice(bar + 1) };
  if (workspaceId !== undefined) decoded.workspaceId = workspaceId;
  return decoded;
}
