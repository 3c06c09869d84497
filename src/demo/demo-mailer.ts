import type { Mailer, MailMessage } from '../kernel/ports/mailer.js';

/** The demo association's e-mail domain (`.invalid` is reserved: no mail can ever reach it). */
export const DEMO_MAIL_DOMAIN = 'demo.kring.invalid';

/**
 * The demo's mailer: codes for the demo members (addresses at {@link DEMO_MAIL_DOMAIN}) are kept in memory
 * for the seeder, which signs them in; every other message goes to the real mailer unchanged, so a visitor
 * who signs in as a demo member in the browser finds their code in the log as usual.
 */
export class DemoMailer implements Mailer {
  private readonly waiting = new Map<string, (message: MailMessage) => void>();

  constructor(private readonly next: Mailer) {}

  async send(message: MailMessage): Promise<void> {
    const take = this.waiting.get(message.to.toLowerCase());
    if (take) {
      this.waiting.delete(message.to.toLowerCase());
      take(message);
      return;
    }
    await this.next.send(message);
  }

  /** Catches the next message to `address` (the seeder's own sign-in), instead of sending it. */
  catchNext(address: string): Promise<MailMessage> {
    return new Promise((resolve) => this.waiting.set(address.toLowerCase(), resolve));
  }
}
