import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kringTranslator } from '../../capabilities.js';
import { mountSitePages } from './pages.js';

describe(mountSitePages.name, () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const app = express();
    mountSitePages(app, kringTranslator());
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('serves every page the Teams app manifest links to', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../adapters/teams/app-package/manifest.json', import.meta.url), 'utf8')) as {
      developer: Record<string, string>;
    };
    const urls = ['websiteUrl', 'privacyUrl', 'termsOfUseUrl'].map((k) => manifest.developer[k]!.replace('{{KRING_PUBLIC_URL}}', baseUrl));

    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('says on /privacy what Kring stores and never stores, in the language the browser asks for', async () => {
    const nl = await fetch(`${baseUrl}/privacy`, { headers: { 'Accept-Language': 'nl-NL,nl;q=0.9,en;q=0.5' } });
    const en = await fetch(`${baseUrl}/privacy`, { headers: { 'Accept-Language': 'de-DE, en-GB;q=0.8, nl;q=0.2' } });

    const nlHtml = await nl.text();
    expect(nl.headers.get('content-language')).toBe('nl');
    expect(nlHtml).toContain('<html lang="nl">');
    expect(nlHtml).toContain('Wat Kring nooit bewaart');
    expect(nlHtml).toContain('<code>/kring mydata</code>');
    const enHtml = await en.text();
    expect(en.headers.get('content-language')).toBe('en');
    expect(enHtml).toContain('What Kring never stores');
    expect(enHtml).toContain('The text of your messages');
  });

  it('answers in Dutch when the browser asks for no language Kring speaks', async () => {
    const res = await fetch(`${baseUrl}/terms`, { headers: { 'Accept-Language': 'fr' } });

    expect(await res.text()).toContain('Gebruiksvoorwaarden');
  });

  it('sends a restrictive content security policy and no scripts', async () => {
    const res = await fetch(`${baseUrl}/`);

    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).not.toContain('<script');
  });
});
