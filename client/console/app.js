// The web console: sign in with user name and password, the case list, reports, password change; the other pages
// (to-do, case, dashboard, administration) are modules in ./pages/, loaded by `page(name)`. Plain ES modules over the HTTP API; no build step. The session is an
// HttpOnly cookie the page never sees; state-changing requests carry the session's CSRF token (X-CSRF-Token), kept in
// memory only.
import { TEXT, tr } from './i18n.js';
import { h } from './forms.js';

const app = document.getElementById('app');
let lang = localStorage.getItem('handover.lang') === 'en' ? 'en' : 'zh';
// Earlier versions kept a bearer token here; sign-in is by password now and nothing secret is stored in the page.
localStorage.removeItem('handover.token');
let csrf = '';
let me = null;
let sessionChecked = false;
let labels = null;
const T = (key) => tr(TEXT[key], lang);
const L = (entry) => tr(entry, lang);

class ApiError extends Error {
  constructor(status, body) {
    const err = body?.error ?? { code: 'http' + status, message: { zh: `请求失败（HTTP ${status}）`, en: `request failed (HTTP ${status})` } };
    super(err.message.en);
    this.status = status;
    this.code = err.code;
    this.text = err.message;
    this.issues = err.issues ?? [];
  }
}

async function api(path, opts = {}) {
  const method = (opts.method ?? 'GET').toUpperCase();
  const res = await fetch(path, {
    ...opts,
    credentials: 'same-origin',
    headers: {
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' && method !== 'HEAD' && csrf ? { 'x-csrf-token': csrf } : {}),
      ...(opts.headers ?? {}),
    },
  });
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const body = isJson ? await res.json() : await res.text();
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/api/session')) signedOut();
    if (res.status === 403 && isJson && body?.error?.code === 'passwordChangeRequired') location.hash = '#/password';
    throw new ApiError(res.status, isJson ? body : undefined);
  }
  return body;
}

/** The session ended (signed out, expired, or ended by a password change): back to the sign-in page. */
function signedOut() {
  csrf = '';
  me = null;
  location.hash = '#/login';
  render();
}

async function signOut() {
  try {
    await api('/api/session', { method: 'DELETE' });
  } catch {
    // already gone
  }
  signedOut();
}

function header() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = T(el.dataset.i18n);
  document.getElementById('lang').textContent = lang === 'zh' ? 'English' : '中文';
  document.getElementById('nav').hidden = !me;
  document.getElementById('signout').hidden = !me;
  document.getElementById('nav-admin').hidden = !me?.admin;
  document.getElementById('who').textContent = me ? `${me.displayName ?? me.name} · ${L(me.roleName)} · ${me.org}` : '';
}

document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('handover.lang', lang);
  render();
});
document.getElementById('signout').addEventListener('click', signOut);
window.addEventListener('hashchange', () => render());

const errorBanner = (err) => h('div', { class: 'banner error', role: 'alert', 'data-testid': 'error' }, L(err.text ?? { zh: String(err.message), en: String(err.message) }));
// Pages in their own modules (client/console/pages/<name>.js): each default-exports render(ctx).
const page = (name) => import(`./pages/${name}.js`).then((m) => m.default({ app, api, h, lang, me, labels, T, L, errorBanner }));

async function render() {
  if (!me && !sessionChecked) {
    // A session cookie from an earlier visit: the server says whose it is, and gives the CSRF token again.
    sessionChecked = true;
    try {
      const s = await api('/api/session');
      me = s.user;
      csrf = s.csrfToken ?? '';
    } catch {
      me = null;
    }
  }
  if (me && !labels) {
    try {
      labels = await api('/api/labels');
    } catch (err) {
      me = null;
      header();
      return renderLogin(err);
    }
  }
  header();
  if (!me) return renderLogin();
  if (me.mustChangePassword || location.hash.startsWith('#/password')) return renderPassword();
  const hash = location.hash || '#/todo';
  const m = /^#\/case\/([^/?]+)/.exec(hash);
  if (m) return page('case');
  if (hash.startsWith('#/todo')) return page('todo');
  if (hash.startsWith('#/dashboard')) return page('dashboard');
  if (hash.startsWith('#/admin')) return page('admin');
  if (hash.startsWith('#/paperwork')) return page('paperwork');
  if (hash.startsWith('#/documents/')) return page('documents');
  if (hash.startsWith('#/reports')) return renderReports();
  return renderList();
}

// ——— sign in ———
function renderLogin(err) {
  const name = h('input', { id: 'login-name', name: 'username', autocomplete: 'username', 'data-testid': 'login-name', required: true, maxlength: 64 });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', 'data-testid': 'login-password', required: true, maxlength: 200 });
  const message = h('div', {});
  const submit = h('button', { class: 'primary', type: 'submit', 'data-testid': 'sign-in' }, T('signIn'));
  const form = h('form', { class: 'card login', 'data-testid': 'login' },
    h('h1', {}, T('signInTitle')),
    h('p', { class: 'muted' }, T('signInHelp')),
    h('label', { for: 'login-name' }, T('userName'), name),
    h('label', { for: 'login-password' }, T('password'), password),
    message,
    err ? errorBanner(err) : null,
    h('p', {}, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.replaceChildren();
    submit.disabled = true;
    try {
      const s = await api('/api/session', { method: 'POST', body: JSON.stringify({ name: name.value.trim(), password: password.value }) });
      me = s.user;
      csrf = s.csrfToken;
      labels = null;
      if (location.hash.startsWith('#/login') || !location.hash) history.replaceState(null, '', me.mustChangePassword ? '#/password' : '#/todo');
      await render();
    } catch (error) {
      submit.disabled = false;
      password.value = '';
      message.replaceChildren(errorBanner(error));
      password.focus();
    }
  });
  app.replaceChildren(form);
  name.focus();
}

// ——— password change ———
function renderPassword() {
  const current = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password', 'data-testid': 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', 'data-testid': 'new-password', required: true, minlength: 10 });
  const again = h('input', { type: 'password', name: 'repeatPassword', autocomplete: 'new-password', 'data-testid': 'repeat-password', required: true });
  const message = h('div', {});
  // novalidate: the server's rule, in the page's language, rather than the browser's own tooltip.
  const form = h('form', { class: 'card login', 'data-testid': 'password-form', novalidate: true },
    h('h1', {}, T('changePassword')),
    me.mustChangePassword ? h('div', { class: 'banner error', role: 'alert', 'data-testid': 'must-change' }, T('mustChangePassword')) : null,
    h('p', { class: 'muted' }, T('passwordRules')),
    h('label', {}, T('currentPassword'), current),
    h('label', {}, T('newPassword'), next),
    h('label', {}, T('repeatPassword'), again),
    message,
    h('p', {}, h('button', { class: 'primary', type: 'submit', 'data-testid': 'change-password' }, T('changePassword'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.replaceChildren();
    if (next.value !== again.value) {
      message.append(h('div', { class: 'banner error', role: 'alert', 'data-testid': 'password-error' }, T('passwordsDiffer')));
      return;
    }
    try {
      const s = await api('/api/me/password', { method: 'POST', body: JSON.stringify({ currentPassword: current.value, newPassword: next.value }) });
      me = s.user;
      if (s.csrfToken) csrf = s.csrfToken;
      history.replaceState(null, '', '#/todo'); // no hashchange: the flash below stays
      await render();
      app.prepend(h('div', { class: 'banner ok', role: 'status', 'data-testid': 'flash' }, T('passwordChanged')));
    } catch (err) {
      message.append(h('div', { class: 'banner error', role: 'alert', 'data-testid': 'password-error' }, L(err.text)));
    }
  });
  app.replaceChildren(form);
  current.focus();
}

// ——— case list ———
const ROW_H = 34;
let listCache = { key: '', rows: [], truncated: false };

function filtersFromHash() {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { district: q.get('district') ?? '', stage: q.get('stage') ?? '', overdue: q.get('overdue') === 'true', due: q.get('due') ?? '', text: q.get('q') ?? '' };
}

async function renderList() {
  const f = filtersFromHash();
  const stageSel = h('select', { name: 'stage', 'data-testid': 'filter-stage' }, h('option', { value: '' }, T('any')),
    Object.entries(labels.stages).map(([k, v]) => h('option', { value: k, selected: f.stage === k }, `${L(v)}`)));
  const district = h('input', { name: 'district', value: me.district ?? f.district, disabled: !!me.district && !me.role.startsWith('city'), size: 12, 'data-testid': 'filter-district' });
  const overdue = h('input', { type: 'checkbox', name: 'overdue', checked: f.overdue });
  const due = h('input', { name: 'due', value: f.due, size: 5, inputmode: 'numeric' });
  const text = h('input', { name: 'q', value: f.text, size: 18, 'data-testid': 'filter-text' });
  const form = h('form', { class: 'filters' },
    h('label', {}, T('district'), h('br'), district),
    h('label', {}, T('stage'), h('br'), stageSel),
    h('label', {}, h('br'), overdue, ' ', T('overdueOnly')),
    h('label', {}, T('dueWithin'), h('br'), due),
    h('label', {}, T('search'), h('br'), text),
    h('button', { class: 'primary', type: 'submit' }, T('apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (district.value && !district.disabled) q.set('district', district.value.trim());
    if (stageSel.value) q.set('stage', stageSel.value);
    if (overdue.checked) q.set('overdue', 'true');
    if (due.value.trim()) q.set('due', due.value.trim());
    if (text.value.trim()) q.set('q', text.value.trim());
    location.hash = `#/cases?${q}`;
  });
  const count = h('div', { class: 'muted', 'data-testid': 'case-count' }, T('loading'));
  const upcoming = h('ol', { class: 'upcoming', 'data-testid': 'upcoming' });
  const list = h('div', { class: 'list', 'data-testid': 'case-list', role: 'list' });
  const head = h('div', { class: 'list-head' }, ['colCase', 'colEnterprise', 'colDistrict', 'colStage', 'colDeadline', 'colStatus'].map((k) => h('span', {}, T(k))));
  app.replaceChildren(
    h('div', { class: 'card' }, form),
    h('div', { class: 'card' }, h('h2', {}, T('upcoming')), upcoming),
    h('div', { class: 'card' }, count, head, list));

  const params = new URLSearchParams();
  if (f.district && !me.district) params.set('district', f.district);
  if (f.stage) params.set('stage', f.stage);
  if (f.overdue) params.set('overdue', 'true');
  if (f.due) params.set('dueWithinDays', f.due);
  const key = params.toString();
  let data;
  try {
    data = listCache.key === key && listCache.at > Date.now() - 5000 ? listCache : await api(`/api/cases?${key}`);
  } catch (err) {
    count.replaceChildren(errorBanner(err));
    return;
  }
  listCache = { key, cases: data.cases, truncated: data.truncated, at: Date.now() };
  const needle = f.text.toLowerCase();
  const rows = needle ? data.cases.filter((c) => `${c.enterprise ?? ''} ${c.creditCode}`.toLowerCase().includes(needle)) : data.cases;
  count.textContent = `${rows.length} ${T('cases')}${data.truncated ? ' — ' + T('truncated') : ''}`;

  const soon = rows.filter((r) => r.nextDeadline && r.status === 'RUNNING').sort((a, b) => a.nextDeadline.localeCompare(b.nextDeadline)).slice(0, 8);
  upcoming.replaceChildren(...(soon.length ? soon.map((r) => h('li', {}, h('a', { href: `#/case/${r.caseId}` }, `${r.nextDeadline.slice(0, 10)}  ${r.enterprise ?? r.creditCode}`), ' ', stageName(r.stage))) : [h('li', { class: 'muted' }, T('noUpcoming'))]));

  // Virtualised rows: only those in view (plus a margin) exist in the DOM, so thousands of cases scroll smoothly.
  const spacer = h('div', { style: `height:${rows.length * ROW_H}px;position:relative` });
  list.replaceChildren(spacer);
  let drawn = '';
  const draw = () => {
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_H) - 10);
    const last = Math.min(rows.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_H) + 10);
    if (drawn === `${first}-${last}`) return;
    drawn = `${first}-${last}`;
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const r = rows[i];
      frag.append(h('div', { class: 'row', role: 'listitem', style: `top:${i * ROW_H}px`, 'data-case': r.caseId, onclick: () => (location.hash = `#/case/${r.caseId}`) },
        h('span', {}, r.creditCode),
        h('span', {}, r.enterprise ?? ''),
        h('span', {}, r.district ?? ''),
        h('span', {}, stageName(r.stage)),
        h('span', { class: r.overdue ? 'overdue' : '' }, r.nextDeadline ? r.nextDeadline.slice(0, 10) : '—', r.overdue ? ` ${T('overdue')}` : ''),
        h('span', {}, r.status === 'RUNNING' ? '' : T('closed'))));
    }
    spacer.replaceChildren(frag);
  };
  list.addEventListener('scroll', () => requestAnimationFrame(draw), { passive: true });
  new ResizeObserver(() => { drawn = ''; draw(); }).observe(list);
  draw();
}

const stageName = (stage) => (labels.stages[stage] ? L(labels.stages[stage]) : stage ?? '');
const beijing = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');

// ——— reports ———
async function renderReports() {
  app.replaceChildren(h('p', { class: 'muted' }, T('loading')));
  let files;
  try {
    files = await api('/api/reports');
  } catch (err) {
    app.replaceChildren(errorBanner(err));
    return;
  }
  const download = async (f) => {
    const res = await fetch(f.url, { credentials: 'same-origin' });
    if (!res.ok) return;
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: f.file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  app.replaceChildren(h('div', { class: 'card', 'data-testid': 'reports' }, h('h1', {}, T('reports')),
    files.length
      ? h('table', { class: 'timeline' }, h('tbody', {}, files.map((f) => h('tr', {},
          h('td', {}, f.district), h('td', {}, h('a', { href: '#/reports', onclick: (e) => { e.preventDefault(); download(f); } }, f.file)),
          h('td', { class: 'muted' }, `${Math.ceil(f.size / 1024)} KB`), h('td', { class: 'muted' }, beijing(f.modifiedAt))))))
      : h('p', { class: 'muted' }, T('noReports'))));
}

render();
