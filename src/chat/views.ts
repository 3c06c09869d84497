import type { Reply, View, ViewBlock } from '../kernel/ports/chat-platform.js';

/** A private reply with one text block (the most common answer). */
export function privateText(text: string, extra: ViewBlock[] = []): Reply {
  return { visibility: 'private', view: { fallback: stripMarkdown(text), blocks: [{ type: 'text', text }, ...extra] } };
}

/** A reply with a heading and blocks. */
export function reply(visibility: Reply['visibility'], heading: string, blocks: ViewBlock[], replaceOriginal = false): Reply {
  const view: View = { fallback: heading, blocks: [{ type: 'heading', text: heading }, ...blocks] };
  return replaceOriginal ? { visibility, view, replaceOriginal } : { visibility, view };
}

/** Plain-text version of our markdown subset, for notification fallbacks. */
export function stripMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/_([^_]+)_/g, '$1')
    .replace(/`([^`]+)`/g, '$1');
}
