import type { Widen } from '../../../kernel/i18n.js';
import type { en } from './en.js';

/** Teksten van kanalen: een chatkanaal aan Kring koppelen en de gekoppelde kanalen tonen. */
export const nl: Widen<typeof en> = {
  commands: {
    channelConnect: 'Koppel dit kanaal aan Kring (doel: general, news, chapter, managers of moderators)',
    channelList: 'Laat de gekoppelde kanalen zien',
  },
  commandGroups: {
    channel: 'Koppel kanalen aan Kring en bekijk ze (communitymanagers)',
  },
  args: {
    purpose: 'waar het kanaal voor is: general, news, chapter, managers of moderators',
    chapter: 'de afdeling (voor afdelingskanalen)',
  },
  channel: {
    connected: 'Dit kanaal is nu aan Kring gekoppeld als **{{purpose}}**-kanaal.',
    noChannel: 'Voer deze opdracht uit in het kanaal dat je wilt koppelen.',
    unknownChapter: 'Er is geen afdeling "{{chapter}}". Afdelingen: {{chapters}}',
    listTitle: 'Gekoppelde kanalen',
    none: 'Er zijn nog geen kanalen gekoppeld. Voer `/kring channel connect <doel>` uit in een kanaal.',
    purposes: { general: 'algemeen', news: 'nieuws', chapter: 'afdeling', managers: 'beheer', moderators: 'moderatoren', ideas: 'ideeën' },
  },
};
