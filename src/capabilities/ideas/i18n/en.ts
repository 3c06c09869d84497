/** English texts of the idea box (merged into the catalogue under `ideas`). */
export const ideasEn = {
  commands: {
    submit: 'Put an idea in the idea box (it is posted in the ideas channels for others to upvote)',
    status: 'Set the status of an idea: new, under_consideration, planned, done, declined <reason>',
    list: 'List the ideas, most upvoted first',
    digest: 'Draft the monthly "you said, we did" from the ideas that moved (YYYY-MM)',
  },
  args: {
    text: 'your idea',
    id: 'the idea id (the first characters are enough)',
    change: 'the new status, and for declined the reason',
    month: 'the month, e.g. 2026-11 (default: this month)',
    draft: '`draft`: make it a news draft for the managers (not sent)',
  },
  form: { title: 'Your idea', submit: 'Submit idea', text: 'Idea', placeholder: 'A monthly walk for new members' },
  submitted: 'Thank you! Your idea `{{id}}` is in the idea box. You get a message whenever its status changes.',
  usage: 'Write your idea after the command: `/kring idea A monthly walk for new members`.',
  status: { new: 'New', under_consideration: 'Under consideration', planned: 'Planned', done: 'Done', declined: 'Declined' },
  view: {
    heading: 'Idea from the idea box',
    status: 'Status',
    support: 'Support',
    upvote: 'Upvote',
    upvotes_one: '{{count}} upvote',
    upvotes_other: '{{count}} upvotes',
    declinedBecause: '{{status}}: {{reason}}',
    footer: 'Idea `{{id}}` · have one yourself? `/kring idea <your idea>`',
  },
  upvote: {
    added: 'You support this idea ({{upvotes}}).',
    already: 'You support this idea already ({{upvotes}}); one upvote per member.',
  },
  statusSet: 'Idea `{{id}}` is now: {{status}}. The submitter and the upvoters get a message.',
  statusUsage: 'Write `/kring idea status <id> <status>`; statuses: {{statuses}}. Declining needs a reason: `/kring idea status <id> declined <reason>`.',
  notify: {
    yours: 'News about your idea "{{text}}": it is now **{{status}}**.',
    supported: 'News about an idea you supported, "{{text}}": it is now **{{status}}**.',
  },
  list: { title: 'Ideas', none: 'The idea box is empty.', line: '`{{id}}` {{text}} ({{status}}, {{upvotes}})' },
  digest: {
    title: 'You said, we did: {{month}}',
    intro: 'What happened to your ideas this month:',
    line: '"{{text}}": {{status}} ({{upvotes}})',
    none: 'No idea changed status in {{month}}.',
    badMonth: 'Give the month as YYYY-MM, for example `2026-11`.',
    draftNote: 'A draft: `/kring idea digest {{month}} draft` makes it a news draft for the managers to check and send.',
    more: '…and {{count}} more ideas: see `/kring idea list`.',
    proposed: 'The "you said, we did" of {{month}} ({{count}} ideas) is a news draft now; the managers\' channels get a message to check and send it.',
    nothingToDraft: 'No idea changed status in {{month}}: no draft.',
  },
  linkInvite:
    'Only verified members can use the idea box: type `/kring link <member number or e-mail>`, then `/kring verify <code>` with the code from the e-mail.',
  errors: {
    notFound: 'I could not find that idea. Type `/kring idea list` to see them.',
    ambiguousId: 'Several ideas start with `{{id}}`. Type more characters of the id.',
    notActive: 'Only active members can use the idea box.',
    badText: 'Write an idea of at least 3 and at most {{max}} characters.',
    reasonRequired: 'Say why it is declined: `/kring idea status <id> declined <reason>`.',
    sameStatus: 'The idea has that status already.',
    noChannel: 'The idea box has no channel yet. A manager connects one with `/kring channel connect ideas`.',
  },
} as const;

export const en = {
  ideas: ideasEn,
  commandGroups: { idea: 'The idea box: submit ideas, upvote them, follow what happens to them' },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    ideas: typeof en;
  }
}
