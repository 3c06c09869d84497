/** Texts of Kring's own pages on the HTTP server (the landing page at `/`). */
export const en = {
  landing: {
    title: 'Kring: {{org}}',
    tagline: 'A members-only community for associations, in the chat apps members already use and in the browser.',
    what: 'Kring brings polls, news, insights and a safe, members-only place to talk to Discord, Slack, Microsoft Teams and its own web community. One member is one member across platforms: one vote per poll, one export of their data.',
    platformsTitle: 'Where {{org}} is connected',
    connected: 'connected',
    notConnected: 'not connected',
    noChatApp: 'No chat app is connected yet: the web community works without one. To connect Slack, Discord or Teams, see docs/ADAPTERS.md.',
    linksTitle: 'Get started',
    webLink: 'Open the web community',
    webHint: 'Members sign in with their member number or e-mail address and a code by e-mail.',
    dashboardLink: 'Insights dashboard',
    dashboardHint: 'Managers get a personal sign-in link by typing /kring dashboard (in the web community or in chat).',
    apiLink: 'Admin API documentation',
    apiHint: 'For the member administration, the website and the board: OpenAPI 3.1.',
    demo: 'Demo mode: the manager’s one-time sign-in link is printed in the terminal where Kring runs.',
    footer: 'Kring is open source (AGPL-3.0-or-later).',
  },
} as const;

declare module '../../kernel/i18n.js' {
  interface KringTexts {
    landing: typeof en;
  }
}
