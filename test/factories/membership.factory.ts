import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/kernel/clock.js';
import type { Mailer, MailMessage } from '../../src/kernel/ports/mailer.js';
import type { MemberUpsert, PlatformAccount } from '../../src/kernel/ports/directory.js';

/** Test data builders for the membership core. Defaults are valid; override what a test is about. */

/** One member as an import would upsert it. */
export function memberUpsert(overrides: Partial<MemberUpsert> = {}): MemberUpsert {
  const memberNumber = overrides.memberNumber ?? `M${randomUUID().slice(0, 8)}`;
  return {
    memberNumber,
    name: `Lid ${memberNumber}`,
    email: `lid-${memberNumber.toLowerCase()}@example.org`,
    status: 'active',
    roles: ['member'],
    chapterId: null,
    locale: null,
    ...overrides,
  };
}

/** `count` members numbered `M00001`, `M00002`, ... (zero-padded, so text order is number order). */
export function memberUpserts(count: number, overrides: Partial<MemberUpsert> = {}): MemberUpsert[] {
  return Array.from({ length: count }, (_, i) => memberUpsert({ memberNumber: `M${String(i + 1).padStart(5, '0')}`, ...overrides }));
}

/** A fresh chat account (random ids, so tests sharing a database never collide). */
export function platformAccount(overrides: Partial<PlatformAccount> = {}): PlatformAccount {
  return { platform: 'discord', workspaceId: `G${randomUUID().slice(0, 12)}`, platformUserId: `U${randomUUID().slice(0, 12)}`, ...overrides };
}

/** A clock that stands still until the test moves it. */
export class FixedClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-11-25T10:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
}

/** A mailer that keeps what it was given; can be told to fail. */
export class OutboxMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  failNext = false;

  async send(message: MailMessage): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SMTP 421 service not available');
    }
    this.sent.push(message);
  }

  /** The 6-digit code in the newest message. */
  lastCode(): string {
    const text = this.sent[this.sent.length - 1]?.text ?? '';
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    if (!code) throw new Error('no code in the last e-mail');
    return code;
  }
}

export interface CsvMemberRow {
  lidnummer: string;
  naam: string;
  email?: string;
  afdeling?: string;
  status?: string;
  rollen?: string;
}

/**
 * A member export as Dutch Excel writes it: `;`-separated, Dutch headers, values quoted when needed.
 */
export function membersCsv(rows: readonly CsvMemberRow[], options: { delimiter?: string; bom?: boolean; eol?: string } = {}): string {
  const d = options.delimiter ?? ';';
  const eol = options.eol ?? '\r\n';
  const quote = (v: string): string => (/["\r\n]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['Lidnummer', 'Naam', 'E-mail', 'Afdeling', 'Status', 'Rollen'].join(d)];
  for (const r of rows) {
    lines.push([r.lidnummer, r.naam, r.email ?? '', r.afdeling ?? '', r.status ?? '', r.rollen ?? ''].map(quote).join(d));
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

const FIRST = ['Anne', 'Bram', 'Chantal', 'Daan', 'Emma', 'Fleur', 'Gijs', 'Hanna', 'Ilse', 'Joris', 'Kim', 'Lotte', 'Mohamed', 'Noor', 'Olaf', 'Priya'];
const LAST = ['de Vries', 'Jansen', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'El Amrani', 'Peeters', 'Claes'];
const CHAPTERS = ['Utrecht', 'Amsterdam', 'Rotterdam', 'Groningen', 'Antwerpen', 'Gent', 'Eindhoven', 'Zwolle'];

/**
 * A realistic export of `count` members (numbers 100001...), deterministic: every 50th has lapsed, every
 * 200th is on the board, every 7th has the family e-mail of the one before.
 */
export function* generatedMemberRows(count: number, variant = 0): Generator<CsvMemberRow> {
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    yield {
      lidnummer: String(100001 + i),
      naam: `${first} ${last}`,
      email: `${first}.${last.replace(/ /g, '')}.${i % 7 === 6 ? i - 1 : i}@example.org`.toLowerCase(),
      afdeling: CHAPTERS[i % CHAPTERS.length]!,
      status: i % 50 === 49 ? 'verlopen' : 'actief',
      rollen: i % 200 === 0 ? 'lid, bestuur' : variant > 0 && i % 10 === 0 ? 'lid, ambassadeur' : 'lid',
    };
  }
}
