import type { Widen } from '../../../kernel/i18n.js';
import type { en, newsEn } from './en.js';

/** Nederlandse teksten van news (in de catalogus onder `news`). Informeel: je/jij. */
export const newsNl: Widen<typeof newsEn> = {
  commands: {
    publish: 'Verstuur een concept (zoals het maandelijkse "jullie zeiden, wij deden"): `<id>`',
    post: 'Plaats een nieuwsbericht in elk nieuwskanaal: `<titel> | <tekst> [| <link>] [| <afbeelding>]`',
    schedule: 'Plan een nieuwsbericht: `<wanneer> <titel> | <tekst>` (wanneer: `+2h`, `09:00`, `2026-12-01T09:00`)',
    status: 'Laat zien waar een nieuwsbericht is aangekomen (live tijdens het versturen)',
    edit: 'Wijzig een nieuwsbericht overal waar het staat: `<id> <titel> | <tekst>`',
    retract: 'Trek een nieuwsbericht in, uit alle kanalen',
    list: 'Laat de laatste nieuwsberichten zien',
  },
  args: {
    text: '`<titel> | <tekst> [| <link>] [| <afbeelding>]`; opties: `--dm`, `--chapter=<naam>`, `--role=<rol>`',
    when: 'wanneer het uitgaat: `+30m`, `+2h`, `09:00` of `2026-12-01T09:00`',
    id: 'het id van het nieuwsbericht (de eerste tekens zijn genoeg)',
  },
  post: {
    started_one: 'Nieuwsbericht `{{id}}` gaat nu naar {{count}} plek. Volg het met `/kring news status {{id}}`.',
    started_other: 'Nieuwsbericht `{{id}}` gaat nu naar {{count}} plekken. Volg het met `/kring news status {{id}}`.',
    scheduled_one: 'Nieuwsbericht `{{id}}` gaat op {{at}} naar {{count}} plek (zoals het er nu voor staat).',
    scheduled_other: 'Nieuwsbericht `{{id}}` gaat op {{at}} naar {{count}} plekken (zoals het er nu voor staat).',
  },
  form: {
    title: 'Nieuw nieuwsbericht',
    submit: 'Plaatsen',
    titleField: 'Titel',
    body: 'Tekst',
    link: 'Link (optioneel)',
    linkPlaceholder: 'https://…',
    badLink: 'De link moet beginnen met `https://` of `http://`.',
  },
  edit: {
    done_one: 'Nieuwsbericht `{{id}}` is gewijzigd; {{count}} geplaatst bericht wordt bijgewerkt.',
    done_other: 'Nieuwsbericht `{{id}}` is gewijzigd; {{count}} geplaatste berichten worden bijgewerkt.',
  },
  draft: {
    ready: 'Er staat een conceptbericht voor je klaar ({{source}}): **{{title}}** (`{{id}}`). Er gaat niets uit tot een beheerder dat doet: pas het aan met `/kring news edit {{id}} <titel> | <tekst>`, verstuur het met `/kring news publish {{id}}`, of gooi het weg met `/kring news retract {{id}}`.',
    sources: { ideas: 'de ideeënbus' },
  },
  retract: {
    done_one: 'Nieuwsbericht `{{id}}` is ingetrokken; {{count}} geplaatst bericht wordt verwijderd.',
    done_other: 'Nieuwsbericht `{{id}}` is ingetrokken; {{count}} geplaatste berichten worden verwijderd.',
  },
  status: {
    live: 'Het bezorgoverzicht van `{{id}}` staat in dit kanaal en werkt zichzelf bij zolang het nieuwsbericht uitgaat.',
  },
  list: {
    title: 'Laatste nieuwsberichten',
    empty: 'Er zijn nog geen nieuwsberichten. Plaats er een met `/kring news post <titel> | <tekst>`.',
    line: '`{{id}}` · {{title}} · {{status}} · {{date}}',
  },
  view: {
    readMore: 'Lees meer',
    image: 'Afbeelding',
    footer: '{{org}} · nieuws',
    footerAuthor: '{{org}} · nieuws van {{author}}',
    edited: 'gewijzigd',
  },
  report: {
    title: 'Bezorgoverzicht: {{title}}',
    meta: '`{{id}}` · {{status}} · bijgewerkt {{time}}',
    sent: 'Verstuurd',
    failed: 'Mislukt',
    pending: 'Wacht nog',
    retracted: 'Ingetrokken',
    total: 'Totaal',
    platformBar: '{{platform}}: {{done}} van {{total}} klaar',
    failuresTitle: '**Mislukt**',
    pendingTitle: '**Wacht nog**',
    line: '- {{platform}} · {{target}}',
    lineReason: '- {{platform}} · {{target}}: {{reason}}',
    more_one: '…en nog {{count}}',
    more_other: '…en nog {{count}}',
    nothing: 'Er is nog niets om te bezorgen.',
    direct: 'privébericht',
  },
  statuses: {
    draft: 'concept',
    scheduled: 'ingepland',
    publishing: 'wordt verstuurd',
    published: 'geplaatst',
    retracted: 'ingetrokken',
  },
  errors: {
    notDraft: 'Bericht `{{id}}` is geen concept: het is al verstuurd of ingepland. `/kring news status {{id}}` laat zien waar het is.',
    notFound: 'Ik kan geen nieuwsbericht `{{id}}` vinden. `/kring news list` laat de laatste zien.',
    ambiguous: '`{{id}}` past bij meerdere nieuwsberichten ({{candidates}}). Typ meer tekens van het id.',
    noTargets: 'Er is nog geen plek om dit te plaatsen: koppel een nieuwskanaal met `/kring channel connect news`, of kies een andere doelgroep.',
    retracted: 'Nieuwsbericht `{{id}}` is ingetrokken en kan niet meer veranderen.',
    badPublishTime: 'Ik kan "{{when}}" niet inplannen. Gebruik `+30m`, `+2h`, `09:00` of `2026-12-01T09:00`, binnen een jaar.',
    textForm: 'Schrijf het nieuwsbericht als `<titel> | <tekst>`, eventueel gevolgd door `| <link>` en `| <afbeelding>`.',
    unknownChapter: 'Er is geen afdeling die "{{chapter}}" heet. Afdelingen: {{chapters}}',
    unknownRole: 'Er is geen rol die "{{role}}" heet. Rollen: {{roles}}',
  },
};

/** Alles wat news aan de catalogus toevoegt. */
export const nl: Widen<typeof en> = {
  news: newsNl,
};
