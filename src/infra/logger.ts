import { pino } from 'pino';
import type { Logger } from '../kernel/ports/logger.js';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACT = [
  'token', '*.token', '*.*.token', 'botToken', '*.botToken', 'password', '*.password', 'secret', '*.secret',
  'signingSecret', '*.signingSecret', 'code', '*.code', 'authorization', '*.authorization', 'headers.authorization',
  'req.headers.authorization', 'req.headers["x-slack-signature"]', 'installation', '*.installation',
];

/**
 * Creates the logger (pino): JSON lines, or, with `pretty`, readable coloured lines for a person at a
 * terminal (pino-pretty as a pino transport, in its own worker thread). `level` `silent` turns it off (tests).
 */
export function createLogger(options: { level: string; name?: string; pretty?: boolean }): Logger {
  return pino({
    name: options.name ?? 'kring',
    level: options.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: options.name ?? 'kring' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service,name', singleLine: true } } }
      : {}),
  }) as unknown as Logger;
}

/**
 * Whether logs should be pretty: in development, on a terminal, unless `LOG_FORMAT=json` asks for JSON.
 * Everywhere else (production, tests, pipes, log collectors) logs stay JSON.
 */
export function wantsPrettyLogs(env: 'development' | 'production' | 'test', stdout: { isTTY?: boolean }, format: string | undefined): boolean {
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return env === 'development' && stdout.isTTY === true;
}
