/**
 * Discord's checks on message bodies, as the fake applies them: a body the real API would reject with
 * 400 "Invalid Form Body" (code 50035) is rejected here too, so rendering bugs surface in tests.
 *
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */

export interface FormError {
  path: string;
  code: string;
  message: string;
}

/** Discord's nested `errors` object: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export function toDiscordErrors(errors: FormError[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const error of errors) {
    let node = root;
    for (const key of error.path.split('.')) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    ((node._errors ??= []) as unknown[]).push({ code: error.code, message: error.message });
  }
  return root;
}

const tooLong = (path: string, max: number): FormError => ({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
const required = (path: string): FormError => ({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Checks content, embeds and components of a create/edit body. */
export function validateMessageBody(body: Record<string, unknown>): FormError[] {
  const errors: FormError[] = [];
  const content = str(body.content);
  if (content !== undefined && content.length > 2000) errors.push(tooLong('content', 2000));

  const nonce = body.nonce;
  if (nonce !== undefined && !(typeof nonce === 'number' || (typeof nonce === 'string' && nonce.length <= 25))) {
    errors.push({ path: 'nonce', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 25 in length.' });
  }
  if (body.enforce_nonce === true && nonce === undefined) errors.push(required('nonce'));

  if (body.embeds !== undefined) {
    if (!Array.isArray(body.embeds)) errors.push({ path: 'embeds', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
    else {
      if (body.embeds.length > 10) errors.push(tooLong('embeds', 10));
      let total = 0;
      body.embeds.forEach((raw: unknown, i) => {
        const embed = (raw ?? {}) as Record<string, unknown>;
        const at = `embeds.${i}`;
        const title = str(embed.title) ?? '';
        const description = str(embed.description) ?? '';
        const footer = str((embed.footer as Record<string, unknown> | undefined)?.text) ?? '';
        if (title.length > 256) errors.push(tooLong(`${at}.title`, 256));
        if (description.length > 4096) errors.push(tooLong(`${at}.description`, 4096));
        if (footer.length > 2048) errors.push(tooLong(`${at}.footer.text`, 2048));
        total += title.length + description.length + footer.length;
        const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
        if (fields.length > 25) errors.push(tooLong(`${at}.fields`, 25));
        fields.forEach((field, j) => {
          const name = str(field.name);
          const value = str(field.value);
          if (!name) errors.push(required(`${at}.fields.${j}.name`));
          else if (name.length > 256) errors.push(tooLong(`${at}.fields.${j}.name`, 256));
          if (!value) errors.push(required(`${at}.fields.${j}.value`));
          else if (value.length > 1024) errors.push(tooLong(`${at}.fields.${j}.value`, 1024));
          total += (name?.length ?? 0) + (value?.length ?? 0);
        });
      });
      if (total > 6000) errors.push({ path: 'embeds', code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
    }
  }

  if (body.components !== undefined) errors.push(...validateComponents(body.components));
  return errors;
}

function validateComponents(components: unknown): FormError[] {
  const errors: FormError[] = [];
  if (!Array.isArray(components)) return [{ path: 'components', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  if (components.length > 5) errors.push(tooLong('components', 5));
  const ids = new Set<string>();
  components.forEach((rawRow: unknown, i) => {
    const row = (rawRow ?? {}) as Record<string, unknown>;
    const at = `components.${i}`;
    if (row.type !== 1) {
      errors.push({ path: `${at}.type`, code: 'UNION_TYPE_CHOICES', message: 'Value of field "type" must be one of (1,).' });
      return;
    }
    const children = Array.isArray(row.components) ? (row.components as Record<string, unknown>[]) : [];
    if (children.length === 0) errors.push({ path: `${at}.components`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
    if (children.length > 5) errors.push(tooLong(`${at}.components`, 5));
    const hasSelect = children.some((c) => c.type !== 2);
    if (hasSelect && children.length > 1) {
      errors.push({ path: `${at}.components`, code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
    }
    children.forEach((child, j) => {
      const cat = `${at}.components.${j}`;
      const customId = str(child.custom_id);
      if (child.type === 2 && child.style === 5) {
        if (!str(child.url)) errors.push(required(`${cat}.url`));
      } else if (!customId) {
        errors.push(required(`${cat}.custom_id`));
      } else if (customId.length > 100) {
        errors.push(tooLong(`${cat}.custom_id`, 100));
      } else if (ids.has(customId)) {
        errors.push({ path: `${cat}.custom_id`, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      }
      if (customId) ids.add(customId);
      if (child.type === 2) {
        const label = str(child.label);
        if (label !== undefined && label.length > 80) errors.push(tooLong(`${cat}.label`, 80));
        if (![1, 2, 3, 4, 5].includes(Number(child.style))) errors.push({ path: `${cat}.style`, code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2, 3, 4, 5, 6).' });
      } else if (child.type === 3) {
        const options = Array.isArray(child.options) ? (child.options as Record<string, unknown>[]) : [];
        if (options.length < 1 || options.length > 25) errors.push({ path: `${cat}.options`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 25 in length.' });
        const placeholder = str(child.placeholder);
        if (placeholder !== undefined && placeholder.length > 150) errors.push(tooLong(`${cat}.placeholder`, 150));
        options.forEach((option, k) => {
          const label = str(option.label);
          const value = str(option.value);
          if (!label) errors.push(required(`${cat}.options.${k}.label`));
          else if (label.length > 100) errors.push(tooLong(`${cat}.options.${k}.label`, 100));
          if (!value) errors.push(required(`${cat}.options.${k}.value`));
          else if (value.length > 100) errors.push(tooLong(`${cat}.options.${k}.value`, 100));
        });
      } else {
        errors.push({ path: `${cat}.type`, code: 'UNION_TYPE_CHOICES', message: 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).' });
      }
    });
  });
  return errors;
}

/** Checks one application command of a bulk overwrite (names, descriptions, nesting, option order). */
export function validateCommand(command: Record<string, unknown>, at: string): FormError[] {
  const errors: FormError[] = [];
  const SLASH_NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
  // USER and MESSAGE commands (context menus) may have capitals and spaces, 1-32 characters.
  const MENU_NAME = /^[-_ \p{L}\p{N}]{1,32}$/u;
  const menu = Number(command.type ?? 1) !== 1;
  const checkNamed = (node: Record<string, unknown>, path: string, requireDescription: boolean): void => {
    const NAME = menu && node === command ? MENU_NAME : SLASH_NAME;
    const name = str(node.name);
    if (!name || !NAME.test(name)) errors.push({ path: `${path}.name`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    const localized = node.name_localizations as Record<string, string> | undefined;
    for (const [locale, value] of Object.entries(localized ?? {})) {
      if (!NAME.test(value)) errors.push({ path: `${path}.name_localizations.${locale}`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' });
    }
    const description = str(node.description);
    if (requireDescription && (!description || description.length > 100)) {
      errors.push({ path: `${path}.description`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    for (const [locale, value] of Object.entries((node.description_localizations as Record<string, string> | undefined) ?? {})) {
      if (value.length < 1 || value.length > 100) errors.push({ path: `${path}.description_localizations.${locale}`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
  };
  const checkOptions = (options: unknown, path: string, depth: number): void => {
    if (options === undefined) return;
    if (!Array.isArray(options) || options.length > 25) {
      errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' });
      return;
    }
    let optionalSeen = false;
    options.forEach((raw: unknown, i) => {
      const option = (raw ?? {}) as Record<string, unknown>;
      const opath = `${path}.${i}`;
      checkNamed(option, opath, true);
      const type = Number(option.type);
      if (type === 1 || type === 2) {
        if (depth >= (type === 2 ? 1 : 2)) errors.push({ path: `${opath}.type`, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Sub-command groups and sub-commands cannot be nested this way' });
        checkOptions(option.options, `${opath}.options`, depth + 1);
      } else {
        if (option.required === true && optionalSeen) errors.push({ path: `${opath}.required`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
        if (option.required !== true) optionalSeen = true;
      }
    });
  };
  checkNamed(command, at, !menu);
  if (menu && command.options !== undefined) errors.push({ path: `${at}.options`, code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', message: 'Context menu commands cannot have options' });
  checkOptions(command.options, `${at}.options`, 0);
  return errors;
}
