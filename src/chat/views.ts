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

/** A URL in text: up to white space or a closing bracket (a link target's end). */
const URL_IN_TEXT = /(https?:\/\/[^\s)<>]+)/;

/**
 * Plain-text version of our markdown subset, for notification fallbacks. URLs pass through untouched:
 * sign-in and download tokens in them hold `_` and `-`, and stripping "emphasis" there broke one link in
 * seven (issue 21, item 12).
 */
export function stripMarkdown(text: string): string {
  const linked = text.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
  // split() with a capturing group puts the URLs at the odd indexes.
  return linked
    .split(URL_IN_TEXT)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/\*\*([^*]+)\*\*/g, '$1')
            .replace(/_([^_]+)_/g, '$1')
            .replace(/`([^`]+)`/g, '$1'),
    )
    .join('');
}
