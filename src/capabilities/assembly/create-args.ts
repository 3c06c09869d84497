import { MAJORITIES, type Majority, type QuorumRule } from './domain/assembly.js';

/** Flags typed after a title: `--name=value` (a value may hold spaces) or `--name`. */
export function splitFlags(input: string): { head: string; flags: Map<string, string> } | { unknownFlag: string } {
  const at = input.search(/(^|\s)--[a-z]/i);
  const head = (at < 0 ? input : input.slice(0, at)).replace(/\s+/g, ' ').trim();
  const flags = new Map<string, string>();
  if (at >= 0) {
    for (const part of input.slice(at).trim().split(/(?:^|\s+)--(?=[a-z])/i).filter((p) => p.trim() !== '')) {
      const m = /^([a-z_-]+)(?:=(.*))?$/is.exec(part.trim());
      if (!m) return { unknownFlag: part.trim().slice(0, 40) };
      flags.set(m[1]!.toLowerCase(), (m[2] ?? '').trim());
    }
  }
  return { head, flags };
}

/** The `/kring assembly create` text: title and settings, dates still as typed. */
export interface AssemblyDefinition {
  title: string;
  at: string;
  early: string | null;
  online: boolean;
  proxies: number;
  quorum: QuorumRule;
}

type Problem = { key: 'assembly.create.usage' | 'assembly.create.unknownFlag' | 'assembly.create.badQuorum' | 'assembly.item.usage'; params?: Record<string, string> };

const CREATE_FLAGS = new Set(['at', 'early', 'online', 'proxies', 'quorum']);

/** Parses `title --at=… [--early=…] [--online] [--proxies=N] [--quorum=1/2|N]`. */
export function parseAssemblyDefinition(input: string): { ok: AssemblyDefinition } | { problem: Problem } {
  const split = splitFlags(input);
  if ('unknownFlag' in split) return { problem: { key: 'assembly.create.unknownFlag', params: { flag: split.unknownFlag } } };
  for (const name of split.flags.keys()) if (!CREATE_FLAGS.has(name)) return { problem: { key: 'assembly.create.unknownFlag', params: { flag: name } } };
  const at = split.flags.get('at');
  if (split.head.length < 3 || !at) return { problem: { key: 'assembly.create.usage' } };
  const proxiesText = split.flags.get('proxies') ?? '1';
  if (!/^\d{1,2}$/.test(proxiesText)) return { problem: { key: 'assembly.create.usage' } };
  const quorum = parseQuorum(split.flags.get('quorum') ?? 'none');
  if (!quorum) return { problem: { key: 'assembly.create.badQuorum' } };
  return { ok: { title: split.head, at, early: split.flags.get('early') ?? null, online: split.flags.has('online'), proxies: Number(proxiesText), quorum } };
}

/** `none`, `25` (members) or `1/2` (of the eligible members). */
export function parseQuorum(text: string): QuorumRule | null {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'geen' || t === '') return { kind: 'none' };
  if (/^\d{1,6}$/.test(t) && Number(t) >= 1) return { kind: 'count', min: Number(t) };
  const f = /^(\d{1,3})\/(\d{1,3})$/.exec(t);
  if (f && Number(f[1]) >= 1 && Number(f[1]) <= Number(f[2]) && Number(f[2]) <= 100) return { kind: 'fraction', numerator: Number(f[1]), denominator: Number(f[2]) };
  return null;
}

/** The `/kring assembly item` text. */
export interface ItemDefinition {
  kind: 'motion' | 'election';
  title: string;
  majority: Majority;
  secret: boolean | undefined;
  candidates: string[];
}

const ITEM_FLAGS = new Set(['majority', 'secret', 'open', 'candidates']);
const KIND_WORDS: Record<string, ItemDefinition['kind']> = { motion: 'motion', voorstel: 'motion', election: 'election', verkiezing: 'election', personen: 'election' };

/** Parses `motion|election title [--majority=…] [--secret|--open] [--candidates=A,B]`. */
export function parseItemDefinition(input: string): { ok: ItemDefinition } | { problem: Problem } {
  const split = splitFlags(input);
  if ('unknownFlag' in split) return { problem: { key: 'assembly.create.unknownFlag', params: { flag: split.unknownFlag } } };
  for (const name of split.flags.keys()) if (!ITEM_FLAGS.has(name)) return { problem: { key: 'assembly.create.unknownFlag', params: { flag: name } } };
  const [word, ...rest] = split.head.split(' ');
  const kind = KIND_WORDS[(word ?? '').toLowerCase()];
  const title = rest.join(' ').trim();
  if (!kind || title.length < 3) return { problem: { key: 'assembly.item.usage' } };
  const majority = (split.flags.get('majority') ?? 'simple').toLowerCase().replace(/-/g, '_');
  if (!(MAJORITIES as readonly string[]).includes(majority)) return { problem: { key: 'assembly.item.usage' } };
  const candidates = (split.flags.get('candidates') ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (kind === 'election' && candidates.length === 0) return { problem: { key: 'assembly.item.usage' } };
  const secret = split.flags.has('secret') ? true : split.flags.has('open') ? false : undefined;
  return { ok: { kind, title, majority: majority as Majority, secret, candidates } };
}
