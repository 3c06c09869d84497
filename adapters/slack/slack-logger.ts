import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/kernel/ports/logger.js';

/**
 * Debug lines of @slack/web-api and Bolt that carry request or response bodies. They hold message content
 * (a DM may carry a verification code), so they never reach our logs, whatever the level.
 */
const BODY_LINES = /^(http request body|http request result|ack\(\) call begins|ack\(\) response sent|Error details)/;

/**
 * Our Logger as the `@slack/logger` interface Bolt and the WebClient want. Level filtering stays with our
 * logger (pino), so `setLevel` is ignored and `getLevel` reports DEBUG to let everything through to it.
 * Slack's libraries log strings; they are joined as the message.
 */
export function toSlackLogger(logger: Logger): SlackLogger {
  const line = (parts: unknown[]): string =>
    parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' ');
  return {
    debug: (...msg: unknown[]) => {
      const text = line(msg);
      if (!BODY_LINES.test(text)) logger.debug(text);
    },
    info: (...msg: unknown[]) => logger.info(line(msg)),
    warn: (...msg: unknown[]) => logger.warn(line(msg)),
    error: (...msg: unknown[]) => logger.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
