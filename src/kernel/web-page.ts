import { toLocale, type Locale } from './types.js';

/**
 * Small helpers for the HTML pages capabilities serve on Kring's HTTP server (the insights dashboard, the
 * moderators' case desk). Plain functions over header strings, so they carry no web framework into the
 * kernel.
 */

/**
 * Headers every page Kring serves to a browser sends: only its own scripts and styles, no framing, no
 * referrer (sign-in and download URLs carry tokens and must never be passed on).
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** The value of cookie `name` in a `Cookie` request header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      // A malformed escape is somebody else's cookie value, not ours.
      return undefined;
    }
  }
  return undefined;
}

/** The language of a page for someone not signed in: the first `Accept-Language` entry Kring speaks, else Dutch. */
export function acceptLanguageLocale(header: string | undefined): Locale {
  return toLocale(header?.split(',')[0]) ?? 'nl';
}

/** Text made safe for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
