/**
 * Texts of Kring's public pages: the home page, what Kring stores (privacy), the terms of use, and the
 * pages a person sees at the end of a Slack "Add to Slack" install (the Slack adapter renders those).
 */
export const en = {
  site: {
    footer: 'Kring: an open-source community bot for associations',
    links: { home: 'Kring', privacy: 'Privacy', terms: 'Terms of use' },
    home: {
      title: 'Kring',
      intro: 'This server runs Kring, the members-only community of an association on Discord, Slack and Microsoft Teams.',
      start: 'Members: type `/kring help` in your chat to see what you can do.',
    },
    privacy: {
      title: 'Privacy: what Kring stores',
      intro: 'Kring links the member administration of the association that runs it to its chat community. This is what it keeps, and what it never keeps.',
      storedTitle: 'What Kring stores',
      stored: {
        member: 'Your member record as the member administration provides it: member number, name, e-mail address, chapter, roles and membership status.',
        accounts: 'The chat accounts you linked to your membership: platform, workspace, account id and display name.',
        activity: 'Counts of activity per day and channel: how many messages, replies and reactions, and how long they were. Never the messages themselves.',
        submitted: 'What you deliberately submit: your votes, and the polls and news you create.',
        codes: 'For a short while: the code sent to your e-mail address when you link an account, and single-use sign-in and download links.',
        topics: 'Only if the association switched topics on: counts of topic words per channel and week, without who wrote them.',
      },
      neverTitle: 'What Kring never stores',
      never: 'The text of your messages, the emoji of your reactions, your files.',
      choicesTitle: 'Your choices',
      choices: {
        optOut: '`/kring privacy off`: count you only in anonymous totals (`/kring privacy on` undoes it).',
        mydata: '`/kring mydata`: one file with everything Kring holds about you.',
        forget: '`/kring forget`: erase your member record in Kring and unlink all your chat accounts.',
      },
      contact: 'Questions about your data go to the association that runs this Kring.',
    },
    terms: {
      title: 'Terms of use',
      body: 'The association that runs this Kring offers it to its members. Use it as you use the association’s other channels: with respect for each other and according to the association’s own rules. The association decides who joins its members-only channels, and access ends when your membership ends. Kring is open-source software, provided as is, without any warranty.',
    },
    slackInstall: {
      installedTitle: 'Kring is installed',
      installed: 'Kring is now installed in the Slack workspace {{workspace}}. You can close this window; type `/kring help` in Slack to start.',
      openSlack: 'Open Slack',
      cancelledTitle: 'Installation cancelled',
      cancelled: 'You cancelled the installation, so nothing was installed. You can start again whenever you like.',
      startAgain: 'Install Kring again',
      expiredTitle: 'This installation link no longer works',
      expired: 'It was opened in another browser, or it is too old. Start the installation again from the beginning.',
      refusedTitle: 'Kring cannot be installed here',
      orgWide: 'Install Kring in one Slack workspace, not in a whole Enterprise Grid organisation.',
      notAllowed: 'This Slack workspace may not install this Kring. Ask the association that runs it.',
      failedTitle: 'The installation did not finish',
      failed: 'Slack could not complete the installation. Please try again in a moment.',
    },
  },
} as const;

declare module '../../../kernel/i18n.js' {
  interface KringTexts {
    site: typeof en;
  }
}
