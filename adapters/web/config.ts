import { z } from 'zod';
import type { Clock } from '../../src/kernel/clock.js';
import type { Translator } from '../../src/kernel/i18n.js';
import type { InboundHandler } from '../../src/kernel/ports/chat-platform.js';
import type { Directory } from '../../src/kernel/ports/directory.js';
import type { Logger } from '../../src/kernel/ports/logger.js';
import type { WebMessageStore, WebSessionStore } from '../../src/kernel/ports/web-space.js';
import { LOCALES, type Locale } from '../../src/kernel/types.js';

/** Where the web community lives on Kring's HTTP server. */
export const WEB_BASE_PATH = '/web';

/** What {@link createWebPlatform} needs. */
export interface WebPlatformConfig {
  /** The web space: the workspace external id of the organisation's web community (its slug). */
  space: string;
  /** The organisation the space belongs to (its channels are listed from the directory). */
  organizationId: string;
  /** The organisation's name, for page titles. */
  organizationName: string;
  /** Language of the pages before anyone signed in (the organisation's default). */
  defaultLocale: Locale;
  /** Time zone of the times shown (the organisation's). */
  timeZone: string;
  /**
   * Where people reach Kring (`KRING_PUBLIC_URL`): an `https://` address makes the session cookie
   * `Secure`, also when TLS ends at a proxy in front of Kring.
   */
  publicUrl: string;
  handler: InboundHandler;
  logger: Logger;
  translator: Translator;
  clock: Clock;
  directory: Pick<Directory, 'identities' | 'members' | 'channels' | 'chapters'>;
  messages: WebMessageStore;
  sessions: WebSessionStore;
  /** Sessions last this long (default 30 days). */
  sessionTtlMs?: number;
  /** Sign-ins started per client address per 15 minutes (default 10). */
  signInsPerAddress?: number;
  /** Messages of a channel shown when the page opens (default 50). */
  historyLimit?: number;
}

/** The config after validation, defaults filled in. */
export type ParsedWebConfig = Required<WebPlatformConfig>;

const valuesSchema = z.object({
  space: z.string().min(1).max(200),
  organizationId: z.string().min(1),
  organizationName: z.string().min(1).max(200),
  defaultLocale: z.enum(LOCALES),
  timeZone: z.string().min(1),
  publicUrl: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) address'),
  sessionTtlMs: z.number().int().positive().default(30 * 24 * 60 * 60_000),
  signInsPerAddress: z.number().int().positive().default(10),
  historyLimit: z.number().int().min(1).max(500).default(50),
});

/** Validates the plain values of the config (the ports are checked by the compiler). */
export function parseWebConfig(config: WebPlatformConfig): ParsedWebConfig {
  const parsed = valuesSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(`web platform config: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return { ...config, ...parsed.data, publicUrl: parsed.data.publicUrl.replace(/\/+$/, '') };
}
