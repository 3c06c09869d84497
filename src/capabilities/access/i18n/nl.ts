import type { Widen } from '../../../kernel/i18n.js';
import type { en } from './en.js';

/** Dutch texts of the access capability (glossary: lid, lidmaatschap, afdeling, besloten, huisregels; informal "je"). */
export const nl: Widen<typeof en> = {
  access: {
    commands: {
      here: 'Maak dit kanaal besloten (Slack, Teams): voor alle leden of voor bepaalde rollen of afdelingen',
      role: 'Maak een Discord-rol besloten: Kring geeft hem aan de leden voor wie hij is',
      list: 'Toon de besloten plekken en voor wie ze zijn',
      remove: 'Laat Kring een besloten plek niet meer beheren (wie Kring toeliet gaat eruit)',
      grace: 'Stel de overgangstermijn in: dagen dat iemand na het einde van het lidmaatschap toegang houdt',
      sweep: 'Controleer nu wie toegang verliest of terugkrijgt (gebeurt ook elke dag vanzelf)',
      rules: 'Toon de huisregels',
      rulesSet: 'Stel de huisregels in voor één taal: nl of en, dan de tekst',
    },
    args: {
      audience: '`all`, `role=board,sounding_board` of `chapter=Utrecht,Amsterdam`',
      roleId: 'de Discord-rol (noem hem, of zijn id)',
      place: 'het nummer van de plek (de eerste tekens zijn genoeg)',
      days: 'dagen, 0 tot 365',
      language: '`nl` of `en`',
      text: 'de regels zoals leden ze lezen',
    },
    place: {
      added: '{{place}} is nu besloten, voor {{audience}}. Kring laat de leden toe en haalt eruit wie er niet meer bij hoort.',
      removed: 'Kring beheert {{place}} niet meer; wie Kring toeliet gaat eruit.',
      none: 'Er zijn nog geen besloten plekken. Typ `/kring access here` in een privékanaal (Slack, Teams) of `/kring access role <rol>` (Discord).',
      title: 'Besloten plekken',
      line: '`{{id}}` {{platform}} {{kind}} {{place}}: {{audience}}',
      graceLine: 'Overgangstermijn na het einde van een lidmaatschap: {{days}} dagen.',
    },
    audience: {
      all: 'alle leden',
      roles: 'de rollen {{roles}}',
      chapters: 'de afdelingen {{chapters}}',
    },
    kind: { role: 'rol', channel: 'kanaal' },
    grace: {
      set_one: 'Iemand van wie het lidmaatschap is beëindigd houdt nog {{count}} dag toegang.',
      set_other: 'Iemand van wie het lidmaatschap is beëindigd houdt nog {{count}} dagen toegang.',
      none: 'Iemand van wie het lidmaatschap is beëindigd verliest meteen de toegang.',
      usage: 'Geef de overgangstermijn in hele dagen van 0 tot 365, bijvoorbeeld `/kring access grace 14`.',
    },
    sweep: {
      done: 'Gecontroleerd: {{lapses}} beëindigde lidmaatschappen, {{suspensions}} afgelopen schorsingen en {{unrecorded}} andere wijzigingen worden verwerkt.',
    },
    lapse: {
      title: 'Je lidmaatschap is beëindigd',
      body: 'Je lidmaatschap van {{organization}} is beëindigd. Daarom vervalt ook je toegang tot de besloten plekken.',
      renew: 'Wil je blijven? [Verleng hier je lidmaatschap]({{url}}) en je toegang komt vanzelf terug.',
      renewNoLink: 'Wil je blijven? Verleng je lidmaatschap bij de vereniging en je toegang komt vanzelf terug.',
    },
    rules: {
      title: 'Huisregels van {{organization}}',
      agree: 'Ik ga akkoord',
      agreed: 'Dank je: je ging op {{date}} akkoord met de huisregels.',
      agreedNow: 'Dank je wel dat je akkoord gaat met de huisregels.',
      askAgree: 'Lees de huisregels en druk op "Ik ga akkoord".',
      set: 'De huisregels ({{language}}) zijn opgeslagen als versie {{version}}. Leden wordt gevraagd opnieuw akkoord te gaan als ze ze lezen.',
      usage: 'Typ `/kring rules set nl <tekst>` of `/kring rules set en <tekst>`.',
      tooLong: 'Huisregels mogen hoogstens {{max}} tekens lang zijn.',
    },
    errors: {
      placeNotFound: 'Ik kan geen besloten plek "{{id}}" vinden. `/kring access list` toont ze.',
      kindNotSupported: '{{platform}} heeft alleen besloten plekken van deze soort: {{kinds}}.',
      platformCannot: 'Kring kan met de huidige instellingen geen besloten plekken openen en sluiten op {{platform}}.',
      noChannel: 'Typ dit commando in het privékanaal dat besloten moet worden.',
      badAudience: 'Ik begrijp "{{word}}" niet. Schrijf `all`, `role=board,sounding_board` of `chapter=Utrecht`.',
      unknownChapter: 'Er is geen afdeling die "{{chapter}}" heet. Afdelingen: {{chapters}}',
      noRules: 'De vereniging heeft nog geen huisregels.',
      rulesChanged: 'De huisregels zijn veranderd sinds je ze zag. Lees ze opnieuw met `/kring rules`.',
      memberNotFound: 'Ik kan dat lid niet vinden.',
    },
  },
  commandGroups: { access: 'Besloten plekken en de overgangstermijn na het einde van een lidmaatschap', rules: 'De huisregels' },
};
