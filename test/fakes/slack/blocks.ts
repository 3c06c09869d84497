/**
 * What the fake Slack does with Block Kit: validate it against Slack's documented limits (so a rendering
 * bug fails the way real Slack fails, with `invalid_blocks`), and read it back as plain text and action ids
 * for assertions. https://docs.slack.dev/reference/block-kit/blocks
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined => (isObj(v) && typeof v.text === 'string' ? v.text : undefined);

function checkText(v: unknown, where: string, max: number, plainOnly = false): string | undefined {
  if (!isObj(v) || typeof v.text !== 'string') return `${where}: text object required`;
  if (v.type !== 'plain_text' && (plainOnly || v.type !== 'mrkdwn')) return `${where}: bad text type ${String(v.type)}`;
  if (v.text.length === 0) return `${where}: text must not be empty`;
  if (v.text.length > max) return `${where}: text longer than ${max} (${v.text.length})`;
  return undefined;
}

function checkElement(el: unknown, where: string): string | undefined {
  if (!isObj(el)) return `${where}: element must be an object`;
  if (typeof el.action_id === 'string' && el.action_id.length > 255) return `${where}: action_id longer than 255`;
  if (el.type === 'button') {
    const t = checkText(el.text, `${where}.text`, 75, true);
    if (t) return t;
    if (typeof el.value === 'string' && el.value.length > 2000) return `${where}: value longer than 2000`;
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') return `${where}: bad style`;
    return undefined;
  }
  if (el.type === 'static_select') {
    const p = checkText(el.placeholder, `${where}.placeholder`, 150, true);
    if (p) return p;
    if (!Array.isArray(el.options) || el.options.length === 0 || el.options.length > 100) return `${where}: 1-100 options`;
    for (const [i, o] of el.options.entries()) {
      const t = checkText(isObj(o) ? o.text : undefined, `${where}.options[${i}]`, 75, true);
      if (t) return t;
      if (!isObj(o) || typeof o.value !== 'string' || o.value.length > 150) return `${where}.options[${i}]: value 1-150 chars`;
    }
    return undefined;
  }
  return `${where}: element type ${String(el.type)} not supported by the fake`;
}

/** Slack's verdict on a `blocks` argument: undefined when valid, else a reason (reported as `invalid_blocks`). */
export function validateBlocks(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return `no more than 50 blocks (${blocks.length})`;
  for (const [i, b] of blocks.entries()) {
    const where = `blocks[${i}]`;
    if (!isObj(b)) return `${where}: must be an object`;
    switch (b.type) {
      case 'header': {
        const t = checkText(b.text, where, 150, true);
        if (t) return t;
        break;
      }
      case 'section': {
        if (b.text === undefined && b.fields === undefined) return `${where}: text or fields required`;
        if (b.text !== undefined) {
          const t = checkText(b.text, where, 3000);
          if (t) return t;
        }
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) return `${where}: 1-10 fields`;
          for (const [j, f] of b.fields.entries()) {
            const t = checkText(f, `${where}.fields[${j}]`, 2000);
            if (t) return t;
          }
        }
        if (b.accessory !== undefined) {
          const a = checkElement(b.accessory, `${where}.accessory`);
          if (a) return a;
        }
        break;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) return `${where}: 1-25 elements`;
        const ids = new Set<string>();
        for (const [j, el] of b.elements.entries()) {
          const e = checkElement(el, `${where}.elements[${j}]`);
          if (e) return e;
          const id = isObj(el) && typeof el.action_id === 'string' ? el.action_id : undefined;
          if (id !== undefined) {
            if (ids.has(id)) return `${where}: duplicate action_id ${id}`;
            ids.add(id);
          }
        }
        break;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return `${where}: 1-10 elements`;
        for (const [j, el] of b.elements.entries()) {
          const t = checkText(el, `${where}.elements[${j}]`, 3000);
          if (t) return t;
        }
        break;
      }
      case 'divider':
        break;
      default:
        return `${where}: block type ${String(b.type)} not supported by the fake`;
    }
  }
  return undefined;
}

/** All human-visible text of a message: every block's texts, or the top-level text when there are no blocks. */
export function visibleText(text: string, blocks: readonly unknown[]): string {
  if (blocks.length === 0) return text;
  const parts: string[] = [];
  const element = (el: unknown): void => {
    if (!isObj(el)) return;
    const t = textOf(el.text) ?? (typeof el.text === 'string' ? el.text : undefined);
    if (t !== undefined) parts.push(t);
    const p = textOf(el.placeholder);
    if (p !== undefined) parts.push(p);
    if (Array.isArray(el.options)) for (const o of el.options) if (isObj(o)) parts.push(textOf(o.text) ?? '');
  };
  for (const b of blocks) {
    if (!isObj(b)) continue;
    const t = textOf(b.text);
    if (t !== undefined) parts.push(t);
    if (Array.isArray(b.fields)) for (const f of b.fields) parts.push(textOf(f) ?? '');
    if (Array.isArray(b.elements)) b.elements.forEach(element);
    if (b.accessory !== undefined) element(b.accessory);
  }
  return parts.filter((p) => p !== '').join('\n');
}

/** action_id of every interactive element. */
export function actionIds(blocks: readonly unknown[]): string[] {
  const ids: string[] = [];
  const add = (el: unknown): void => {
    if (isObj(el) && typeof el.action_id === 'string') ids.push(el.action_id);
  };
  for (const b of blocks) {
    if (!isObj(b)) continue;
    if (b.type === 'actions' && Array.isArray(b.elements)) b.elements.forEach(add);
    if (b.accessory !== undefined) add(b.accessory);
  }
  return ids;
}
