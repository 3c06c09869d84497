/** The chat router's texts: the errors any command can meet, help, and the words every capability shares (statuses, roles, platforms). */
export const en = {
  errors: {
    invalidInput: 'That did not work: {{details}}',
    notFound: 'I could not find that.',
    forbidden: 'You are not allowed to do that.',
    conflict: 'That conflicts with something that already exists.',
    unexpected: 'Something went wrong on our side. Please try again in a moment. (reference {{ref}})',
    notLinked: 'You have not linked your account to your membership yet. Start with `/kring link <member number or e-mail>`.',
    notMember: 'This is for verified, active members only. Link your account with `/kring link <member number or e-mail>`.',
    notManager: 'Only members with one of these roles can do that: {{roles}}.',
    managerNotLinked: 'This is for members with one of these roles: {{roles}}. Link your chat account to your membership first with `/kring link <member number or e-mail>`; then your role counts here too.',
    unknownCommand: 'I do not know `{{command}}`. Type `/kring help` to see what you can do.',
    badArguments: 'That is not quite right: {{details}}\nUsage: `{{usage}}`',
    actionExpired: 'This button no longer works. Please run the command again.',
  },
  help: {
    title: 'Kring: what you can do',
    intro: 'Type `/kring <command>`. These are the commands available to you:',
    linkHint: 'Link your chat account to your membership to see more.',
    footer: '{{org}} · Kring',
  },
  commands: {
    help: 'Show what you can do',
  },
  status: { active: 'active', lapsed: 'lapsed', left: 'left' },
  roles: { member: 'member', manager: 'community manager', board: 'board', ambassador: 'ambassador', sounding_board: 'sounding-board group', moderator: 'moderator', counsellor: 'confidential counsellor' },
  platforms: { discord: 'Discord', slack: 'Slack', teams: 'Microsoft Teams', web: 'Kring web community' },
} as const;

declare module '../../kernel/i18n.js' {
  interface KringTexts {
    chat: typeof en;
  }
}
