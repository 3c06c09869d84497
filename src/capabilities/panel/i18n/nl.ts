import type { Widen } from '../../../kernel/i18n.js';
import type { en, panelEn } from './en.js';

/** Nederlandse teksten van de klankbordgroep (in de catalogus onder `panel`). */
export const panelNl: Widen<typeof panelEn> = {
  commands: {
    panel: 'Klankbordgroep: join, leave, status; managers: draw <N>, show, add, remove, redraw, place',
  },
  args: {
    action: 'join, leave of status; managers: draw, show, add, remove, redraw of place',
    more: 'de grootte (draw), een lidnummer (add, remove) of een Discord-rol (place)',
  },
  usage:
    'De klankbordgroep: `/kring panel join` (je mag gevraagd worden), `/kring panel leave`, `/kring panel status`. Communitymanagers: `/kring panel draw <N>`, `show`, `add <lidnummer>`, `remove <lidnummer>`, `redraw`, en `place` (in het besloten kanaal van de groep, of met een Discord-rol).',
  status: {
    onPanel: 'Je zit in de klankbordgroep. Enquêtes voor de groep krijg je als direct bericht. Met `/kring panel leave` stap je eruit.',
    optedIn: 'Je hebt je aangemeld voor de klankbordgroep, maar je zit niet in de huidige groep. Als een communitymanager opnieuw loot, kun je gekozen worden.',
    notOptedIn: 'Je hebt je niet aangemeld voor de klankbordgroep. Typ `/kring panel join` als je gevraagd wilt worden.',
  },
  join: {
    done: 'Dank je! Je bent aangemeld voor de klankbordgroep. Een communitymanager loot de groep uit iedereen die zich aanmeldde; `/kring panel status` vertelt of je erin zit.',
    already: 'Je bent al aangemeld voor de klankbordgroep.',
  },
  leave: {
    done: 'Je bent niet langer aangemeld voor de klankbordgroep.',
    doneAndOff: 'Je bent niet langer aangemeld voor de klankbordgroep, en je zit niet meer in de huidige groep.',
    notSignedUp: 'Je was niet aangemeld voor de klankbordgroep.',
  },
  drawn: 'De klankbordgroep is geloot: {{seats}} leden uit {{candidates}} aanmeldingen, verdeeld naar afdeling, leeftijdsgroep en soort lidmaatschap (seed {{seed}}).',
  show: {
    title: 'Klankbordgroep',
    summary: 'Geloot {{drawnAt}}. Erin: {{seats}} leden (geloot op {{size}}, seed {{seed}}); {{candidates}} leden aangemeld.',
    membersTitle: 'Leden',
    member: '{{name}} ({{number}}): {{stratum}}',
    memberManual: '{{name}} ({{number}}): {{stratum}}, met de hand toegevoegd',
    strataTitle: 'Plaatsen per groep (afdeling / leeftijdsgroep / soort lidmaatschap)',
    stratum: '{{label}}: {{seats}} van {{pool}}',
    more: '… en nog {{count}} (de admin-API geeft ze allemaal: GET /orgs/{org}/panel/members).',
    places: 'Besloten plekken: {{places}}',
    noPlaces: 'De klankbordgroep heeft nog geen besloten plek. Typ `/kring panel place` in haar besloten Slack- of Teams-kanaal, of `/kring panel place @rol` op Discord.',
  },
  welcome: 'Je zit in de klankbordgroep van {{organization}}: een kleine groep die het bestuur om haar mening over plannen vraagt. Enquêtes voor de groep krijg je als direct bericht. Typ `/kring panel leave` als je liever niet meedoet.',
  added: '{{name}} zit nu in de klankbordgroep.',
  removed: '{{name}} zit niet meer in de klankbordgroep.',
  placedRole: 'Iedereen in de klankbordgroep krijgt nu deze rol ({{count}} leden); wie er later bij komt ook.',
  placedChannel: 'Iedereen in de klankbordgroep wordt nu voor dit kanaal uitgenodigd ({{count}} leden); wie er later bij komt ook.',
  managersOnly: 'Alleen communitymanagers kunnen de klankbordgroep loten, wijzigen of bekijken. Jij kunt `join`, `leave` of je `status` opvragen.',
  errors: {
    notDrawn: 'Er is nog geen klankbordgroep. Loot er een met `/kring panel draw <N>`.',
    tooFew: 'Een klankbordgroep van {{size}} heeft {{size}} aanmeldingen nodig, en er zijn er {{available}}. Loot een kleinere groep, of vraag leden `/kring panel join` te typen.',
    badSize: 'Geef de grootte als heel getal van 1 tot {{max}}, bijvoorbeeld `/kring panel draw 12`.',
    unknownMember: 'Er is geen lid met nummer `{{number}}`.',
    notActive: '{{name}} is geen actief lid en kan dus niet in de klankbordgroep.',
    notOptedIn: '{{name}} heeft zich niet aangemeld voor de klankbordgroep. Leden melden zich zelf aan met `/kring panel join`.',
    alreadyOn: '{{name}} zit al in de klankbordgroep.',
    notOn: '{{name}} zit niet in de klankbordgroep.',
    placeNotSupported: 'Zo\'n plek kan Kring hier niet openen: typ `/kring panel place` in een besloten Slack- of Teams-kanaal, of noem op Discord een rol (`/kring panel place @rol`).',
    memberNumber: 'Geef het lidnummer, bijvoorbeeld `/kring panel add 100023`.',
  },
};

/** Alles wat de klankbordgroep aan de catalogus toevoegt. */
export const nl: Widen<typeof en> = {
  panel: panelNl,
};
