/** English texts of the access capability (merged into the catalogue under `access`). */
export const accessEn = {
  commands: {
    here: 'Make this channel members-only (Slack, Teams), for everyone or some roles or chapters',
    role: 'Make a Discord role members-only: Kring gives it to the members it is for',
    list: 'List the members-only places and who they are for',
    remove: 'Stop managing a members-only place (Kring takes out whom it let in)',
    grace: 'Set the grace period: days a member whose membership ended keeps access',
    sweep: 'Check now who should lose or regain access (runs daily by itself)',
    rules: 'Show the house rules',
    rulesSet: 'Set the house rules in one language: nl or en, then the text',
  },
  args: {
    audience: '`all`, `role=board,sounding_board` or `chapter=Utrecht,Amsterdam`',
    roleId: 'the Discord role (mention it, or its id)',
    place: 'the place id (the first characters are enough)',
    days: 'days, 0 to 365',
    language: '`nl` or `en`',
    text: 'the rules as members should read them',
  },
  place: {
    added: '{{place}} is members-only now, for {{audience}}. Kring lets the members in and takes out whom it no longer concerns.',
    removed: 'Kring no longer manages {{place}}; the members it let in are taken out.',
    none: 'There are no members-only places yet. Run `/kring access here` in a private channel (Slack, Teams) or `/kring access role <role>` (Discord).',
    title: 'Members-only places',
    line: '`{{id}}` {{platform}} {{kind}} {{place}}: {{audience}}',
    graceLine: 'Grace period after a membership ends: {{days}} days.',
  },
  audience: {
    all: 'every member',
    roles: 'the roles {{roles}}',
    chapters: 'the chapters {{chapters}}',
  },
  kind: { role: 'role', channel: 'channel' },
  grace: {
    set_one: 'A member whose membership ended keeps access for {{count}} day.',
    set_other: 'A member whose membership ended keeps access for {{count}} days.',
    none: 'A member whose membership ended loses access at once.',
    usage: 'Give the grace period in whole days from 0 to 365, for example `/kring access grace 14`.',
  },
  sweep: {
    done: 'Checked: {{lapses}} ended memberships, {{suspensions}} ended suspensions and {{unrecorded}} other changes are being applied.',
  },
  lapse: {
    title: 'Your membership has ended',
    body: 'Your membership of {{organization}} has ended, so your access to the members-only places ends too.',
    renew: 'Would you like to stay? [Renew your membership here]({{url}}) and your access comes back by itself.',
    renewNoLink: 'Would you like to stay? Renew your membership with the association and your access comes back by itself.',
  },
  rules: {
    title: 'House rules of {{organization}}',
    agree: 'I agree',
    agreed: 'Thank you: you agreed to the house rules on {{date}}.',
    agreedNow: 'Thank you for agreeing to the house rules.',
    askAgree: 'Please read the house rules and press "I agree".',
    set: 'The house rules ({{language}}) are saved as version {{version}}. Members are asked to agree again when they next read them.',
    usage: 'Write `/kring rules set nl <text>` or `/kring rules set en <text>`.',
    tooLong: 'House rules may have at most {{max}} characters.',
  },
  errors: {
    placeNotFound: 'I cannot find a members-only place "{{id}}". `/kring access list` shows them.',
    kindNotSupported: '{{platform}} has members-only places of these kinds only: {{kinds}}.',
    platformCannot: 'Kring cannot open and close members-only places on {{platform}} with the current setup.',
    noChannel: 'Run this command inside the private channel that should be members-only.',
    badAudience: 'I do not understand "{{word}}". Write `all`, `role=board,sounding_board` or `chapter=Utrecht`.',
    unknownChapter: 'There is no chapter called "{{chapter}}". Chapters: {{chapters}}',
    noRules: 'The association has no house rules yet.',
    rulesChanged: 'The house rules changed since you saw them. Read them again with `/kring rules`.',
    memberNotFound: 'I cannot find that member.',
  },
} as const;

/** Everything access adds to the catalogue. */
export const en = {
  access: accessEn,
  commandGroups: { access: 'Members-only places and the grace period after a membership ends', rules: 'The house rules' },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    access: typeof en;
  }
}
