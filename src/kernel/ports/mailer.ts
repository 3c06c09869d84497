/** One plain-text e-mail. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Outbound e-mail, used for verification codes. Implementations: SMTP via nodemailer, or a log-only
 * transport (the default) that records the message without sending it.
 * Deliberately left out: HTML mail, attachments.
 */
export interface Mailer {
  /** Sends the message; rejects when the transport refuses it (the caller may retry). */
  send(message: MailMessage): Promise<void>;
}
