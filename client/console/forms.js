// Forms generated from a decision's JSON Schema (made by the API from the event registry's zod schema). The browser
// checks what JSON Schema says (required, numbers, bounds, lengths); the server validates again with the zod schema
// itself, and its errors, which name the field (`data.facilities.areaM2`), are shown next to that field.
import { FIELDS, TEXT, VALUES, tr } from './i18n.js';

const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};

const keyOf = (path) => path.split('.').pop();
const labelOf = (path, lang) => {
  const key = keyOf(path);
  return /^\d+$/.test(key) ? `#${Number(key) + 1}` : FIELDS[key] ? `${tr(FIELDS[key], lang)} (${key})` : key;
};
const isDateField = (path) => /On$|Completion$/.test(keyOf(path));

/** A field wrapper: its label, the control, and the place its error goes. */
function wrap(path, lang, control, required) {
  return h('div', { class: 'field', 'data-field': path },
    h('label', {}, h('span', { class: 'name' }, labelOf(path, lang), required ? ' *' : ''), h('br'), control),
    h('div', { class: 'err', 'data-error-for': path, 'data-testid': `error-${path}` }));
}

/**
 * Builds the controls for `schema` at `path`. Returns { el, get(), check(issues) }: get() gives the value
 * (undefined when left empty), check() adds the JSON Schema problems it can see.
 */
export function build(schema, path, lang, required = true) {
  if (schema.oneOf || schema.anyOf) return buildUnion(schema.oneOf ?? schema.anyOf, path, lang);
  const type = schema.type;
  if (type === 'object') return buildObject(schema, path, lang, required);
  if (type === 'array') return buildArray(schema, path, lang, required);
  if (type === 'boolean') {
    if (schema.const !== undefined) {
      return { el: h('input', { type: 'hidden', name: path, value: String(schema.const) }), get: () => schema.const, check() {} };
    }
    const sel = h('select', { name: path, 'data-path': path },
      h('option', { value: '' }, '—'), h('option', { value: 'true' }, tr(TEXT.yes, lang)), h('option', { value: 'false' }, tr(TEXT.no, lang)));
    const get = () => (sel.value === '' ? undefined : sel.value === 'true');
    return { el: wrap(path, lang, sel, required), get, check: (issues) => required && get() === undefined && issues.push({ path, message: tr(TEXT.required, lang) }) };
  }
  if (type === 'string' && Array.isArray(schema.enum)) {
    const sel = h('select', { name: path, 'data-path': path }, h('option', { value: '' }, '—'),
      schema.enum.map((v) => h('option', { value: v }, VALUES[v] ? `${tr(VALUES[v], lang)} (${v})` : v)));
    const get = () => (sel.value === '' ? undefined : sel.value);
    return { el: wrap(path, lang, sel, required), get, check: (issues) => required && get() === undefined && issues.push({ path, message: tr(TEXT.required, lang) }) };
  }
  if (type === 'string') {
    const long = (schema.maxLength ?? 0) > 200;
    const input = long
      ? h('textarea', { name: path, 'data-path': path, rows: 2 })
      : h('input', { name: path, 'data-path': path, type: isDateField(path) ? 'date' : 'text', size: 40 });
    const get = () => (input.value.trim() === '' ? undefined : input.value.trim());
    const check = (issues) => {
      const v = get();
      if (v === undefined) return required && issues.push({ path, message: tr(TEXT.required, lang) });
      if (schema.maxLength && v.length > schema.maxLength) issues.push({ path, message: `${tr(TEXT.tooLong, lang)} ${schema.maxLength}` });
    };
    return { el: wrap(path, lang, input, required), get, check };
  }
  if (type === 'number' || type === 'integer') {
    const input = h('input', { name: path, 'data-path': path, type: 'text', inputmode: 'decimal', size: 16 });
    const get = () => {
      const s = input.value.trim();
      if (s === '') return undefined;
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    };
    const check = (issues) => {
      const v = get();
      if (v === undefined) return required && issues.push({ path, message: tr(TEXT.required, lang) });
      if (typeof v !== 'number') return issues.push({ path, message: tr(TEXT.mustBeNumber, lang) });
      if (type === 'integer' && !Number.isInteger(v)) return issues.push({ path, message: tr(TEXT.mustBeInteger, lang) });
      if (schema.minimum !== undefined && v < schema.minimum) issues.push({ path, message: `${tr(TEXT.atLeast, lang)} ${schema.minimum}` });
      if (schema.maximum !== undefined && v > schema.maximum) issues.push({ path, message: `${tr(TEXT.atMost, lang)} ${schema.maximum}` });
    };
    return { el: wrap(path, lang, input, required), get, check };
  }
  // Anything the generator does not know: JSON text.
  const area = h('textarea', { name: path, 'data-path': path, placeholder: 'JSON' });
  const get = () => {
    if (area.value.trim() === '') return undefined;
    try { return JSON.parse(area.value); } catch { return area.value; }
  };
  return { el: wrap(path, lang, area, required), get, check: (issues) => required && get() === undefined && issues.push({ path, message: tr(TEXT.required, lang) }) };
}

function buildObject(schema, path, lang, required) {
  const req = new Set(schema.required ?? []);
  const children = Object.entries(schema.properties ?? {}).map(([k, s]) => [k, build(s, path ? `${path}.${k}` : k, lang, req.has(k))]);
  const isRoot = path === 'data';
  const el = isRoot
    ? h('div', { 'data-field': path }, children.map(([, c]) => c.el), h('div', { class: 'err', 'data-error-for': path, 'data-testid': `error-${path}` }))
    : h('fieldset', { 'data-field': path }, h('legend', {}, labelOf(path, lang), required ? ' *' : ''), children.map(([, c]) => c.el), h('div', { class: 'err', 'data-error-for': path, 'data-testid': `error-${path}` }));
  const get = () => {
    const out = {};
    for (const [k, c] of children) {
      const v = c.get();
      if (v !== undefined) out[k] = v;
    }
    const meaningful = children.some(([k, c]) => c.get() !== undefined && schema.properties[k].const === undefined);
    return required || isRoot || meaningful ? out : undefined;
  };
  const check = (issues) => {
    if (!required && get() === undefined) return;
    for (const [, c] of children) c.check(issues);
  };
  return { el, get, check };
}

function buildArray(schema, path, lang, required) {
  const items = schema.items ?? {};
  if (items.type === 'string') {
    const area = h('textarea', { name: path, 'data-path': path, rows: 3, placeholder: tr(TEXT.onePerLine, lang) });
    const get = () => {
      const lines = area.value.split('\n').map((l) => l.trim()).filter(Boolean);
      return lines.length ? lines : required ? [] : undefined;
    };
    const check = (issues) => {
      const v = get() ?? [];
      if (schema.minItems && v.length < schema.minItems) issues.push({ path, message: `${tr(TEXT.atLeast, lang)} ${schema.minItems}` });
    };
    return { el: wrap(path, lang, area, required), get, check };
  }
  const list = h('div', {});
  const rows = [];
  const err = h('div', { class: 'err', 'data-error-for': path, 'data-testid': `error-${path}` });
  const renumber = () => {
    // Paths carry the index, so rebuild after a removal to keep server error paths matching.
    const values = rows.map((r) => r.get());
    rows.length = 0;
    list.replaceChildren();
    values.forEach(() => add());
  };
  const add = () => {
    const i = rows.length;
    const c = build(items, `${path}.${i}`, lang, true);
    const remove = h('button', { type: 'button', onclick: () => { rows.splice(rows.indexOf(c), 1); renumber(); } }, tr(TEXT.removeItem, lang));
    const box = h('div', { class: 'array-item' }, c.el, remove);
    rows.push(c);
    list.append(box);
  };
  for (let i = 0; i < Math.max(1, schema.minItems ?? 0); i++) add();
  const el = h('fieldset', { 'data-field': path }, h('legend', {}, labelOf(path, lang), required ? ' *' : ''), list,
    h('button', { type: 'button', onclick: () => add() }, tr(TEXT.addItem, lang)), err);
  const get = () => rows.map((r) => r.get());
  const check = (issues) => {
    if (schema.minItems && rows.length < schema.minItems) issues.push({ path, message: `${tr(TEXT.atLeast, lang)} ${schema.minItems}` });
    for (const r of rows) r.check(issues);
  };
  return { el, get, check };
}

function buildUnion(variants, path, lang) {
  const describe = (v, i) => {
    const consts = Object.entries(v.properties ?? {}).filter(([, s]) => s.const !== undefined);
    if (!consts.length) return `${tr(TEXT.variant, lang)} ${i + 1}`;
    return consts.map(([k, s]) => `${labelOf(k, lang)}：${s.const === true ? tr(TEXT.yes, lang) : s.const === false ? tr(TEXT.no, lang) : s.const}`).join('，');
  };
  const sel = h('select', { 'data-path': `${path}.__variant` }, variants.map((v, i) => h('option', { value: String(i) }, describe(v, i))));
  const holder = h('div', {});
  let current;
  const show = () => {
    current = build(variants[Number(sel.value)], path, lang, true);
    holder.replaceChildren(current.el);
  };
  sel.addEventListener('change', show);
  show();
  const el = h('div', { 'data-field': `${path}.__union` }, h('label', {}, h('span', { class: 'name' }, tr(TEXT.variant, lang)), h('br'), sel), holder);
  return { el, get: () => current.get(), check: (issues) => current.check(issues) };
}

/** Clears the errors shown in `form`. */
export function clearIssues(form) {
  for (const e of form.querySelectorAll('[data-error-for]')) e.textContent = '';
  for (const f of form.querySelectorAll('.has-error')) f.classList.remove('has-error');
}

/** Shows each issue next to its field (or the nearest enclosing one); returns the issues no field took. */
export function showIssues(form, issues) {
  clearIssues(form);
  const left = [];
  for (const issue of issues) {
    let path = issue.path;
    let slot;
    while (path) {
      slot = form.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
      if (slot) break;
      path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    }
    if (!slot) { left.push(issue); continue; }
    slot.textContent = slot.textContent ? `${slot.textContent}；${issue.message}` : issue.message;
    slot.closest('.field, fieldset')?.classList.add('has-error');
  }
  return left;
}

export { h };
