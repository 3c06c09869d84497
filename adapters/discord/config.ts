import { z } from 'zod';
import { validate } from '../../src/kernel/validate.js';
import type { InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Logger } from '../../src/kernel/ports/logger.js';

/** Discord ids are snowflakes: 64-bit integers written as 17–20 decimal digits. */
const snowflake = (hint: string) => z.string().trim().regex(/^\d{17,20}$/, `expected a Discord id (17–20 digits): ${hint}`);

/**
 * Configuration of the Discord adapter, validated once by {@link parseDiscordPlatformConfig}.
 * `src/main.ts` fills it from `DISCORD_*` environment variables (see docs/adapters/discord.md).
 */
export const discordPlatformConfigSchema = z.object({
  /** Bot token (Developer Portal -> Bot -> Reset Token). A `Bot ` prefix is tolerated and stripped. */
  token: z
    .string({ error: 'set DISCORD_TOKEN to the bot token from the Developer Portal (Bot page)' })
    .trim()
    .transform((t) => t.replace(/^Bot\s+/i, ''))
    .pipe(z.string().min(20, 'set DISCORD_TOKEN to the bot token from the Developer Portal (Bot page)')),
  /** Application id (Developer Portal -> General Information). Used for commands and interaction webhooks. */
  applicationId: snowflake('set DISCORD_APPLICATION_ID to the Application ID from the Developer Portal'),
  /**
   * REST base URL without version, default Discord's. The gateway URL is whatever `GET /gateway/bot`
   * answers, so pointing this at a fake moves the gateway along with it.
   */
  apiUrl: z
    .url({ error: 'DISCORD_API_URL must be an http(s) URL such as https://discord.com/api' })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://discord.com/api'),
  /** Role granted to verified members and revoked when they lapse; unset disables the capability. */
  memberRoleId: snowflake('set DISCORD_MEMBER_ROLE_ID to the id of the member role (Server Settings -> Roles -> Copy Role ID)').optional(),
  /**
   * Ask for the privileged Message Content intent. Off by default: insights only count messages, and
   * without the intent Discord blanks `content`, so `message-seen.length` is 0 for ordinary messages.
   */
  messageContentIntent: z.boolean().default(false),
  /**
   * How long an interaction may take before it is deferred; Discord allows 3 s for the first answer, and
   * the deferral itself must travel there in what is left (under a burst the event loop adds its delay).
   */
  deferAfterMs: z.number().int().min(100).max(2500).default(1500),
  /**
   * Whether `start()` connects to the gateway (default true). A process without Kring's `gateway` role
   * leaves it false: it posts, edits and answers over REST only, and Discord's events reach the gateway
   * processes (docs/SCALING.md).
   */
  gateway: z.boolean().default(true),
  /**
   * The gateway shards this process holds (`ids` out of `count`); unset: discord.js's own choice (every
   * shard Discord recommends). Discord sends each shard the events of the guilds with
   * `(guild_id >> 22) % count === id`, and DMs to shard 0.
   * @see https://discord.com/developers/docs/events/gateway#sharding
   */
  shards: z
    .object({
      ids: z.array(z.number().int().min(0)).min(1, 'DISCORD_SHARD_IDS must name at least one shard'),
      count: z.number().int().min(1),
    })
    .refine((s) => s.ids.every((id) => id < s.count), { error: 'DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT' })
    .optional(),
  /** Receives every inbound event. */
  handler: z.custom<InboundHandler>((v) => typeof (v as Partial<InboundHandler> | null)?.handle === 'function', {
    error: 'handler must be an InboundHandler (an object with handle(event))',
  }),
  /** Structured logger; the adapter logs under `{ platform: 'discord' }`. */
  logger: z.custom<Logger>((v) => typeof (v as Partial<Logger> | null)?.child === 'function', {
    error: 'logger must be a Logger (pino-compatible, with child())',
  }),
});

/** What callers pass to `createDiscordPlatform` (defaults may be omitted). */
export type DiscordPlatformConfig = z.input<typeof discordPlatformConfigSchema>;

/** The configuration after validation, defaults applied. */
export type ResolvedDiscordPlatformConfig = z.output<typeof discordPlatformConfigSchema>;

/** Validates `input`, throwing a ValidationError that names every bad key and how to fix it. */
export function parseDiscordPlatformConfig(input: DiscordPlatformConfig): ResolvedDiscordPlatformConfig {
  return validate(discordPlatformConfigSchema, input);
}
