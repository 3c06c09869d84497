/** English texts of the news capability (merged into the catalogue under `news`). */
export const newsEn = {
  commands: {
    publish: 'Send a draft (such as the monthly "you said, we did"): `<id>`',
    post: 'Post an announcement to every news channel: `<title> | <text> [| <link>] [| <image>]`',
    schedule: 'Schedule an announcement: `<when> <title> | <text>` (when: `+2h`, `09:00` or `2026-12-01T09:00`)',
    status: 'Show where an announcement arrived (live while it goes out)',
    edit: 'Change an announcement everywhere it was posted: `<id> <title> | <text>`',
    retract: 'Take an announcement back from every channel',
    list: 'List recent announcements',
  },
  args: {
    text: '`<title> | <text> [| <link>] [| <image>]`, optionally `--dm`, `--chapter=<name>`, `--role=<role>`',
    when: 'when to publish: `+30m`, `+2h`, `09:00` or `2026-12-01T09:00`',
    id: 'the announcement id (the first characters are enough)',
  },
  post: {
    started_one: 'Announcement `{{id}}` is going out to {{count}} place. Follow it with `/kring news status {{id}}`.',
    started_other: 'Announcement `{{id}}` is going out to {{count}} places. Follow it with `/kring news status {{id}}`.',
    scheduled_one: 'Announcement `{{id}}` will go out on {{at}} to {{count}} place (as things stand now).',
    scheduled_other: 'Announcement `{{id}}` will go out on {{at}} to {{count}} places (as things stand now).',
  },
  form: {
    title: 'New announcement',
    submit: 'Post',
    titleField: 'Title',
    body: 'Text',
    link: 'Link (optional)',
    linkPlaceholder: 'https://…',
    badLink: 'The link must start with `https://` or `http://`.',
  },
  edit: {
    done_one: 'Announcement `{{id}}` is changed; {{count}} posted copy is being updated.',
    done_other: 'Announcement `{{id}}` is changed; {{count}} posted copies are being updated.',
  },
  draft: {
    ready: 'A news draft is ready for you to check ({{source}}): **{{title}}** (`{{id}}`). Nothing is sent until a manager does: change it with `/kring news edit {{id}} <title> | <text>`, send it with `/kring news publish {{id}}`, or drop it with `/kring news retract {{id}}`.',
    sources: { ideas: 'the idea box' },
  },
  retract: {
    done_one: 'Announcement `{{id}}` is retracted; {{count}} posted copy is being removed.',
    done_other: 'Announcement `{{id}}` is retracted; {{count}} posted copies are being removed.',
  },
  status: {
    live: 'The delivery report of `{{id}}` is posted in this channel and updates itself while the announcement goes out.',
  },
  list: {
    title: 'Recent announcements',
    empty: 'There are no announcements yet. Post one with `/kring news post <title> | <text>`.',
    line: '`{{id}}` · {{title}} · {{status}} · {{date}}',
  },
  view: {
    readMore: 'Read more',
    image: 'Image',
    footer: '{{org}} · news',
    footerAuthor: '{{org}} · news from {{author}}',
    edited: 'edited',
  },
  report: {
    title: 'Delivery report: {{title}}',
    meta: '`{{id}}` · {{status}} · updated {{time}}',
    sent: 'Sent',
    failed: 'Failed',
    pending: 'Pending',
    retracted: 'Retracted',
    total: 'Total',
    platformBar: '{{platform}}: {{done}} of {{total}} done',
    failuresTitle: '**Failed**',
    pendingTitle: '**Still pending**',
    line: '- {{platform}} · {{target}}',
    lineReason: '- {{platform}} · {{target}}: {{reason}}',
    more_one: '…and {{count}} more',
    more_other: '…and {{count}} more',
    nothing: 'Nothing to deliver to yet.',
    direct: 'direct message',
  },
  statuses: {
    draft: 'draft',
    scheduled: 'scheduled',
    publishing: 'going out',
    published: 'published',
    retracted: 'retracted',
  },
  errors: {
    notDraft: 'Announcement `{{id}}` is not a draft: it was sent or scheduled already. `/kring news status {{id}}` shows where it is.',
    notFound: 'I could not find an announcement `{{id}}`. `/kring news list` shows the recent ones.',
    ambiguous: '`{{id}}` matches several announcements ({{candidates}}). Type more characters of the id.',
    noTargets: 'There is nowhere to post this yet: connect a news channel with `/kring channel connect news`, or choose another audience.',
    retracted: 'Announcement `{{id}}` was retracted and cannot change any more.',
    badPublishTime: 'I cannot schedule at "{{when}}". Use `+30m`, `+2h`, `09:00` or `2026-12-01T09:00`, within a year.',
    textForm: 'Write the announcement as `<title> | <text>`, optionally followed by `| <link>` and `| <image>`.',
    unknownChapter: 'There is no chapter called "{{chapter}}". Chapters: {{chapters}}',
    unknownRole: 'There is no role called "{{role}}". Roles: {{roles}}',
  },
} as const;

/** Everything news adds to the catalogue. */
export const en = {
  news: newsEn,
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    news: typeof en;
  }
}
