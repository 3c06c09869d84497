/** Texts of membership: linking a chat account (link, verify, unlink, whoami), member imports and the verification e-mail. */
export const en = {
  commands: {
    link: 'Link your chat account to your membership (you will get a code by e-mail)',
    verify: 'Confirm the link with the code from the e-mail',
    unlink: 'Remove the link between this chat account and your membership',
    whoami: 'Show your membership, chapter, roles and linked accounts',
  },
  args: {
    identifier: 'your member number or e-mail address',
    code: 'the 6-digit code from the e-mail',
  },
  link: {
    askIdentifier: 'Which member are you? Type `/kring link <member number or e-mail>`.',
    codeSent: 'We have sent a code to {{email}}. Type `/kring verify <code>` within {{minutes}} minutes.',
    memberNotFound: 'I could not find a member with that member number or e-mail address. Check it, or ask the membership administration.',
    noEmail: 'We have no e-mail address for this membership, so I cannot send a code. Ask the membership administration to add one.',
    notActive: 'This membership is not active, so it cannot be linked. Questions? Contact the membership administration.',
    ambiguousEmail: 'Several members share this e-mail address. Please use your member number: `/kring link <member number>`.',
    tooManyCodes: 'You have asked for many codes in a short time. Please wait an hour and try again.',
    alreadyLinked: 'This account is already linked to your membership.',
    noPending: 'There is no code waiting for you. Start with `/kring link <member number or e-mail>`.',
    codeExpired: 'That code has expired. Ask for a new one with `/kring link`.',
    codeInvalid_one: 'That code is not correct. You have {{count}} attempt left.',
    codeInvalid_other: 'That code is not correct. You have {{count}} attempts left.',
    tooManyAttempts: 'Too many wrong codes. For your safety this code no longer works: ask for a new one with `/kring link`.',
    codeLocked: 'Your code is locked after too many wrong attempts, so even the right code no longer works. Ask for a new one with `/kring link <member number or e-mail>`.',
    verified: 'Welcome, {{name}}! Your account is now linked to your membership.',
    mailFailed: 'I could not send the e-mail with your code just now. Please try again in a few minutes.',
  },
  import: {
    missingColumns: 'The file lacks the column(s) {{missing}}. Accepted headers: {{accepted}}',
    duplicateColumn: 'Two columns mean the same field "{{field}}": {{columns}}. Keep one.',
    empty: 'The file is empty: it needs a header line and member rows.',
    malformed: 'The file cannot be read from line {{line}} on: {{reason}}',
    fullImportEmpty: 'A full import without a single valid row would lapse every member, so nothing was changed.',
    encodingUnknown: 'I cannot tell which character encoding the file uses (from line {{line}}). Save it as "CSV UTF-8", or name the encoding with --encoding (Excel on Windows writes windows-1252).',
    encodingInvalid: 'Line {{line}} is not valid {{encoding}}. Save the file as "CSV UTF-8", or name the encoding with --encoding (Excel on Windows writes windows-1252).',
  },
  unlink: {
    done: 'Done: this chat account is no longer linked to your membership.',
    button: 'Unlink this account',
  },
  whoami: {
    title: '{{name}}',
    memberNumber: 'Member number',
    status: 'Status',
    chapter: 'Chapter',
    noChapter: 'none',
    roles: 'Roles',
    platforms: 'Linked accounts',
    organization: 'Association',
  },
  mail: {
    verification: {
      subject: 'Your code to link your account to {{organization}}',
      body:
        'Hi {{memberName}},\n\nYou asked to link your {{platform}} account to your membership of {{organization}}.\nYour code is:\n\n    {{code}}\n\n' +
        'Type this code in your conversation with Kring. It is valid for {{minutes}} minutes and works once.\n\n' +
        'Did not ask for this? Then there is nothing to do: without the code nothing gets linked.\n' +
        'Never share the code, not even with someone who says they are from the association.\n\nRegards,\nKring, on behalf of {{organization}}',
    },
  },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    membership: typeof en;
  }
}
