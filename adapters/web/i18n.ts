import type { Catalogue, Widen } from '../../src/kernel/i18n.js';

/**
 * The web community's own texts (the pages around the chat: sign-in, navigation, the composer). What
 * Kring says in a channel comes from the capabilities' Views, already localised.
 */
export const en = {
  web: {
    title: '{{org}}: web community',
    skipToComposer: 'Skip to the command box',
    channels: 'Channels',
    direct: 'Direct messages',
    directTitle: 'Your direct messages',
    noChannels: 'No channel is open to you yet.',
    notConnected: 'This channel is not connected yet. Connect it by typing `/kring channel connect general` (or news, managers, chapter <name>) below.',
    openChannel: 'Open a channel by name',
    openChannelHint: 'Lowercase letters, digits and dashes.',
    openChannelButton: 'Open',
    unread_one: '{{count}} new message',
    unread_other: '{{count}} new messages',
    messages: 'Messages in {{channel}}',
    empty: 'No messages here yet.',
    composerLabel: 'Command',
    composerHint: 'Type a Kring command, e.g. /kring help or /kring poll create Question? | Yes | No. Press Enter to send.',
    send: 'Send',
    onlyYou: 'Only you can see this',
    dismiss: 'Dismiss',
    from: 'Kring',
    signedInAs: 'Signed in as {{name}}',
    signOut: 'Sign out',
    live: 'Live updates on',
    offline: 'Live updates interrupted; reconnecting…',
    newMessage: 'New message in {{channel}}',
    updatedMessage: 'Message updated in {{channel}}',
    cancel: 'Cancel',
    sending: 'Sending…',
    signIn: {
      title: 'Sign in to {{org}}',
      intro: 'Members sign in with the same e-mailed code as in the chat apps. Give your member number or e-mail address.',
      identifier: 'Member number or e-mail address',
      submit: 'Send me a code',
      codeTitle: 'Enter your code',
      codeSent: 'We sent a code to {{email}}. It works for {{minutes}} minutes.',
      code: 'The 6-digit code from the e-mail',
      verify: 'Sign in',
      again: 'Start again',
      linkIntro: 'Press the button to sign in. The link works once.',
      linkButton: 'Sign in',
      linkInvalid: 'This sign-in link does not work (any more). Ask for a new one or sign in with your member number.',
      tooMany: 'Too many attempts from here. Wait a quarter of an hour and try again.',
      expired: 'Your sign-in took too long. Start again.',
      notMember: 'You are signed in, but not as an active member. Ask the association, or sign out.',
    },
    errors: {
      badRequest: 'That request was not understood.',
      signedOut: 'You are signed out. Reload the page to sign in again.',
      channelHidden: 'That channel is not open to you.',
      failed: 'Something went wrong. Try again in a moment.',
    },
  },
} as const;

export const nl: Widen<typeof en> = {
  web: {
    title: '{{org}}: webcommunity',
    skipToComposer: 'Naar het opdrachtvak',
    channels: 'Kanalen',
    direct: 'Privéberichten',
    directTitle: 'Je privéberichten',
    noChannels: 'Er is nog geen kanaal voor je open.',
    notConnected: 'Dit kanaal is nog niet gekoppeld. Koppel het door hieronder `/kring channel connect general` te typen (of news, managers, chapter <naam>).',
    openChannel: 'Open een kanaal op naam',
    openChannelHint: 'Kleine letters, cijfers en streepjes.',
    openChannelButton: 'Openen',
    unread_one: '{{count}} nieuw bericht',
    unread_other: '{{count}} nieuwe berichten',
    messages: 'Berichten in {{channel}}',
    empty: 'Hier staan nog geen berichten.',
    composerLabel: 'Opdracht',
    composerHint: 'Typ een Kring-opdracht, bijvoorbeeld /kring help of /kring poll create Vraag? | Ja | Nee. Druk op Enter om te versturen.',
    send: 'Versturen',
    onlyYou: 'Alleen jij ziet dit',
    dismiss: 'Weghalen',
    from: 'Kring',
    signedInAs: 'Ingelogd als {{name}}',
    signOut: 'Uitloggen',
    live: 'Live bijwerken staat aan',
    offline: 'Live bijwerken onderbroken; opnieuw verbinden…',
    newMessage: 'Nieuw bericht in {{channel}}',
    updatedMessage: 'Bericht bijgewerkt in {{channel}}',
    cancel: 'Annuleren',
    sending: 'Versturen…',
    signIn: {
      title: 'Inloggen bij {{org}}',
      intro: 'Leden loggen in met dezelfde code per e-mail als in de chat-apps. Vul je lidnummer of e-mailadres in.',
      identifier: 'Lidnummer of e-mailadres',
      submit: 'Stuur me een code',
      codeTitle: 'Vul je code in',
      codeSent: 'We hebben een code gestuurd naar {{email}}. Die werkt {{minutes}} minuten.',
      code: 'De code van 6 cijfers uit de e-mail',
      verify: 'Inloggen',
      again: 'Opnieuw beginnen',
      linkIntro: 'Druk op de knop om in te loggen. De link werkt één keer.',
      linkButton: 'Inloggen',
      linkInvalid: 'Deze inloglink werkt niet (meer). Vraag een nieuwe of log in met je lidnummer.',
      tooMany: 'Te veel pogingen vanaf hier. Wacht een kwartier en probeer het opnieuw.',
      expired: 'Het inloggen duurde te lang. Begin opnieuw.',
      notMember: 'Je bent ingelogd, maar niet als actief lid. Vraag het de vereniging, of log uit.',
    },
    errors: {
      badRequest: 'Dat verzoek begrepen we niet.',
      signedOut: 'Je bent uitgelogd. Laad de pagina opnieuw om in te loggen.',
      channelHidden: 'Dat kanaal is niet voor je open.',
      failed: 'Er ging iets mis. Probeer het zo nog eens.',
    },
  },
};

declare module '../../src/kernel/i18n.js' {
  interface KringTexts {
    web: typeof en;
  }
}

/** The web adapter's part of the catalogue (the composition root adds it to the Translator). */
export const webCatalogue: Catalogue = { owner: 'web', texts: { en, nl } };
