import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { KringError } from '../../kernel/errors.js';
import { NodemailerMailer } from './nodemailer.mailer.js';

describe(NodemailerMailer.name, () => {
  it('hands a plain-text message with the sender to the transport', async () => {
    // nodemailer's JSON transport builds the message without a server.
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sent: unknown[] = [];
    const sut = new NodemailerMailer({
      url: 'smtp://unused',
      from: 'Kring <kring@example.org>',
      transport: { sendMail: async (m) => sent.push(JSON.parse((await transport.sendMail(m)).message)), close: () => transport.close() },
    });
    await sut.send({ to: 'anne@example.org', subject: 'Je code', text: 'Je code is 123456' });
    expect(sent).toEqual([
      expect.objectContaining({ from: { address: 'kring@example.org', name: 'Kring' }, to: [{ address: 'anne@example.org', name: '' }], subject: 'Je code', text: 'Je code is 123456' }),
    ]);
    sut.close();
  });

  it('turns a refused message into a Kring error without the text', async () => {
    const sut = new NodemailerMailer({
      url: 'smtp://unused',
      from: 'kring@example.org',
      transport: { sendMail: async () => Promise.reject(new Error('550 mailbox unavailable')), close: () => undefined },
    });
    const error = await sut.send({ to: 'x@example.org', subject: 's', text: 'Je code is 123456' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KringError);
    expect((error as KringError).code).toBe('MAIL.SEND_FAILED');
    expect((error as KringError).message).toContain('550 mailbox unavailable');
    expect((error as KringError).message).not.toContain('123456');
  });

  it('fails against an SMTP server that is not there', async () => {
    // Port 1 on loopback refuses connections immediately.
    const sut = new NodemailerMailer({ url: 'smtp://127.0.0.1:1', from: 'kring@example.org' });
    await expect(sut.send({ to: 'x@example.org', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'MAIL.SEND_FAILED' });
    sut.close();
  });
});
