/** English texts of the moderation capability (merged into the catalogue under `moderation`). */
export const moderationEn = {
  commands: {
    cases: 'Moderators: the reported messages waiting for a decision',
    show: 'Moderators: a case with its reports and what was done',
    dismiss: 'Moderators: close a case without action',
    warn: 'Moderators: warn the author by direct message and close the case',
    remove: 'Moderators: remove the reported message where Kring may',
    suspend: 'Moderators: suspend the author from the community for some days (every platform)',
    counsel: 'Moderators: hand the case to the confidential counsellor, privately',
    resolve: 'Counsellor: close a case handed to you',
  },
  args: {
    number: 'the case number',
    days: 'days, 1 to 365',
    message: 'what the author reads (optional)',
  },
  report: {
    thanks: 'Thank you. Your report went to the moderators (case {{number}}); you will hear what they decided. The author does not see who reported it.',
    again: 'Thank you. Your report was added to case {{number}}, which the moderators already have.',
  },
  list: {
    title: 'Cases',
    none: 'There are no open cases.',
    line: '**{{number}}** {{status}} · {{platform}} · {{date}}',
    reports_one: '{{count}} report',
    reports_other: '{{count}} reports',
  },
  status: { open: 'open', counsellor: 'with the counsellor', closed: 'closed' },
  outcome: { dismissed: 'dismissed', warned: 'author warned', suspended: 'author suspended', resolved: 'resolved by the counsellor' },
  show: {
    title: 'Case {{number}}',
    where: 'Where: {{platform}}, [the message]({{link}})',
    whereNoLink: 'Where: {{platform}}, channel {{channel}}',
    author: 'Author: {{name}}',
    authorUnlinked: 'Author: a chat account not linked to a member ({{account}})',
    report: '{{reporter}} on {{date}}: "{{text}}"',
    note: 'Note: {{note}}',
    erased: '(the reported text was erased when the case closed)',
    hidden: 'This case is with the confidential counsellor; only they see the reports.',
    removed: 'The message was removed on {{date}}.',
    audit: 'Log: {{lines}}',
    decide: 'Decide: `/kring case dismiss {{number}}`, `warn {{number}} [message]`, `remove {{number}}`, `suspend {{number}} <days>`, `counsel {{number}}`.',
  },
  done: {
    dismissed: 'Case {{number}} is dismissed; the reporters are told.',
    warned: 'The author got a warning; case {{number}} is closed and the reporters are told.',
    removed: 'The message of case {{number}} is removed. The case stays open for a decision about the author.',
    suspended: 'The author is suspended until {{until}} on every platform; their access comes back by itself. Case {{number}} is closed.',
    counsellor: 'Case {{number}} is with the confidential counsellor now.',
    resolved: 'Case {{number}} is closed; the reporters are told.',
  },
  card: {
    title: 'New report: case {{number}}',
    titleUpdated: 'Case {{number}}: {{status}}',
    body: 'A message on {{platform}} was reported ({{reports}}).{{member}} See it with `/kring case show {{number}}`.',
    about: ' About: {{name}}.',
    open: '[Open the message]({{link}})',
  },
  dm: {
    warningTitle: 'A message from the moderators of {{organization}}',
    warning: 'One of your messages was reported and the moderators looked at it. Please keep to the house rules (`/kring rules`).',
    warningMessage: 'The moderators write: {{message}}',
    suspendedTitle: 'You are suspended from {{organization}}',
    suspended: 'The moderators suspended you from the community until {{until}}. Your access to the members-only places comes back by itself then.',
    outcomeTitle: 'Your report to the moderators of {{organization}}',
    outcome: 'The moderators decided on the message you reported (case {{number}}): {{outcome}}. Thank you for reporting it.',
    counsellorTitle: 'A case for you, as confidential counsellor of {{organization}}',
    counsellor: 'The moderators handed case {{number}} to you. Read it with `/kring case show {{number}}` and close it with `/kring case resolve {{number}}`.',
  },
  errors: {
    caseNotFound: 'There is no case {{number}}. `/kring cases` lists the open ones.',
    caseClosed: 'Case {{number}} is closed already.',
    ownCase: 'This case is about your own message: another moderator handles it.',
    noMember: 'The author is not a linked member, so Kring cannot warn or suspend them. Remove the message or dismiss the case.',
    noCounsellor: 'The association has no confidential counsellor (role `counsellor`) yet.',
    withCounsellor: 'Case {{number}} is with the confidential counsellor; only they decide it now.',
    badDays: 'A suspension lasts 1 to {{max}} days.',
    cannotRemove: 'Kring may not remove this message on {{platform}}; remove it by hand, then decide on the case.',
    reportNotMember: 'Only verified members can report messages. Link your account first with `/kring link`.',
  },
} as const;

/** Everything moderation adds to the catalogue. */
export const en = {
  moderation: moderationEn,
  commandGroups: { case: 'Moderators: decide on reported messages' },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    moderation: typeof en;
  }
}
