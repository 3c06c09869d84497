import type { Widen } from '../../../kernel/i18n.js';
import type { en, ideasEn } from './en.js';

/** Nederlandse teksten van de ideeënbus (in de catalogus onder `ideas`). */
export const ideasNl: Widen<typeof ideasEn> = {
  commands: {
    submit: 'Doe een idee in de ideeënbus (het komt in de ideeënkanalen, waar anderen het kunnen steunen)',
    status: 'Zet de status van een idee: new, under_consideration, planned, done, declined <reden>',
    list: 'Toon de ideeën, meest gesteund eerst',
    digest: 'Maak de maandelijkse "jullie zeiden, wij deden" van de ideeën die verder kwamen (JJJJ-MM)',
  },
  args: {
    text: 'je idee',
    id: 'het nummer van het idee (de eerste tekens zijn genoeg)',
    change: 'de nieuwe status, en bij declined de reden',
    month: 'de maand, bijv. 2026-11 (standaard: deze maand)',
    draft: '`draft`: maak er een conceptbericht van voor de beheerders (niet verstuurd)',
  },
  form: { title: 'Je idee', submit: 'Idee insturen', text: 'Idee', placeholder: 'Een maandelijkse wandeling voor nieuwe leden' },
  submitted: 'Bedankt! Je idee `{{id}}` zit in de ideeënbus. Je krijgt een bericht als de status verandert.',
  usage: 'Schrijf je idee achter de opdracht: `/kring idea Een maandelijkse wandeling voor nieuwe leden`.',
  status: { new: 'Nieuw', under_consideration: 'In behandeling', planned: 'Gepland', done: 'Gedaan', declined: 'Afgewezen' },
  view: {
    heading: 'Idee uit de ideeënbus',
    status: 'Status',
    support: 'Steun',
    upvote: 'Steun dit idee',
    upvotes_one: '{{count}} keer gesteund',
    upvotes_other: '{{count}} keer gesteund',
    declinedBecause: '{{status}}: {{reason}}',
    footer: 'Idee `{{id}}` · zelf een idee? `/kring idea <je idee>`',
  },
  upvote: {
    added: 'Je steunt dit idee ({{upvotes}}).',
    already: 'Je steunt dit idee al ({{upvotes}}); één keer per lid.',
  },
  statusSet: 'Idee `{{id}}` is nu: {{status}}. De indiener en wie het steunden krijgen een bericht.',
  statusUsage: 'Schrijf `/kring idea status <nummer> <status>`; statussen: {{statuses}}. Afwijzen vraagt een reden: `/kring idea status <nummer> declined <reden>`.',
  notify: {
    yours: 'Nieuws over je idee "{{text}}": het is nu **{{status}}**.',
    supported: 'Nieuws over een idee dat je steunde, "{{text}}": het is nu **{{status}}**.',
  },
  list: { title: 'Ideeën', none: 'De ideeënbus is leeg.', line: '`{{id}}` {{text}} ({{status}}, {{upvotes}})' },
  digest: {
    title: 'Jullie zeiden, wij deden: {{month}}',
    intro: 'Dit gebeurde er deze maand met jullie ideeën:',
    line: '"{{text}}": {{status}} ({{upvotes}})',
    none: 'In {{month}} veranderde geen enkel idee van status.',
    badMonth: 'Geef de maand als JJJJ-MM, bijvoorbeeld `2026-11`.',
    draftNote: 'Een concept: `/kring idea digest {{month}} draft` maakt er een conceptbericht van dat de beheerders nakijken en versturen.',
    more: '…en nog {{count}} ideeën: zie `/kring idea list`.',
    proposed: 'Het "jullie zeiden, wij deden" van {{month}} ({{count}} ideeën) staat nu als conceptbericht klaar; de beheerderskanalen krijgen een bericht om het na te kijken en te versturen.',
    nothingToDraft: 'In {{month}} veranderde geen enkel idee van status: geen concept.',
  },
  linkInvite:
    'Alleen geverifieerde leden kunnen de ideeënbus gebruiken: typ `/kring link <lidnummer of e-mail>` en daarna `/kring verify <code>` met de code uit de e-mail.',
  errors: {
    notFound: 'Ik kan dat idee niet vinden. Typ `/kring idea list` om ze te zien.',
    ambiguousId: 'Er beginnen meerdere ideeën met `{{id}}`. Typ meer tekens van het nummer.',
    notActive: 'Alleen actieve leden kunnen de ideeënbus gebruiken.',
    badText: 'Schrijf een idee van minstens 3 en hoogstens {{max}} tekens.',
    reasonRequired: 'Zeg waarom het is afgewezen: `/kring idea status <nummer> declined <reden>`.',
    sameStatus: 'Het idee heeft die status al.',
    noChannel: 'De ideeënbus heeft nog geen kanaal. Een beheerder koppelt er een met `/kring channel connect ideas`.',
  },
};

export const nl: Widen<typeof en> = {
  ideas: ideasNl,
  commandGroups: { idea: 'De ideeënbus: ideeën insturen, steunen en volgen wat ermee gebeurt' },
};
