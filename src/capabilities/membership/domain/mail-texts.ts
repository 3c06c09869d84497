import type { MailMessage } from '../../../kernel/ports/mailer.js';
import type { Locale, Platform } from '../../../kernel/types.js';

/** What the verification e-mail needs to say. */
export interface VerificationMailInput {
  to: string;
  memberName: string;
  organizationName: string;
  platform: Platform;
  code: string;
  /** Minutes the code stays valid. */
  minutes: number;
}

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { discord: 'Discord', slack: 'Slack', teams: 'Microsoft Teams' };

/**
 * The verification e-mail in each language. Plain text on purpose: it survives every mail client.
 * The code stays out of the subject, because mail transports log subjects. Dutch uses informal `je`.
 */
const TEXTS: Readonly<Record<Locale, (input: VerificationMailInput) => { subject: string; text: string }>> = {
  nl: (i) => ({
    subject: `Je code om je account te koppelen aan ${i.organizationName}`,
    text: [
      `Hoi ${i.memberName},`,
      '',
      `Je wilt je ${PLATFORM_NAMES[i.platform]}-account koppelen aan je lidmaatschap van ${i.organizationName}.`,
      `Je code is:`,
      '',
      `    ${i.code}`,
      '',
      `Typ deze code in het gesprek met Kring. De code is ${i.minutes} minuten geldig en werkt maar één keer.`,
      '',
      'Heb je dit niet zelf gevraagd? Dan hoef je niets te doen: zonder de code wordt er niets gekoppeld.',
      'Deel de code met niemand, ook niet met iemand die zegt dat hij van de vereniging is.',
      '',
      `Groet,`,
      `Kring, namens ${i.organizationName}`,
    ].join('\n'),
  }),
  en: (i) => ({
    subject: `Your code to link your account to ${i.organizationName}`,
    text: [
      `Hi ${i.memberName},`,
      '',
      `You asked to link your ${PLATFORM_NAMES[i.platform]} account to your membership of ${i.organizationName}.`,
      `Your code is:`,
      '',
      `    ${i.code}`,
      '',
      `Type this code in your conversation with Kring. It is valid for ${i.minutes} minutes and works once.`,
      '',
      'Did not ask for this? Then there is nothing to do: without the code nothing gets linked.',
      'Never share the code, not even with someone who says they are from the association.',
      '',
      'Regards,',
      `Kring, on behalf of ${i.organizationName}`,
    ].join('\n'),
  }),
};

/** Builds the verification e-mail in `locale`. */
export function verificationMail(locale: Locale, input: VerificationMailInput): MailMessage {
  const { subject, text } = TEXTS[locale](input);
  return { to: input.to, subject, text };
}
