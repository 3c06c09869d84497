import type { OpenApiDocument } from './openapi.js';

/**
 * A readable, self-contained HTML rendering of the OpenAPI document: no script, no CDN, no external
 * font (Kring often runs where there is no internet, and a docs page must not phone home). Operations
 * grouped by tag, each with its scope, parameters, request and response schemas; schemas are printed as
 * JSON with `$ref`s turned into links to the Schemas section.
 */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Inline markdown of our descriptions: `code` and paragraphs only. */
function text(markdown: string | undefined): string {
  if (!markdown) return '';
  return markdown
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}

/** Pretty JSON with `$ref` values linked to their schema anchor. */
function schemaHtml(schema: Json): string {
  const json = escapeHtml(JSON.stringify(schema, null, 2));
  return `<pre>${json.replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_.-]+)&quot;/g, '&quot;<a href="#schema-$1">#/components/schemas/$1</a>&quot;')}</pre>`;
}

function anchor(method: string, path: string): string {
  return `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function parametersHtml(parameters: Json): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters
    .filter(isObj)
    .map((p) => {
      const schema = isObj(p['schema']) ? p['schema'] : {};
      const description = (p['description'] as string | undefined) ?? (schema['description'] as string | undefined);
      return `<tr><td><code>${escapeHtml(String(p['name']))}</code></td><td>${escapeHtml(String(p['in']))}</td><td>${p['required'] ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify({ ...schema, description: undefined }))}</code></td><td>${text(description)}</td></tr>`;
    })
    .join('');
  return `<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th><th>Description</th></tr>${rows}</table>`;
}

function contentHtml(content: Json): string {
  if (!isObj(content)) return '';
  return Object.entries(content)
    .map(([type, media]) => `<div class="media"><code>${escapeHtml(type)}</code>${isObj(media) && media['schema'] ? schemaHtml(media['schema']) : ''}</div>`)
    .join('');
}

function operationHtml(method: string, path: string, op: Obj): string {
  const security = Array.isArray(op['security']) ? (op['security'] as Obj[]) : [];
  const scopes = security.flatMap((s) => (Array.isArray(s['bearerAuth']) ? (s['bearerAuth'] as string[]) : []));
  const body = isObj(op['requestBody']) ? op['requestBody'] : undefined;
  const responses = isObj(op['responses']) ? op['responses'] : {};
  const responseRows = Object.entries(responses)
    .map(([status, r]) => {
      const resp = isObj(r) ? r : {};
      const isError = Number(status) >= 400;
      return `<details${isError ? '' : ' open'}><summary><b>${escapeHtml(status)}</b> ${escapeHtml(String(resp['description'] ?? ''))}</summary>${isError ? '' : contentHtml(resp['content'])}</details>`;
    })
    .join('');
  return `<section class="op" id="${anchor(method, path)}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(String(op['summary'] ?? ''))}${scopes.length ? ` — scope <code>${scopes.map(escapeHtml).join('</code>, <code>')}</code>` : ' — public'}</p>
${text(op['description'] as string | undefined)}
${parametersHtml(op['parameters'])}
${body ? `<h4>Request body</h4>${contentHtml(body['content'])}` : ''}
<h4>Responses</h4>${responseRows}
</section>`;
}

/** Renders the whole page. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const info = doc.info;
  const paths = (doc.paths ?? {}) as Obj;
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const tag = Array.isArray(op['tags']) ? String(op['tags'][0]) : 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, op)]);
      toc.set(tag, [...(toc.get(tag) ?? []), `<li><a href="#${anchor(method, path)}"><span class="m m-${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`]);
    }
  }
  const webhooks = isObj(doc.webhooks) ? (doc.webhooks as Obj) : {};
  const webhookHtml = Object.entries(webhooks)
    .map(([name, item]) => (isObj(item) && isObj(item['post']) ? operationHtml('post', `webhook: ${name}`, item['post']).replace('<span class="m m-post">POST</span>', '<span class="m m-hook">EVENT</span>') : ''))
    .join('');
  const schemas = isObj(doc.components?.schemas) ? (doc.components?.schemas as Obj) : {};
  const schemaSections = Object.entries(schemas)
    .map(([name, schema]) => `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaHtml(schema)}</section>`)
    .join('');
  const tagDescriptions = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#fafbfc}
main{max-width:1000px;margin:0 auto;padding:1.5rem}
nav{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
nav ul{list-style:none;padding-left:0;margin:.25rem 0}
.op,section[id^=schema-]{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
pre{background:#f3f5f8;padding:.5rem;overflow:auto;font-size:13px;border-radius:4px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border:1px solid #dde3ea;padding:.25rem .5rem;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4em;text-align:center;border-radius:3px;color:#fff;font-size:12px;font-weight:600;padding:0 .3em}
.m-get{background:#2f6fb0}.m-post{background:#2e8b57}.m-put{background:#b07a2f}.m-patch{background:#7a52a8}.m-delete{background:#b03a2f}.m-hook{background:#555}
.summary{font-weight:600}details{margin:.25rem 0}a{color:#2f6fb0}
</style></head><body><main>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
${text(info.description)}
<p>Base URL: <code>${escapeHtml(String(doc.servers?.[0]?.url ?? '/api/v1'))}</code>. Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).
Authenticate with <code>Authorization: Bearer kring_…</code>.</p>
<nav>${[...toc.entries()].map(([tag, items]) => `<b>${escapeHtml(tag)}</b><ul>${items.join('')}</ul>`).join('')}</nav>
${[...byTag.entries()].map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${text(tagDescriptions.get(tag))}${ops.join('')}`).join('')}
${webhookHtml ? `<h2>Outgoing webhooks</h2>${webhookHtml}` : ''}
<h2>Schemas</h2>${schemaSections}
</main></body></html>`;
}
