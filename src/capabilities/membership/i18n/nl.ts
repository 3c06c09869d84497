import type { Widen } from '../../../kernel/i18n.js';
import type { en } from './en.js';

/** Teksten van het lidmaatschap: een chataccount koppelen (link, verify, unlink, whoami), ledenimports en de verificatiemail. */
export const nl: Widen<typeof en> = {
  commands: {
    link: 'Koppel je chataccount aan je lidmaatschap (je krijgt een code per e-mail)',
    verify: 'Bevestig de koppeling met de code uit de e-mail',
    unlink: 'Verbreek de koppeling tussen dit chataccount en je lidmaatschap',
    whoami: 'Laat je lidmaatschap, afdeling, rollen en gekoppelde accounts zien',
  },
  args: {
    identifier: 'je lidnummer of e-mailadres',
    code: 'de code van 6 cijfers uit de e-mail',
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
    codeLocked: 'Je code is geblokkeerd na te veel foute pogingen, dus ook de goede code werkt niet meer. Vraag een nieuwe aan met `/kring link <lidnummer of e-mail>`.',
    verified: 'Welkom, {{name}}! Je account is nu gekoppeld aan je lidmaatschap.',
    mailFailed: 'Het lukte nu niet om de e-mail met je code te versturen. Probeer het over een paar minuten opnieuw.',
  },
  import: {
    missingColumns: 'Het bestand mist de kolom(men) {{missing}}. Toegestane kopjes: {{accepted}}',
    duplicateColumn: 'Twee kolommen betekenen hetzelfde veld "{{field}}": {{columns}}. Houd er één.',
    empty: 'Het bestand is leeg: er moet een kopregel en een regel per lid in staan.',
    malformed: 'Het bestand is vanaf regel {{line}} niet te lezen: {{reason}}',
    fullImportEmpty: 'Een volledige import zonder één geldige regel zou alle leden laten verlopen, dus er is niets veranderd.',
    encodingUnknown: 'Ik kan niet zien in welke tekenset het bestand staat (vanaf regel {{line}}). Sla het op als "CSV UTF-8", of geef de tekenset op met --encoding (Excel op Windows schrijft windows-1252).',
    encodingInvalid: 'Regel {{line}} is geen geldige {{encoding}}. Sla het bestand op als "CSV UTF-8", of geef de tekenset op met --encoding (Excel op Windows schrijft windows-1252).',
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
  mail: {
    verification: {
      subject: 'Je code om je account te koppelen aan {{organization}}',
      body:
        'Hoi {{memberName}},\n\nJe wilt je {{platform}}-account koppelen aan je lidmaatschap van {{organization}}.\nJe code is:\n\n    {{code}}\n\n' +
        'Typ deze code in het gesprek met Kring. De code is {{minutes}} minuten geldig en werkt maar één keer.\n\n' +
        'Heb je dit niet zelf gevraagd? Dan hoef je niets te doen: zonder de code wordt er niets gekoppeld.\n' +
        'Deel de code met niemand, ook niet met iemand die zegt dat hij van de vereniging is.\n\nGroet,\nKring, namens {{organization}}',
    },
  },
};
