/** English texts of the statements capability (merged into the catalogue under `statements`). */
export const statementsEn = {
  commands: {
    post: 'Post a statement: agree, neutral or disagree (here, --everywhere or --chapter=<name>)',
    close: 'Close a statement and post the summary',
    results: 'Show the answers to a statement, per chapter',
    list: 'List recent statements',
  },
  args: {
    text: 'the statement, then optionally --everywhere or --chapter=<name>',
    id: 'the statement id (the first characters are enough)',
  },
  post: {
    usage: 'Write it like this: `/kring statement post We should meet every month --everywhere`. Without a setting it goes in this channel; `--everywhere` posts in all general and news channels, `--chapter=<name>` in that chapter\'s channels.',
    tooShort: 'Write a statement of at least 3 and at most {{max}} characters.',
    unknownFlag: 'I do not know the setting `--{{flag}}`. Use `--everywhere` or `--chapter=<name>`.',
    unknownChapter: 'There is no chapter called "{{chapter}}". Chapters: {{chapters}}',
    noChannel: 'Run this command inside a channel, or add `--everywhere` or `--chapter=<name>`.',
    noTargets: 'There is no connected channel to post this statement in. Connect one with `/kring channel connect general`.',
    created_one: 'Statement `{{id}}` will appear in {{count}} channel.',
    created_other: 'Statement `{{id}}` will appear in {{count}} channels.',
  },
  form: {
    title: 'New statement',
    submit: 'Post statement',
    text: 'Statement',
    textPlaceholder: 'We should meet every month',
    where: 'Where',
    here: 'This channel',
    everywhere: 'All general and news channels',
    chapter: 'Chapter {{name}}',
  },
  stance: { agree: 'Agree', neutral: 'Neutral', disagree: 'Disagree' },
  view: {
    heading: 'Statement',
    discuss: 'Discuss',
    answers_one: '{{count}} answer',
    answers_other: '{{count}} answers',
    open: 'Press what you think; you can change your answer until the statement closes.',
    closed: 'This statement is closed.',
    footer: 'Statement `{{id}}` · {{answers}}',
  },
  answer: {
    recorded: 'Your answer: **{{stance}}**. Press another button to change it.',
  },
  linkInvite:
    'To answer, first link your chat account to your membership: type `/kring link <member number or e-mail>`, then `/kring verify <code>` with the code from the e-mail. After that, press the button again.',
  discuss: {
    intro: 'Discussion of the statement: "{{text}}". Reply here.',
    opened: 'The discussion is open in the thread under this statement.',
    exists: 'The discussion is in the thread under this statement.',
    unsupported: 'This platform has no threads under messages; reply in the channel.',
  },
  results: {
    title: 'Answers: {{text}}',
    byChapter: 'Per chapter',
    chapterLine: '- **{{chapter}}**: {{agree}} agree, {{neutral}} neutral, {{disagree}} disagree ({{answers}})',
    noChapter: 'no chapter',
    open: 'open',
    closed: 'closed',
  },
  summary: {
    lead: 'Most answers: **{{stance}}** ({{percent}}% of {{answers}}).',
    tie: 'Opinions are divided ({{answers}}).',
    none: 'Nobody answered.',
    closedBy: 'Statement `{{id}}` is closed.',
  },
  list: {
    title: 'Recent statements',
    none: 'There are no statements yet. Post one with `/kring statement post`.',
    line: '`{{id}}` {{text}} ({{status}}, {{answers}})',
  },
  errors: {
    notFound: 'I could not find that statement. Type `/kring statement list` to see them.',
    ambiguousId: 'Several statements start with `{{id}}`. Type more characters of the id.',
    closed: 'This statement is closed: answers are no longer accepted.',
    alreadyClosed: 'This statement is closed already.',
    notActive: 'Only active members can answer statements.',
  },
} as const;

/** Everything statements adds to the catalogue. */
export const en = {
  statements: statementsEn,
  commandGroups: { statement: 'Post statements and see the answers (community managers)' },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    statements: typeof en;
  }
}
