import type { Catalogue } from './catalogue.js';
import { pollsNl } from './polls.nl.js';
import { newsNl } from './news.nl.js';
import { insightsNl } from './insights.nl.js';
import { apiNl } from './api.nl.js';

/** Nederlandse teksten (informeel: je/jij). Woorden volgens ../shared/GLOSSARY.md. */
export const nl: Catalogue = {
  errors: {
    invalidInput: 'Dat lukte niet: {{details}}',
    notFound: 'Dat kon ik niet vinden.',
    forbidden: 'Dat mag je niet doen.',
    conflict: 'Dat botst met iets dat al bestaat.',
    unexpected: 'Er ging bij ons iets mis. Probeer het zo nog eens. (referentie {{ref}})',
    notLinked: 'Je hebt je account nog niet aan je lidmaatschap gekoppeld. Begin met `/kring link <lidnummer of e-mail>`.',
    notMember: 'Dit is alleen voor geverifieerde, actieve leden. Koppel je account met `/kring link <lidnummer of e-mail>`.',
    notManager: 'Alleen communitymanagers kunnen dat doen.',
    unknownCommand: 'Ik ken `{{command}}` niet. Typ `/kring help` om te zien wat je kunt doen.',
    badArguments: 'Dat klopt nog niet helemaal: {{details}}\nGebruik: `{{usage}}`',
    actionExpired: 'Deze knop werkt niet meer. Voer de opdracht opnieuw uit.',
  },
  help: {
    title: 'Kring: wat je kunt doen',
    intro: 'Typ `/kring <opdracht>`. Deze opdrachten kun jij gebruiken:',
    linkHint: 'Koppel je chataccount aan je lidmaatschap om meer te zien.',
    footer: '{{org}} · Kring',
  },
  commands: {
    help: 'Laat zien wat je kunt doen',
    link: 'Koppel je chataccount aan je lidmaatschap (je krijgt een code per e-mail)',
    verify: 'Bevestig de koppeling met de code uit de e-mail',
    unlink: 'Verbreek de koppeling tussen dit chataccount en je lidmaatschap',
    whoami: 'Laat je lidmaatschap, afdeling, rollen en gekoppelde accounts zien',
    channelConnect: 'Koppel dit kanaal aan Kring (doel: general, news, chapter of managers)',
    channelList: 'Laat de gekoppelde kanalen zien',
  },
  args: {
    identifier: 'je lidnummer of e-mailadres',
    code: 'de code van 6 cijfers uit de e-mail',
    purpose: 'waar het kanaal voor is: general, news, chapter of managers',
    chapter: 'de afdeling (voor afdelingskanalen)',
  },
  link: {
    askIdentifier: 'Welk lid ben je? Typ `/kring link <lidnummer of e-mail>`.',
    codeSent: 'We hebben een code gestuurd naar {{email}}. Typ binnen {{minutes}} minuten `/kring verify <code>`.',
    memberNotFound: 'Ik kan geen lid vinden met dat lidnummer of e-mailadres. Controleer het, of vraag het de ledenadministratie.',
    noEmail: 'We hebben geen e-mailadres bij dit lidmaatschap, dus ik kan geen code sturen. Vraag de ledenadministratie om er een toe te voegen.',
    notActive: 'Dit lidmaatschap is niet actief en kan daarom niet gekoppeld worden. Vragen? Neem contact op met de ledenadministratie.',
    ambiguousEmail: 'Meerdere leden gebruiken dit e-mailadres. Gebruik je lidnummer: `/kring link <lidnummer>`.',
    tooManyCodes: 'Je hebt in korte tijd veel codes aangevraagd. Wacht een uur en probeer het dan opnieuw.',
    alreadyLinked: 'Dit account is al aan je lidmaatschap gekoppeld.',
    noPending: 'Er wacht geen code op je. Begin met `/kring link <lidnummer of e-mail>`.',
    codeExpired: 'Die code is verlopen. Vraag een nieuwe aan met `/kring link`.',
    codeInvalid_one: 'Die code klopt niet. Je hebt nog {{count}} poging.',
    codeInvalid_other: 'Die code klopt niet. Je hebt nog {{count}} pogingen.',
    tooManyAttempts: 'Te vaak een verkeerde code. Voor je veiligheid werkt deze code niet meer: vraag een nieuwe aan met `/kring link`.',
    verified: 'Welkom, {{name}}! Je account is nu gekoppeld aan je lidmaatschap.',
  },
  unlink: {
    done: 'Klaar: dit chataccount is niet meer gekoppeld aan je lidmaatschap.',
    button: 'Ontkoppel dit account',
  },
  whoami: {
    title: '{{name}}',
    memberNumber: 'Lidnummer',
    status: 'Status',
    chapter: 'Afdeling',
    noChapter: 'geen',
    roles: 'Rollen',
    platforms: 'Gekoppelde accounts',
    organization: 'Vereniging',
  },
  channel: {
    connected: 'Dit kanaal is nu aan Kring gekoppeld als **{{purpose}}**-kanaal.',
    noChannel: 'Voer deze opdracht uit in het kanaal dat je wilt koppelen.',
    unknownChapter: 'Er is geen afdeling "{{chapter}}". Afdelingen: {{chapters}}',
    listTitle: 'Gekoppelde kanalen',
    none: 'Er zijn nog geen kanalen gekoppeld. Voer `/kring channel connect <doel>` uit in een kanaal.',
    purposes: { general: 'algemeen', news: 'nieuws', chapter: 'afdeling', managers: 'beheer' },
  },
  status: { active: 'actief', lapsed: 'verlopen', left: 'opgezegd' },
  roles: { member: 'lid', manager: 'communitymanager', board: 'bestuur', ambassador: 'ambassadeur', sounding_board: 'klankbordgroep' },
  platforms: { discord: 'Discord', slack: 'Slack', teams: 'Microsoft Teams' },
  polls: pollsNl,
  news: newsNl,
  insights: insightsNl,
  api: apiNl,
};
