import type { Widen } from '../../../kernel/i18n.js';
import type { en, statementsEn } from './en.js';

/** Nederlandse teksten van stellingen (in de catalogus onder `statements`). */
export const statementsNl: Widen<typeof statementsEn> = {
  commands: {
    post: 'Plaats een stelling: eens, neutraal of oneens (hier, --everywhere of --chapter=<naam>)',
    close: 'Sluit een stelling en plaats de samenvatting',
    results: 'Toon de antwoorden op een stelling, per afdeling',
    list: 'Toon de laatste stellingen',
  },
  args: {
    text: 'de stelling, daarna eventueel --everywhere of --chapter=<naam>',
    id: 'het nummer van de stelling (de eerste tekens zijn genoeg)',
  },
  post: {
    usage: 'Schrijf hem zo: `/kring statement post We moeten elke maand afspreken --everywhere`. Zonder instelling komt hij in dit kanaal; `--everywhere` plaatst hem in alle algemene en nieuwskanalen, `--chapter=<naam>` in de kanalen van die afdeling.',
    tooShort: 'Schrijf een stelling van minstens 3 en hoogstens {{max}} tekens.',
    unknownFlag: 'De instelling `--{{flag}}` ken ik niet. Gebruik `--everywhere` of `--chapter=<naam>`.',
    unknownChapter: 'Er is geen afdeling "{{chapter}}". Afdelingen: {{chapters}}',
    noChannel: 'Geef deze opdracht in een kanaal, of voeg `--everywhere` of `--chapter=<naam>` toe.',
    noTargets: 'Er is geen gekoppeld kanaal om deze stelling in te plaatsen. Koppel er een met `/kring channel connect general`.',
    created_one: 'Stelling `{{id}}` verschijnt in {{count}} kanaal.',
    created_other: 'Stelling `{{id}}` verschijnt in {{count}} kanalen.',
  },
  form: {
    title: 'Nieuwe stelling',
    submit: 'Plaats stelling',
    text: 'Stelling',
    textPlaceholder: 'We moeten elke maand afspreken',
    where: 'Waar',
    here: 'Dit kanaal',
    everywhere: 'Alle algemene en nieuwskanalen',
    chapter: 'Afdeling {{name}}',
  },
  stance: { agree: 'Eens', neutral: 'Neutraal', disagree: 'Oneens' },
  view: {
    heading: 'Stelling',
    discuss: 'Bespreek',
    answers_one: '{{count}} antwoord',
    answers_other: '{{count}} antwoorden',
    open: 'Druk op wat je vindt; je kunt je antwoord veranderen tot de stelling sluit.',
    closed: 'Deze stelling is gesloten.',
    footer: 'Stelling `{{id}}` · {{answers}}',
  },
  answer: {
    recorded: 'Je antwoord: **{{stance}}**. Druk op een andere knop om het te veranderen.',
  },
  linkInvite:
    'Koppel eerst je chataccount aan je lidmaatschap om te antwoorden: typ `/kring link <lidnummer of e-mail>` en daarna `/kring verify <code>` met de code uit de e-mail. Druk dan opnieuw op de knop.',
  discuss: {
    intro: 'Gesprek over de stelling: "{{text}}". Reageer hier.',
    opened: 'Het gesprek staat open in de draad onder deze stelling.',
    exists: 'Het gesprek staat in de draad onder deze stelling.',
    unsupported: 'Dit platform heeft geen draden onder berichten; reageer in het kanaal.',
  },
  results: {
    title: 'Antwoorden: {{text}}',
    byChapter: 'Per afdeling',
    chapterLine: '- **{{chapter}}**: {{agree}} eens, {{neutral}} neutraal, {{disagree}} oneens ({{answers}})',
    noChapter: 'geen afdeling',
    open: 'open',
    closed: 'gesloten',
  },
  summary: {
    lead: 'Meeste antwoorden: **{{stance}}** ({{percent}}% van {{answers}}).',
    tie: 'De meningen zijn verdeeld ({{answers}}).',
    none: 'Niemand heeft geantwoord.',
    closedBy: 'Stelling `{{id}}` is gesloten.',
  },
  list: {
    title: 'Laatste stellingen',
    none: 'Er zijn nog geen stellingen. Plaats er een met `/kring statement post`.',
    line: '`{{id}}` {{text}} ({{status}}, {{answers}})',
  },
  errors: {
    notFound: 'Ik kan die stelling niet vinden. Typ `/kring statement list` om ze te zien.',
    ambiguousId: 'Er beginnen meerdere stellingen met `{{id}}`. Typ meer tekens van het nummer.',
    closed: 'Deze stelling is gesloten: er worden geen antwoorden meer aangenomen.',
    alreadyClosed: 'Deze stelling is al gesloten.',
    notActive: 'Alleen actieve leden kunnen op stellingen antwoorden.',
  },
};

/** Alles wat stellingen aan de catalogus toevoegt. */
export const nl: Widen<typeof en> = {
  statements: statementsNl,
  commandGroups: { statement: 'Plaats stellingen en bekijk de antwoorden (communitymanagers)' },
};
