import type Chardet from 'chardet';
import type Iconv from 'iconv-lite';
import { MembershipError } from './membership.errors.js';

/**
 * Turns the bytes of a member export into text, streaming, without ever guessing silently.
 *
 * - A byte order mark decides: UTF-8, UTF-16 LE or UTF-16 BE (it wins over `--encoding`: it is certain).
 * - A named encoding (`--encoding`) is used as it is; UTF-8 is decoded strictly, so bytes that are not UTF-8
 *   stop the import instead of becoming U+FFFD.
 * - Otherwise (`auto`) the first stretch of the file that holds a byte outside ASCII is analysed: valid UTF-8
 *   is UTF-8; else chardet must rank a Western single-byte encoding (ISO-8859-1 / Windows-1252, as Excel on
 *   Windows writes) first, and the sample must decode in Windows-1252 without undefined bytes or control
 *   characters. Anything else stops with `MEMBERSHIP.CSV_ENCODING_UNKNOWN`, naming `--encoding`.
 *   Text before that stretch is plain ASCII, which reads the same in every encoding Kring accepts, so it
 *   is passed on at once (bounded memory for any file size).
 */

/** The encodings a member export may be in. */
export const CSV_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;

/** A member export's byte encoding. */
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** What the reader is told: an encoding, or `auto` (detect it). */
export type CsvEncodingOption = CsvEncoding | 'auto';

/** How the encoding was settled: a byte order mark, the caller, detection, or the file was plain ASCII. */
export type CsvEncodingSource = 'bom' | 'given' | 'detected' | 'ascii';

/** The encoding the reader settled on, and how. */
export interface CsvEncodingDecision {
  encoding: CsvEncoding;
  source: CsvEncodingSource;
}

/** Bytes analysed to decide an encoding (from the first byte outside ASCII). */
const SAMPLE_BYTES = 64 * 1024;

/** chardet's names for the encodings read as Windows-1252 (a superset of ISO-8859-1's printable characters). */
const WESTERN = new Set(['ISO-8859-1', 'windows-1252', 'ISO-8859-15']);

/** Bytes Windows-1252 leaves undefined: a file holding them is not Windows-1252. */
const UNDEFINED_IN_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** The advice every encoding error ends with. */
const ENCODING_ADVICE =
  'Save the file as "CSV UTF-8" (Excel: Save as > CSV UTF-8), or name its encoding with --encoding ' +
  `(${CSV_ENCODINGS.join(', ')}; Excel on Windows writes windows-1252).`;

/** The detector and the single-byte decoder: loaded by the first import of a file, not at start-up (idle RSS). */
interface Codecs {
  chardet: typeof Chardet;
  iconv: typeof Iconv;
}
let codecsLoading: Promise<Codecs> | undefined;
function loadCodecs(): Promise<Codecs> {
  return (codecsLoading ??= Promise.all([import('chardet'), import('iconv-lite')]).then(([c, i]) => ({ chardet: c.default, iconv: i.default })));
}

/** Turns byte chunks into text in one encoding; throws a {@link MembershipError} on bytes it cannot read. */
interface TextDecoding {
  write(bytes: Uint8Array): string;
  end(): string;
}

function decoderFor(encoding: CsvEncoding, lineAt: () => number, source: CsvEncodingSource, { iconv }: Codecs): TextDecoding {
  if (encoding === 'utf-8') {
    // Strict: the standard decoder throws on a byte sequence that is not UTF-8 instead of writing U+FFFD.
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    const fail = (cause: unknown, bytes?: Uint8Array): never => {
      const line = lineAt() + (bytes ? lineFeeds(bytes.subarray(0, validUtf8Prefix(bytes))) : 0);
      const how = source === 'given' ? 'as asked with --encoding' : 'as the start of the file is';
      throw new MembershipError(
        'MEMBERSHIP.CSV_ENCODING_INVALID',
        `Line ${line} is not valid UTF-8 (the file was read as UTF-8, ${how}); the import stopped there, and no damaged text was stored. ${ENCODING_ADVICE}`,
        { params: { line, encoding: encoding }, cause },
      );
    };
    return {
      write: (bytes) => {
        try {
          return decoder.decode(bytes, { stream: true });
        } catch (cause) {
          return fail(cause, bytes);
        }
      },
      end: () => {
        try {
          return decoder.decode();
        } catch (cause) {
          return fail(cause);
        }
      },
    };
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return {
    write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    end: () => decoder.end() ?? '',
  };
}

/** How many bytes at the start of `bytes` are UTF-8 (binary search: a longer prefix of a bad one stays bad). */
function validUtf8Prefix(bytes: Uint8Array): number {
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (isUtf8(bytes.subarray(0, mid))) good = mid;
    else bad = mid;
  }
  return good;
}

/** Line feeds among `bytes` (0x0A is a line feed in every accepted encoding but UTF-16, which never fails). */
function lineFeeds(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

/** The encoding a byte order mark at the start of `bytes` announces. */
function byteOrderMark(bytes: Uint8Array): CsvEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Index of the first byte that is not printable ASCII text (outside 0x01–0x7F), or -1. */
function firstNonAscii(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b >= 0x80) return i;
  }
  return -1;
}

/** True when `sample` is UTF-8 (an incomplete character at its very end is allowed: the sample is cut). */
function isUtf8(sample: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides the encoding of a sample that holds bytes outside ASCII, or undefined when it cannot tell with
 * confidence (see the module comment for the rule).
 */
function detectCsvEncoding(sample: Uint8Array, { chardet }: Codecs): CsvEncoding | undefined {
  if (firstNonAscii(sample) === -1) return 'utf-8';
  if (sample.includes(0)) return undefined; // UTF-16 without a byte order mark, or not text at all
  if (isUtf8(sample)) return 'utf-8';
  const best = chardet.analyse(sample)[0];
  if (!best || !WESTERN.has(best.name)) return undefined;
  for (const b of sample) {
    if (UNDEFINED_IN_1252.has(b)) return undefined;
    // Control characters other than tab, line feed and carriage return do not occur in a text export.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
  }
  return 'windows-1252';
}

/**
 * Decodes a member export's chunks to text (see the module comment). String chunks are taken as text
 * already (a leading BOM is dropped). `onDecision` hears the encoding once it is settled.
 * Throws a {@link MembershipError} `MEMBERSHIP.CSV_ENCODING_UNKNOWN` or `MEMBERSHIP.CSV_ENCODING_INVALID`.
 */
export async function* decodeCsvText(
  source: AsyncIterable<string | Uint8Array>,
  option: CsvEncodingOption = 'auto',
  onDecision?: (decision: CsvEncodingDecision) => void,
): AsyncGenerator<string> {
  /** Line feeds passed on so far: where a decoding problem sits. */
  let lines = 0;
  const counted = (text: string): string => {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    return text;
  };
  const lineAt = (): number => lines + 1;
  const codecs = await loadCodecs();

  let decoding: TextDecoding | undefined;
  const decide = (encoding: CsvEncoding, how: CsvEncodingSource): TextDecoding => {
    decoding = decoderFor(encoding, lineAt, how, codecs);
    onDecision?.({ encoding, source: how });
    return decoding;
  };
  /** Bytes held back while the encoding is open: the file's first bytes (a BOM?), or a sample outside ASCII. */
  let held: Uint8Array[] = [];
  let heldLength = 0;
  /** Offset in the held bytes of the first byte outside ASCII; -1 while they are all ASCII. */
  let outsideAt = -1;
  /** False until the first bytes were checked for a byte order mark. */
  let startChecked = false;
  let firstText = true;

  const hold = (chunk: Uint8Array): void => {
    if (outsideAt === -1) {
      const at = firstNonAscii(chunk);
      if (at !== -1) outsideAt = heldLength + at;
    }
    held.push(chunk);
    heldLength += chunk.length;
  };
  const takeHeld = (): Buffer => {
    const bytes = Buffer.concat(held);
    held = [];
    heldLength = 0;
    outsideAt = -1;
    return bytes;
  };
  /** Settles what it can from the held bytes; returns the text they make (possibly empty). */
  const settle = (final: boolean): string => {
    if (!startChecked) {
      if (heldLength < 3 && !final) return '';
      startChecked = true;
      const bom = byteOrderMark(Buffer.concat(held));
      if (bom || option !== 'auto') {
        const bytes = takeHeld();
        const decoder = bom ? decide(bom, 'bom') : decide(option as CsvEncoding, 'given');
        return counted(decoder.write(bom === 'utf-8' ? bytes.subarray(3) : bytes));
      }
    }
    if (outsideAt === -1) {
      // Plain ASCII so far: the same text in every accepted encoding; keep looking further on.
      return counted(takeHeld().toString('latin1'));
    }
    if (heldLength - outsideAt < SAMPLE_BYTES && !final) return '';
    const at = outsideAt;
    const bytes = takeHeld();
    const ascii = counted(bytes.subarray(0, at).toString('latin1'));
    const encoding = detectCsvEncoding(bytes.subarray(at), codecs);
    if (!encoding) {
      const line = lineAt();
      throw new MembershipError(
        'MEMBERSHIP.CSV_ENCODING_UNKNOWN',
        `Kring cannot tell with confidence which character encoding this file uses: from line ${line} on it is not UTF-8, ` +
          `and it does not clearly look like Windows-1252 either. The import stopped at line ${line}; the lines before it ` +
          `hold no accented letters, so nothing damaged was stored. ${ENCODING_ADVICE}`,
        { params: { line } },
      );
    }
    return ascii + counted(decide(encoding, 'detected').write(bytes.subarray(at)));
  };

  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      let text = chunk;
      if (firstText && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > 0) {
        firstText = false;
        yield counted(text);
      }
      continue;
    }
    if (chunk.length === 0) continue;
    firstText = false;
    if (decoding) {
      const text = decoding.write(chunk);
      if (text.length > 0) yield counted(text);
      continue;
    }
    hold(chunk);
    const text = settle(false);
    if (text.length > 0) yield text;
  }
  if (!decoding) {
    const text = settle(true);
    if (text.length > 0) yield text;
  }
  const rest = (decoding ?? decide('utf-8', 'ascii')).end();
  if (rest.length > 0) yield counted(rest);
}
