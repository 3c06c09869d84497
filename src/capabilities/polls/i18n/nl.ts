import type { Widen } from '../../../kernel/i18n.js';
import type { en, pollsEn } from './en.js';

/** Nederlandse teksten van polls (in de catalogus onder `polls`). */
export const pollsNl: Widen<typeof pollsEn> = {
  commands: {
    create: 'Maak een poll: vraag | optie | optie, daarna instellingen zoals --multi of --deadline',
    close: 'Sluit een poll nu en toon de einduitslag',
    results: 'Toon de tussenstand van een poll',
    export: 'Exporteer een poll als CSV (stemmers bij polls met namen, alleen aantallen bij anonieme)',
    list: 'Toon de laatste polls',
  },
  args: {
    definition: 'vraag | optie 1 | optie 2 … en instellingen, bijv. --multi --deadline=2026-12-01T18:00',
    id: 'het nummer van de poll (de eerste tekens zijn genoeg)',
  },
  create: {
    usage:
      'Schrijf de poll zo: `/kring poll create Waar spreken we af? | Utrecht | Zwolle | Online --deadline=2026-12-01T18:00`. Instellingen: `--multi` of `--multi=2`, `--anonymous`, `--hidden` (uitslag pas na sluiten), `--chapter=<naam>`, `--role=<rol>`, `--everywhere` (ook in alle algemene en nieuwskanalen).',
    tooFewOptions: 'Geef minstens {{min}} opties, gescheiden door `|`.',
    tooManyOptions: 'Een poll heeft hoogstens {{max}} opties.',
    duplicateOption: 'De optie "{{option}}" staat er twee keer in.',
    tooLong: 'De vraag mag hoogstens {{question}} tekens hebben en elke optie hoogstens {{option}}.',
    unknownFlag: 'De instelling `--{{flag}}` ken ik niet.',
    badMulti: '`--multi` krijgt een getal van 1 tot het aantal opties, bijvoorbeeld `--multi=2`.',
    badDeadline: 'Ik kan de deadline "{{value}}" niet lezen. Gebruik bijvoorbeeld `--deadline=2026-12-01T18:00` (tijd in {{timezone}}).',
    deadlinePast: 'De deadline {{date}} is al voorbij. Kies een moment in de toekomst.',
    unknownChapter: 'Er is geen afdeling "{{chapter}}". Afdelingen: {{chapters}}',
    unknownRole: 'Er is geen rol "{{role}}". Rollen: {{roles}}',
    chapterAndRole: 'Kies afdelingen of rollen als doelgroep, niet allebei.',
    noChannel: 'Voer deze opdracht uit in een kanaal, of voeg `--everywhere` toe om in alle algemene en nieuwskanalen te plaatsen.',
    noTargets: 'Er is geen gekoppeld kanaal om deze poll in te plaatsen. Koppel er een met `/kring channel connect general`.',
    created_one: 'Poll `{{id}}` is gemaakt en verschijnt in {{count}} kanaal.',
    created_other: 'Poll `{{id}}` is gemaakt en verschijnt in {{count}} kanalen.',
  },
  form: {
    title: 'Nieuwe poll',
    submit: 'Maak poll',
    question: 'Vraag',
    questionPlaceholder: 'Waar spreken we af?',
    options: 'Opties, één per regel',
    optionsPlaceholder: 'Utrecht\nZwolle\nOnline',
    settings: 'Instellingen (optioneel)',
    settingsPlaceholder: '--multi --anonymous --deadline=2026-12-01T18:00',
  },
  view: {
    single: 'Kies één optie.',
    multi: 'Kies één of meer opties.',
    multiMax_one: 'Kies hoogstens {{count}} optie.',
    multiMax_other: 'Kies hoogstens {{count}} opties.',
    anonymous: 'Anoniem: niemand kan zien wie wat heeft gestemd.',
    named: 'Niet anoniem: de communitymanagers kunnen zien wie wat heeft gestemd.',
    deadline: 'Stemmen kan tot {{date}}.',
    closed: 'Deze poll is gesloten. Einduitslag:',
    audienceChapters: 'Voor leden van: {{chapters}}.',
    audienceRoles: 'Voor: {{roles}}.',
    votes_one: '{{count}} stem',
    votes_other: '{{count}} stemmen',
    hidden: 'De uitslag verschijnt als de poll sluit.',
    selectPlaceholder: 'Kies een optie',
    footer: 'Poll {{id}} · {{votes}}',
  },
  vote: {
    single: 'Je stem: **{{choice}}**. Je kunt hem aanpassen tot de poll sluit.',
    multi: 'Je keuzes: **{{choices}}**. Druk nog eens op een optie om hem weg te halen.',
    none: 'Je hebt nu geen optie gekozen in deze poll.',
  },
  linkInvite:
    'Om te stemmen koppel je eerst je chataccount aan je lidmaatschap: typ `/kring link <lidnummer of e-mailadres>` en daarna `/kring verify <code>` met de code uit de e-mail. Druk dan opnieuw op de knop.',
  results: {
    title: 'Uitslag: {{question}}',
    hiddenNote: 'Leden zien deze uitslag pas als de poll gesloten is.',
    open: 'Open',
    closed: 'Gesloten',
  },
  close: {
    done: 'Poll `{{id}}` is gesloten. De einduitslag staat nu overal waar de poll geplaatst is.',
  },
  list: {
    title: 'Laatste polls',
    none: 'Er zijn nog geen polls. Maak er een met `/kring poll create`.',
    line: '`{{id}}` {{question}} · {{status}} · {{votes}}',
  },
  export: {
    title: 'Export van poll {{id}}',
    truncated: 'Dit zijn de eerste {{shown}} van {{total}} regels.',
    anonymousNote: 'Deze poll is anoniem: de export bevat alleen de aantallen.',
    columns: {
      memberNumber: 'lidnummer',
      name: 'naam',
      choices: 'keuzes',
      votedAt: 'gestemd_op',
      option: 'optie',
      votes: 'stemmen',
      percent: 'procent',
      total: 'stemmers',
    },
  },
  errors: {
    notFound: 'Die poll kan ik niet vinden. Typ `/kring poll list` om de polls te zien.',
    ambiguousId: 'Meerdere polls beginnen met `{{id}}`. Typ meer tekens van het nummer.',
    closed: 'Deze poll is gesloten: stemmen kan niet meer.',
    notActive: 'Alleen actieve, geverifieerde leden kunnen stemmen. Vragen? Neem contact op met de ledenadministratie.',
    notInAudience: 'Deze poll is voor een groep leden (een afdeling of rol) waar je niet bij hoort.',
    invalidOption: 'Die optie bestaat niet (meer). Gebruik de knoppen van de poll.',
    maxChoices_one: 'Je kunt hoogstens {{count}} optie kiezen. Druk eerst op een gekozen optie om hem weg te halen.',
    maxChoices_other: 'Je kunt hoogstens {{count}} opties kiezen. Druk eerst op een gekozen optie om hem weg te halen.',
    alreadyClosed: 'Deze poll was al gesloten.',
    deadlinePassed: 'De deadline is al voorbij. Kies een moment in de toekomst.',
  },
};

/** Alles wat polls aan de catalogus toevoegt. */
export const nl: Widen<typeof en> = {
  polls: pollsNl,
  commandGroups: { poll: 'Maak en beheer peilingen (communitymanagers)' },
};
