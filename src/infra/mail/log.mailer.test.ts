import { describe, expect, it } from 'vitest';
import type { Logger } from '../../kernel/ports/logger.js';
import { LogMailer } from './log.mailer.js';

/** A logger that keeps its lines. */
function recordingLogger(): Logger & { lines: { obj: object; msg?: string | undefined }[] } {
  const lines: { obj: object; msg?: string | undefined }[] = [];
  const log = (obj: object | string, msg?: string) => void lines.push(typeof obj === 'string' ? { obj: {}, msg: obj } : { obj, msg });
  const logger = { lines, debug: log, info: log, warn: log, error: log, child: () => logger } as unknown as Logger & { lines: typeof lines };
  return logger;
}

const message = { to: 'anne@example.org', subject: 'Je code', text: 'Je code is 123456' };

describe(LogMailer.name, () => {
  it('logs recipient and subject but not the text by default', async () => {
    const logger = recordingLogger();
    const sut = new LogMailer({ logger });
    await sut.send(message);
    expect(JSON.stringify(logger.lines)).toContain('anne@example.org');
    expect(JSON.stringify(logger.lines)).not.toContain('123456');
    expect(sut.sent).toEqual([message]);
  });

  it('logs the full text when told to (development)', async () => {
    const logger = recordingLogger();
    await new LogMailer({ logger, logBodies: true }).send(message);
    expect(JSON.stringify(logger.lines)).toContain('Je code is 123456');
  });

  it('keeps a bounded outbox, newest last', async () => {
    const sut = new LogMailer({ outboxSize: 2 });
    for (const to of ['a@x.org', 'b@x.org', 'c@x.org']) await sut.send({ ...message, to });
    expect(sut.sent.map((m) => m.to)).toEqual(['b@x.org', 'c@x.org']);
    expect(sut.lastTo('c@x.org')).toMatchObject({ to: 'c@x.org' });
    expect(sut.lastTo('a@x.org')).toBeUndefined();
  });
});
