import { stripMarkdown } from '../../chat/views.js';
import type { View } from '../../kernel/ports/chat-platform.js';

/**
 * A digest View as plain text, for the terminal (`kring insights digest`) and the admin API's preview:
 * headings and texts without markdown markers, fields as `label: value`, bars as `label  count (percent%)`.
 * Buttons and selects have no meaning outside chat and are left out.
 */
export function digestText(view: View): string {
  const lines: string[] = [];
  for (const block of view.blocks) {
    switch (block.type) {
      case 'heading':
        lines.push(stripMarkdown(block.text), '');
        break;
      case 'text':
      case 'context':
        lines.push(stripMarkdown(block.text), '');
        break;
      case 'fields':
        lines.push(...block.fields.map((f) => `${stripMarkdown(f.label)}: ${stripMarkdown(f.value)}`), '');
        break;
      case 'bars': {
        const width = Math.max(0, ...block.bars.map((b) => b.label.length));
        lines.push(...block.bars.map((b) => `  ${b.label.padEnd(width)}  ${b.count} (${b.percent}%)`), '');
        break;
      }
      case 'divider':
        lines.push('—', '');
        break;
      case 'buttons':
      case 'select':
        break;
    }
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
