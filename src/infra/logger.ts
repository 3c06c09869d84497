import { pino } from 'pino';
import type { Logger } from '../kernel/ports/logger.js';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'token', '*.token', '*.*.token', 'botToken', '*.botToken', 'password', '*.password', 'secret', '*.secret',
  'signingSecret', '*.signingSecret', 'code', '*.code', 'authorization', '*.authorization', 'headers.authorization',
  'req.headers.authorization', 'req.headers["x-slack-signature"]', 'installation', '*.installation',
];

/** Creates the JSON logger (pino). `level` `silent` turns it off (tests). */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'kring',
    level: options.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: options.name ?? 'kring' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }) as unknown as Logger;
}
