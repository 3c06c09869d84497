import type { Widen } from '../../kernel/i18n.js';
import type { en } from './en.js';

/** De teksten van de chatrouter: fouten die elke opdracht kan tegenkomen, help, en de woorden die alle capabilities delen. */
export const nl: Widen<typeof en> = {
  errors: {
    invalidInput: 'Dat lukte niet: {{details}}',
    notFound: 'Dat kon ik niet vinden.',
    forbidden: 'Dat mag je niet doen.',
    conflict: 'Dat botst met iets dat al bestaat.',
    unexpected: 'Er ging bij ons iets mis. Probeer het zo nog eens. (referentie {{ref}})',
    notLinked: 'Je hebt je account nog niet aan je lidmaatschap gekoppeld. Begin met `/kring link <lidnummer of e-mail>`.',
    notMember: 'Dit is alleen voor geverifieerde, actieve leden. Koppel je account met `/kring link <lidnummer of e-mail>`.',
    notManager: 'Alleen leden met een van deze rollen kunnen dat doen: {{roles}}.',
    managerNotLinked: 'Dit is voor leden met een van deze rollen: {{roles}}. Koppel eerst je chataccount aan je lidmaatschap met `/kring link <lidnummer of e-mail>`; daarna telt je rol hier ook.',
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
  },
  status: { active: 'actief', lapsed: 'verlopen', left: 'opgezegd' },
  roles: { member: 'lid', manager: 'communitymanager', board: 'bestuur', ambassador: 'ambassadeur', sounding_board: 'klankbordgroep', moderator: 'moderator', counsellor: 'vertrouwenspersoon' },
  platforms: { discord: 'Discord', slack: 'Slack', teams: 'Microsoft Teams', web: 'Kring-webcommunity' },
};
