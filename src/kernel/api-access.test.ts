import { describe, expect, it } from 'vitest';
import { hasScope, parseScopeList } from './api-access.js';

describe('API scopes', () => {
  it('grants a route when the token holds its exact scope', () => {
    expect(hasScope(['members:read'], 'members:read')).toBe(true);
    expect(hasScope(['news:write'], 'members:read')).toBe(false);
  });

  it('lets a write scope read the same resource, never the other way round', () => {
    expect(hasScope(['members:write'], 'members:read')).toBe(true);
    expect(hasScope(['members:read'], 'members:write')).toBe(false);
    expect(hasScope(['chapters:write'], 'members:read')).toBe(false);
  });

  it('parses a command-line scope list against the known scopes, dropping duplicates and naming unknown words', () => {
    const known = ['members:read', 'members:write', 'news:write', 'polls:read'] as const;
    expect(parseScopeList('news:write, members:write,members:write', known)).toEqual({ scopes: ['members:write', 'news:write'], unknown: [] });
    expect(parseScopeList('members:admin polls:read', known)).toEqual({ scopes: ['polls:read'], unknown: ['members:admin'] });
  });
});
