import type { Logger } from '../../kernel/ports/logger.js';
import type { Mailer, MailMessage } from '../../kernel/ports/mailer.js';

export interface LogMailerOptions {
  logger?: Logger;
  /**
   * Also log the full text (it holds the verification code). Only for development, where the operator
   * has no mailbox and needs the code to test; never in production.
   */
  logBodies?: boolean;
  /** Messages kept in {@link LogMailer.sent} (default 100; the oldest are dropped). */
  outboxSize?: number;
}

/**
 * The default mail transport: sends nothing. Logs recipient and subject (and, with `logBodies`, the text)
 * and keeps the last messages in memory (`sent`), which tests read the codes from.
 */
export class LogMailer implements Mailer {
  /** The most recent messages, oldest first. */
  readonly sent: MailMessage[] = [];
  private readonly outboxSize: number;

  constructor(private readonly options: LogMailerOptions = {}) {
    this.outboxSize = Math.max(1, options.outboxSize ?? 100);
  }

  async send(message: MailMessage): Promise<void> {
    this.sent.push({ ...message });
    // Bounded: a long-running dev server must not keep every message ever sent.
    if (this.sent.length > this.outboxSize) this.sent.splice(0, this.sent.length - this.outboxSize);
    const { logger, logBodies } = this.options;
    if (logBodies) {
      logger?.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, 'e-mail not sent (log-only transport); full text follows');
    } else {
      logger?.info({ mail: { to: message.to, subject: message.subject } }, 'e-mail not sent (log-only transport; set SMTP_URL to send)');
    }
  }

  /** The newest message to `to`, if any (tests). */
  lastTo(to: string): MailMessage | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i]!;
      if (m.to === to) return m;
    }
    return undefined;
  }
}
