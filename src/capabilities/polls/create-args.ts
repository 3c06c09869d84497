import type { TextKey } from '../../kernel/i18n.js';
import { POLL_LIMITS } from './domain/poll.js';

/** The text form of `/kring poll create`, taken apart (nothing resolved or checked against data yet). */
export interface PollDefinitionText {
  question: string;
  options: string[];
  multi: boolean;
  /** `--multi=N`; null for `--multi` alone or single choice. */
  maxChoices: number | null;
  anonymous: boolean;
  /** `--hidden`: results only after closing. */
  hidden: boolean;
  /** The deadline as typed; parsed later in the organisation's time zone. */
  deadline: string | null;
  chapters: string[];
  roles: string[];
  /** Also post in every connected general/news (or the audience's chapter) channel. */
  everywhere: boolean;
}

/** A parse failure: the catalogue key of the explanation and its parameters. */
export interface DefinitionProblem {
  key: TextKey;
  params?: Record<string, string | number>;
}

const FLAGS = ['multi', 'anonymous', 'hidden', 'deadline', 'chapter', 'role', 'everywhere'] as const;

/*
 * A setting: `--name`, `--name=value`, `--name="two words"`. Chat clients turn `--` into a dash and quotes
 * into curly quotes (macOS, iOS, Teams), so those are accepted too.
 */
const FLAG = /(^|\s)(?:--|—|–)([a-z][a-z-]*)(?:=(?:"([^"]*)"|“([^”]*)”|„([^“”]*)[“”]|(\S+)))?(?=\s|$)/gi;

/**
 * Parses `Question? | Option 1 | Option 2 [| ...] [--multi[=N]] [--anonymous] [--hidden]
 * [--deadline=2026-12-01T18:00] [--chapter=<name>] [--role=<role>] [--everywhere]`. Settings may stand
 * anywhere; `--chapter` and `--role` may repeat or list several names separated by commas.
 */
export function parsePollDefinition(text: string): { ok: PollDefinitionText } | { problem: DefinitionProblem } {
  const out: PollDefinitionText = {
    question: '',
    options: [],
    multi: false,
    maxChoices: null,
    anonymous: false,
    hidden: false,
    deadline: null,
    chapters: [],
    roles: [],
    everywhere: false,
  };
  let problem: DefinitionProblem | undefined;
  const body = text.replace(FLAG, (_all, lead: string, rawName: string, q1?: string, q2?: string, q3?: string, bare?: string) => {
    const name = rawName.toLowerCase();
    const value = q1 ?? q2 ?? q3 ?? bare;
    if (problem) return lead;
    if (!(FLAGS as readonly string[]).includes(name)) {
      problem = { key: 'polls.create.unknownFlag', params: { flag: name } };
      return lead;
    }
    switch (name as (typeof FLAGS)[number]) {
      case 'multi':
        out.multi = true;
        if (value !== undefined) {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > POLL_LIMITS.maxOptions) problem = { key: 'polls.create.badMulti' };
          else out.maxChoices = n;
        }
        break;
      case 'anonymous':
        out.anonymous = true;
        break;
      case 'hidden':
        out.hidden = true;
        break;
      case 'everywhere':
        out.everywhere = true;
        break;
      case 'deadline':
        out.deadline = value?.trim() || null;
        if (!out.deadline) problem = { key: 'polls.create.badDeadline', params: { value: '' } };
        break;
      case 'chapter':
        out.chapters.push(...splitList(value));
        break;
      case 'role':
        out.roles.push(...splitList(value));
        break;
    }
    return lead;
  });
  if (problem) return { problem };

  const parts = body.split('|').map((p) => p.trim().replace(/\s+/g, ' '));
  out.question = parts[0] ?? '';
  out.options = parts.slice(1).filter((p) => p !== '');
  if (out.question === '' || out.options.length === 0) return { problem: { key: 'polls.create.usage' } };
  if (out.options.length < POLL_LIMITS.minOptions) {
    return { problem: { key: 'polls.create.tooFewOptions', params: { min: POLL_LIMITS.minOptions } } };
  }
  if (out.options.length > POLL_LIMITS.maxOptions) {
    return { problem: { key: 'polls.create.tooManyOptions', params: { max: POLL_LIMITS.maxOptions } } };
  }
  if (out.question.length > POLL_LIMITS.questionLength || out.options.some((o) => o.length > POLL_LIMITS.optionLength)) {
    return { problem: { key: 'polls.create.tooLong', params: { question: POLL_LIMITS.questionLength, option: POLL_LIMITS.optionLength } } };
  }
  const seen = new Set<string>();
  for (const option of out.options) {
    if (seen.has(option.toLowerCase())) return { problem: { key: 'polls.create.duplicateOption', params: { option } } };
    seen.add(option.toLowerCase());
  }
  if (out.maxChoices !== null && out.maxChoices > out.options.length) return { problem: { key: 'polls.create.badMulti' } };
  if (out.chapters.length > 0 && out.roles.length > 0) return { problem: { key: 'polls.create.chapterAndRole' } };
  return { ok: out };
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
