import type { Widen } from '../../../kernel/i18n.js';
import type { en } from './en.js';

/** Teksten van de openbare pagina's van Kring, en van de pagina's aan het eind van een Slack-installatie. */
export const nl: Widen<typeof en> = {
  site: {
    footer: 'Kring: een open-source communitybot voor verenigingen',
    links: { home: 'Kring', privacy: 'Privacy', terms: 'Gebruiksvoorwaarden' },
    home: {
      title: 'Kring',
      intro: 'Op deze server draait Kring: de besloten community van een vereniging op Discord, Slack en Microsoft Teams.',
      start: 'Ben je lid? Typ `/kring help` in je chat om te zien wat je kunt doen.',
    },
    privacy: {
      title: 'Privacy: wat Kring bewaart',
      intro: 'Kring koppelt de ledenadministratie van de vereniging die Kring draait aan haar chatcommunity. Dit is wat Kring bewaart, en wat nooit.',
      storedTitle: 'Wat Kring bewaart',
      stored: {
        member: 'Je ledengegevens zoals de ledenadministratie ze levert: lidnummer, naam, e-mailadres, afdeling, rollen en status van je lidmaatschap.',
        accounts: 'De chataccounts die je aan je lidmaatschap hebt gekoppeld: platform, werkruimte, account-id en weergavenaam.',
        activity: 'Tellingen van activiteit per dag en kanaal: hoeveel berichten, antwoorden en reacties, en hoe lang ze waren. Nooit de berichten zelf.',
        submitted: 'Wat je zelf bewust instuurt: je stemmen, en de polls en nieuwsberichten die je maakt.',
        codes: 'Even: de code die naar je e-mailadres gaat als je een account koppelt, en eenmalige links om in te loggen of iets te downloaden.',
        topics: 'Alleen als de vereniging onderwerpen heeft aangezet: tellingen van onderwerpwoorden per kanaal en week, zonder wie ze schreef.',
      },
      neverTitle: 'Wat Kring nooit bewaart',
      never: 'De tekst van je berichten, de emoji van je reacties, je bestanden.',
      choicesTitle: 'Wat je zelf kiest',
      choices: {
        optOut: '`/kring privacy off`: tel je alleen nog mee in anonieme totalen (`/kring privacy on` draait dat terug).',
        mydata: '`/kring mydata`: één bestand met alles wat Kring over je heeft.',
        forget: '`/kring forget`: wis je ledengegevens in Kring en ontkoppel al je chataccounts.',
      },
      contact: 'Met vragen over je gegevens kun je terecht bij de vereniging die deze Kring draait.',
    },
    terms: {
      title: 'Gebruiksvoorwaarden',
      body: 'De vereniging die deze Kring draait, biedt Kring aan haar leden aan. Gebruik Kring zoals de andere kanalen van de vereniging: met respect voor elkaar en volgens de eigen regels van de vereniging. De vereniging bepaalt wie er in haar besloten kanalen komt, en als je lidmaatschap stopt, stopt ook je toegang. Kring is open-source software, zonder enige garantie.',
    },
    slackInstall: {
      installedTitle: 'Kring is geïnstalleerd',
      installed: 'Kring is nu geïnstalleerd in de Slack-werkruimte {{workspace}}. Je kunt dit venster sluiten; typ `/kring help` in Slack om te beginnen.',
      openSlack: 'Open Slack',
      cancelledTitle: 'Installatie geannuleerd',
      cancelled: 'Je hebt de installatie geannuleerd, dus er is niets geïnstalleerd. Je kunt altijd opnieuw beginnen.',
      startAgain: 'Kring opnieuw installeren',
      expiredTitle: 'Deze installatielink werkt niet meer',
      expired: 'Hij is in een andere browser geopend, of hij is te oud. Begin de installatie opnieuw.',
      refusedTitle: 'Kring kan hier niet worden geïnstalleerd',
      orgWide: 'Installeer Kring in één Slack-werkruimte, niet in een hele Enterprise Grid-organisatie.',
      notAllowed: 'Deze Slack-werkruimte mag deze Kring niet installeren. Vraag het de vereniging die Kring draait.',
      failedTitle: 'De installatie is niet afgerond',
      failed: 'Slack kon de installatie niet afronden. Probeer het zo nog eens.',
    },
  },
};
