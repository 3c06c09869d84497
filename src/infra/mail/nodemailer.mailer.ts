import nodemailer from 'nodemailer';
import { KringError } from '../../kernel/errors.js';
import type { Mailer, MailMessage } from '../../kernel/ports/mailer.js';

/** The part of a nodemailer transporter this mailer uses (a test can pass a stream/json transport). */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
  close(): void;
}

export interface NodemailerMailerOptions {
  /** SMTP URL, e.g. `smtps://user:pass@smtp.example.org:465` (see https://nodemailer.com/smtp/). */
  url: string;
  /** Sender address, e.g. `Kring <kring@example.org>`. */
  from: string;
  /** Replaces the SMTP transport built from `url` (tests). */
  transport?: MailTransport;
}

/** Sends e-mail over SMTP with nodemailer (https://nodemailer.com/usage/). */
export class NodemailerMailer implements Mailer {
  private readonly transport: MailTransport;

  constructor(private readonly options: NodemailerMailerOptions) {
    this.transport = options.transport ?? nodemailer.createTransport(options.url);
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text });
    } catch (cause) {
      // The message text (with the code) stays out of the error; the SMTP reason is in `cause`.
      throw new KringError('MAIL.SEND_FAILED', `SMTP refused the message: ${(cause as Error).message}`, { cause });
    }
  }

  /** Closes pooled SMTP connections (graceful shutdown). */
  close(): void {
    this.transport.close();
  }
}
