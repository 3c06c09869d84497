import type { Widen } from '../../kernel/i18n.js';
import type { en } from './en.js';

export const nl: Widen<typeof en> = {
  landing: {
    title: 'Kring: {{org}}',
    tagline: 'Een besloten community voor verenigingen, in de chat-apps die leden al gebruiken en in de browser.',
    what: 'Kring brengt polls, nieuws, inzichten en een veilige, besloten plek om te praten naar Discord, Slack, Microsoft Teams en een eigen webcommunity. Een lid is één lid op alle platforms: één stem per poll, één export van zijn gegevens.',
    platformsTitle: 'Waar {{org}} gekoppeld is',
    connected: 'gekoppeld',
    notConnected: 'niet gekoppeld',
    noChatApp: 'Er is nog geen chat-app gekoppeld: de webcommunity werkt ook zonder. Slack, Discord of Teams koppelen: zie docs/ADAPTERS.md.',
    linksTitle: 'Aan de slag',
    webLink: 'Open de webcommunity',
    webHint: 'Leden loggen in met hun lidnummer of e-mailadres en een code per e-mail.',
    dashboardLink: 'Inzichten-dashboard',
    dashboardHint: 'Communitymanagers krijgen een persoonlijke inloglink met /kring dashboard (in de webcommunity of in de chat).',
    apiLink: 'Documentatie van de beheer-API',
    apiHint: 'Voor de ledenadministratie, de website en het bestuur: OpenAPI 3.1.',
    demo: 'Demomodus: de eenmalige inloglink van de communitymanager staat in de terminal waarin Kring draait.',
    footer: 'Kring is open source (AGPL-3.0-or-later).',
  },
};
