/** English texts of the sounding-board panel (merged into the catalogue under `panel`). */
export const panelEn = {
  commands: {
    panel: 'Sounding-board panel: join, leave, status; managers: draw <N>, show, add, remove, redraw, place',
  },
  args: {
    action: 'join, leave or status; managers: draw, show, add, remove, redraw or place',
    more: 'the size (draw), a member number (add, remove) or a Discord role (place)',
  },
  usage:
    'The sounding-board panel: `/kring panel join` (you may be asked), `/kring panel leave`, `/kring panel status`. Community managers: `/kring panel draw <N>`, `show`, `add <member number>`, `remove <member number>`, `redraw`, and `place` (in the panel\'s private channel, or with a Discord role).',
  status: {
    onPanel: 'You are on the sounding-board panel. Surveys for the panel come to you by direct message. `/kring panel leave` takes you off.',
    optedIn: 'You signed up for the sounding-board panel, but you are not on the current panel. When a community manager draws it again, you may be chosen.',
    notOptedIn: 'You have not signed up for the sounding-board panel. Type `/kring panel join` if you would like to be asked.',
  },
  join: {
    done: 'Thank you! You signed up for the sounding-board panel. A community manager draws the panel from everyone who signed up; `/kring panel status` tells you whether you are on it.',
    already: 'You signed up for the sounding-board panel already.',
  },
  leave: {
    done: 'You are no longer signed up for the sounding-board panel.',
    doneAndOff: 'You are no longer signed up for the sounding-board panel, and you are off the current panel.',
    notSignedUp: 'You were not signed up for the sounding-board panel.',
  },
  drawn: 'The panel is drawn: {{seats}} members out of {{candidates}} who signed up, balanced over chapter, age group and membership type (seed {{seed}}).',
  show: {
    title: 'Sounding-board panel',
    summary: 'Drawn {{drawnAt}}. On it: {{seats}} members (drawn at {{size}}, seed {{seed}}); {{candidates}} members signed up.',
    membersTitle: 'Members',
    member: '{{name}} ({{number}}): {{stratum}}',
    memberManual: '{{name}} ({{number}}): {{stratum}}, added by hand',
    strataTitle: 'Seats per group (chapter / age group / membership type)',
    stratum: '{{label}}: {{seats}} of {{pool}}',
    more: '… and {{count}} more (the admin API lists them all: GET /orgs/{org}/panel/members).',
    places: 'Members-only places: {{places}}',
    noPlaces: 'The panel has no members-only place yet. Type `/kring panel place` in its private Slack or Teams channel, or `/kring panel place @role` on Discord.',
  },
  welcome: 'You are on the sounding-board panel of {{organization}}: a small group the board asks for its view on plans. Surveys for the panel come to you by direct message. Type `/kring panel leave` if you would rather not take part.',
  added: '{{name}} is on the panel now.',
  removed: '{{name}} is off the panel now.',
  placedRole: 'Everyone on the panel gets this role now ({{count}} members on it); whoever comes onto the panel later too.',
  placedChannel: 'Everyone on the panel is invited to this channel now ({{count}} members on it); whoever comes onto the panel later too.',
  managersOnly: 'Only community managers can draw, change or see the panel. You can `join`, `leave` or ask your `status`.',
  errors: {
    notDrawn: 'There is no panel yet. Draw one with `/kring panel draw <N>`.',
    tooFew: 'A panel of {{size}} needs {{size}} members who signed up, and {{available}} have. Draw a smaller panel, or ask members to `/kring panel join`.',
    badSize: 'Give the panel\'s size as a whole number from 1 to {{max}}, for example `/kring panel draw 12`.',
    unknownMember: 'There is no member with number `{{number}}`.',
    notActive: '{{name}} is not an active member, so cannot be on the panel.',
    notOptedIn: '{{name}} has not signed up for the panel. Members sign up themselves with `/kring panel join`.',
    alreadyOn: '{{name}} is on the panel already.',
    notOn: '{{name}} is not on the panel.',
    placeNotSupported: 'Kring cannot open such a place here: type `/kring panel place` in a private Slack or Teams channel, or name a role on Discord (`/kring panel place @role`).',
    memberNumber: 'Give the member number, for example `/kring panel add 100023`.',
  },
} as const;

/** Everything the panel adds to the catalogue. */
export const en = {
  panel: panelEn,
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    panel: typeof en;
  }
}
