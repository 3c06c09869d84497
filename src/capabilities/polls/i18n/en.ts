/** English texts of the polls capability (merged into the catalogue under `polls`). */
export const pollsEn = {
  commands: {
    create: 'Create a poll: question | option | option, then settings such as --multi or --deadline',
    close: 'Close a poll now and show the final results',
    results: 'Show the current results of a poll',
    export: 'Export a poll as CSV (voters for named polls, only counts for anonymous ones)',
    list: 'List recent polls',
  },
  args: {
    definition: 'question | option 1 | option 2 … then settings, e.g. --multi --deadline=2026-12-01T18:00',
    id: 'the poll id (the first characters are enough)',
  },
  create: {
    usage:
      'Write the poll like this: `/kring poll create Where shall we meet? | Utrecht | Zwolle | Online --deadline=2026-12-01T18:00`. Settings: `--multi` or `--multi=2`, `--anonymous`, `--hidden` (results after closing), `--chapter=<name>`, `--role=<role>`, `--everywhere` (also post in all general and news channels).',
    tooFewOptions: 'Give at least {{min}} options, separated by `|`.',
    tooManyOptions: 'A poll can have at most {{max}} options.',
    duplicateOption: 'The option "{{option}}" is listed twice.',
    tooLong: 'The question may have at most {{question}} characters and each option at most {{option}}.',
    unknownFlag: 'I do not know the setting `--{{flag}}`.',
    badMulti: '`--multi` takes a number from 1 to the number of options, for example `--multi=2`.',
    badDeadline: 'I cannot read the deadline "{{value}}". Use for example `--deadline=2026-12-01T18:00` (time in {{timezone}}).',
    deadlinePast: 'The deadline {{date}} has passed already. Choose a moment in the future.',
    unknownChapter: 'There is no chapter called "{{chapter}}". Chapters: {{chapters}}',
    unknownRole: 'There is no role "{{role}}". Roles: {{roles}}',
    chapterAndRole: 'Choose chapters or roles as the audience, not both.',
    noChannel: 'Run this command inside a channel, or add `--everywhere` to post in all general and news channels.',
    noTargets: 'There is no connected channel to post this poll in. Connect one with `/kring channel connect general`.',
    created_one: 'Poll `{{id}}` is created and will appear in {{count}} channel.',
    created_other: 'Poll `{{id}}` is created and will appear in {{count}} channels.',
  },
  form: {
    title: 'New poll',
    submit: 'Create poll',
    question: 'Question',
    questionPlaceholder: 'Where shall we meet?',
    options: 'Options, one per line',
    optionsPlaceholder: 'Utrecht\nZwolle\nOnline',
    settings: 'Settings (optional)',
    settingsPlaceholder: '--multi --anonymous --deadline=2026-12-01T18:00',
  },
  view: {
    single: 'Choose one option.',
    multi: 'Choose one or more options.',
    multiMax_one: 'Choose at most {{count}} option.',
    multiMax_other: 'Choose up to {{count}} options.',
    anonymous: 'Anonymous: nobody can see who voted what.',
    named: 'Not anonymous: the community managers can see who voted what.',
    deadline: 'Voting closes {{date}}.',
    closed: 'This poll is closed. Final results:',
    audienceChapters: 'For members of: {{chapters}}.',
    audienceRoles: 'For: {{roles}}.',
    votes_one: '{{count}} vote',
    votes_other: '{{count}} votes',
    hidden: 'The results appear when the poll closes.',
    selectPlaceholder: 'Choose an option',
    footer: 'Poll {{id}} · {{votes}}',
  },
  vote: {
    single: 'Your vote: **{{choice}}**. You can change it until the poll closes.',
    multi: 'Your choices: **{{choices}}**. Press an option again to remove it.',
    none: 'You have no option chosen in this poll now.',
  },
  linkInvite:
    'To vote, first link your chat account to your membership: type `/kring link <member number or e-mail>`, then `/kring verify <code>` with the code from the e-mail. After that, press the button again.',
  results: {
    title: 'Results: {{question}}',
    hiddenNote: 'Members see these results only after the poll closes.',
    open: 'Open',
    closed: 'Closed',
  },
  close: {
    done: 'Poll `{{id}}` is closed. The final results now show everywhere it was posted.',
  },
  list: {
    title: 'Recent polls',
    none: 'There are no polls yet. Create one with `/kring poll create`.',
    line: '`{{id}}` {{question}} · {{status}} · {{votes}}',
  },
  export: {
    title: 'Export of poll {{id}}',
    truncated: 'Showing the first {{shown}} of {{total}} lines.',
    anonymousNote: 'This poll is anonymous: the export only holds the counts.',
    columns: {
      memberNumber: 'member_number',
      name: 'name',
      choices: 'choices',
      votedAt: 'voted_at',
      option: 'option',
      votes: 'votes',
      percent: 'percent',
      total: 'voters',
    },
  },
  errors: {
    notFound: 'I could not find that poll. Type `/kring poll list` to see the polls.',
    ambiguousId: 'Several polls start with `{{id}}`. Type more characters of the id.',
    closed: 'This poll is closed: votes are no longer accepted.',
    notActive: 'Only active, verified members can vote. Questions? Contact the membership administration.',
    notInAudience: 'This poll is for a group of members (a chapter or role) that you are not part of.',
    invalidOption: 'That option does not exist (any more). Please use the buttons of the poll.',
    maxChoices_one: 'You can choose at most {{count}} option. Press a chosen option to remove it first.',
    maxChoices_other: 'You can choose at most {{count}} options. Press a chosen option to remove it first.',
    alreadyClosed: 'This poll was closed already.',
    deadlinePassed: 'The deadline has passed already. Choose a moment in the future.',
  },
} as const;

/** Everything polls adds to the catalogue. */
export const en = {
  polls: pollsEn,
  commandGroups: { poll: 'Create and manage polls (community managers)' },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    polls: typeof en;
  }
}
