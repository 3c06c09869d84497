import type { Translator } from '../../kernel/i18n.js';
import type { MembershipMails } from './ports.js';

/**
 * The verification e-mail, from the catalogue (`mail.verification.*`). Plain text on purpose: it survives
 * every mail client. The code stays out of the subject, because mail transports log subjects.
 */
export function membershipMails(translator: Translator): MembershipMails {
  return {
    verification(locale, input) {
      const t = translator.for(locale);
      const params = {
        memberName: input.memberName,
        organization: input.organizationName,
        platform: t(`platforms.${input.platform}`),
        code: input.code,
        minutes: input.minutes,
      };
      return { to: input.to, subject: t('mail.verification.subject', params), text: t('mail.verification.body', params) };
    },
  };
}
