// Administration (issue 12 item 7): users with their roles and organisations, add a user, change role and
// organisation, reset a password, disable or enable a user; and the audit log, filtered and paged. For
// administrators; the API refuses everyone else (403), and this page then says so.

const TX = {
  title: { zh: '系统管理', en: 'Administration' },
  users: { zh: '用户', en: 'Users' },
  addUser: { zh: '添加用户', en: 'Add a user' },
  name: { zh: '用户名', en: 'User name' },
  displayName: { zh: '显示名称', en: 'Display name' },
  role: { zh: '角色', en: 'Role' },
  org: { zh: '组织', en: 'Organisation' },
  orgHelp: {
    zh: '市级部门：chongqing；区县部门：区县名；乡镇（街道）：区县/乡镇；企业：统一社会信用代码；上级集团：集团名称',
    en: 'city bodies: chongqing; district bodies: the district; township: district/township; enterprise: credit code; parent group: its name',
  },
  admin: { zh: '管理员', en: 'Administrator' },
  status: { zh: '状态', en: 'Status' },
  active: { zh: '正常', en: 'active' },
  disabled: { zh: '已停用', en: 'disabled' },
  mustChange: { zh: '待改初始密码', en: 'must change password' },
  add: { zh: '添加', en: 'Add' },
  save: { zh: '保存', en: 'Save' },
  edit: { zh: '修改', en: 'Edit' },
  reset: { zh: '重置密码', en: 'Reset password' },
  disable: { zh: '停用', en: 'Disable' },
  enable: { zh: '恢复', en: 'Enable' },
  confirmReset: { zh: '为 {name} 重置密码？原有登录将失效。', en: 'Reset the password of {name}? Their sessions end.' },
  confirmDisable: { zh: '停用 {name}？其令牌、密码和登录将失效。', en: 'Disable {name}? Their token, password and sessions stop working.' },
  handedOut: { zh: '请将初始密码当面或通过安全渠道交给 {name}（只显示这一次，首次登录须修改）：', en: 'Give {name} this initial password in person or by a safe channel (shown once; to be changed at first sign-in): ' },
  tokenOnce: { zh: 'API 令牌（只显示这一次）：', en: 'API token (shown once): ' },
  done: { zh: '已办理', en: 'Done' },
  audit: { zh: '审计日志', en: 'Audit log' },
  at: { zh: '时间', en: 'When' },
  user: { zh: '用户', en: 'User' },
  action: { zh: '操作', en: 'Action' },
  outcome: { zh: '结果', en: 'Outcome' },
  caseId: { zh: '案件', en: 'Case' },
  detail: { zh: '说明', en: 'Detail' },
  text: { zh: '包含文字', en: 'Contains' },
  from: { zh: '自', en: 'From' },
  to: { zh: '至', en: 'To' },
  filter: { zh: '查询', en: 'Filter' },
  prev: { zh: '上一页', en: 'Previous' },
  next: { zh: '下一页', en: 'Next' },
  of: { zh: '共 {n} 条', en: '{n} in all' },
};

const PAGE = 50;

export default async function render({ app, api, h, lang, me, L, errorBanner }) {
  const X = (k, vars = {}) => L(TX[k]).replace(/\{(\w+)\}/g, (_, v) => vars[v] ?? '');
  let roles, users;
  try {
    [roles, users] = await Promise.all([api('/api/admin/roles'), api('/api/admin/users')]);
  } catch (err) {
    app.replaceChildren(h('div', { class: 'card', 'data-testid': 'admin' }, h('h1', {}, X('title')), errorBanner(err)));
    return;
  }
  const roleName = (role) => L(roles.roles.find((r) => r.role === role)?.name) || role;
  const flash = h('div', { 'data-testid': 'admin-flash' });
  const say = (...parts) => flash.replaceChildren(h('div', { class: 'banner ok', role: 'status' }, ...parts));
  const fail = (err) => flash.replaceChildren(errorBanner(err));
  const reload = async () => {
    users = await api('/api/admin/users');
    drawUsers();
    await loadAudit();
  };

  const orgList = h('datalist', { id: 'admin-orgs' },
    [roles.cityOrg, ...roles.districts, ...roles.organisations.map((o) => o.org)].filter((v, i, a) => a.indexOf(v) === i).map((o) => h('option', { value: o })));
  const roleSelect = (value, attrs = {}) => h('select', attrs, roles.roles.map((r) => h('option', { value: r.role, selected: r.role === value }, L(r.name))));

  // ——— users ———
  const tbody = h('tbody', {});
  const drawUsers = () => {
    tbody.replaceChildren(...users.map((u) => {
      const row = h('tr', { 'data-user': u.name },
        h('td', {}, u.name, u.admin ? h('span', { class: 'muted' }, ` · ${X('admin')}`) : null),
        h('td', {}, u.displayName ?? ''),
        h('td', {}, roleName(u.role)),
        h('td', {}, u.org),
        h('td', { 'data-testid': `status-${u.name}`, class: u.disabled ? 'overdue' : '' }, u.disabled ? X('disabled') : X('active'), u.mustChangePassword ? h('div', { class: 'muted' }, X('mustChange')) : null),
        h('td', { class: 'no-print' },
          h('button', { type: 'button', 'data-testid': `edit-${u.name}`, onclick: () => editRow(row, u) }, X('edit')), ' ',
          h('button', { type: 'button', 'data-testid': `reset-${u.name}`, onclick: () => resetPassword(u) }, X('reset')), ' ',
          u.name === me.name ? null : h('button', { type: 'button', 'data-testid': `${u.disabled ? 'enable' : 'disable'}-${u.name}`, onclick: () => setDisabled(u, !u.disabled) }, u.disabled ? X('enable') : X('disable'))));
      return row;
    }));
  };
  const editRow = (row, u) => {
    const role = roleSelect(u.role, { name: 'role' });
    const org = h('input', { name: 'org', value: u.org, list: 'admin-orgs', size: 22 });
    const display = h('input', { name: 'displayName', value: u.displayName ?? '', size: 16 });
    const admin = h('input', { type: 'checkbox', name: 'admin', checked: u.admin, disabled: u.name === me.name });
    const form = h('form', { class: 'filters', 'data-testid': `edit-form-${u.name}` },
      h('label', {}, X('displayName'), h('br'), display), h('label', {}, X('role'), h('br'), role), h('label', {}, X('org'), h('br'), org),
      h('label', {}, h('br'), admin, ' ', X('admin')), h('button', { class: 'primary', type: 'submit' }, X('save')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api(`/api/admin/users/${encodeURIComponent(u.name)}`, { method: 'PATCH', body: JSON.stringify({ role: role.value, org: org.value.trim(), displayName: display.value.trim() || null, ...(u.name === me.name ? {} : { admin: admin.checked }) }) });
        say(X('done'), `：${u.name}`);
        await reload();
      } catch (err) {
        fail(err);
      }
    });
    row.after(h('tr', {}, h('td', { colspan: 6 }, form)));
  };
  const resetPassword = async (u) => {
    if (!confirm(X('confirmReset', { name: u.name }))) return;
    try {
      const r = await api(`/api/admin/users/${encodeURIComponent(u.name)}/password`, { method: 'POST' });
      say(X('handedOut', { name: u.name }), h('code', { 'data-testid': 'handed-out-password' }, r.password));
      users = await api('/api/admin/users');
      drawUsers();
      await loadAudit();
    } catch (err) {
      fail(err);
    }
  };
  const setDisabled = async (u, disabled) => {
    if (disabled && !confirm(X('confirmDisable', { name: u.name }))) return;
    try {
      await api(`/api/admin/users/${encodeURIComponent(u.name)}/disabled`, { method: 'POST', body: JSON.stringify({ disabled }) });
      say(X('done'), `：${u.name} ${disabled ? X('disabled') : X('active')}`);
      await reload();
    } catch (err) {
      fail(err);
    }
  };

  // ——— add a user ———
  const nName = h('input', { name: 'name', required: true, size: 14, 'data-testid': 'new-name' });
  const nDisplay = h('input', { name: 'displayName', size: 16, 'data-testid': 'new-display' });
  const nRole = roleSelect('township', { name: 'role', 'data-testid': 'new-role' });
  const nOrg = h('input', { name: 'org', required: true, list: 'admin-orgs', size: 22, 'data-testid': 'new-org' });
  const nAdmin = h('input', { type: 'checkbox', name: 'admin' });
  const addForm = h('form', { class: 'filters', 'data-testid': 'add-user', novalidate: true },
    h('label', {}, X('name'), h('br'), nName), h('label', {}, X('displayName'), h('br'), nDisplay),
    h('label', {}, X('role'), h('br'), nRole), h('label', {}, X('org'), h('br'), nOrg),
    h('label', {}, h('br'), nAdmin, ' ', X('admin')), h('button', { class: 'primary', type: 'submit', 'data-testid': 'add-user-submit' }, X('add')));
  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('/api/admin/users', { method: 'POST', body: JSON.stringify({ name: nName.value.trim(), role: nRole.value, org: nOrg.value.trim(), ...(nDisplay.value.trim() ? { displayName: nDisplay.value.trim() } : {}), admin: nAdmin.checked }) });
      say(X('handedOut', { name: r.user.name }), h('code', { 'data-testid': 'handed-out-password' }, r.password), h('br'), X('tokenOnce'), h('code', {}, r.token));
      addForm.reset();
      users = await api('/api/admin/users');
      drawUsers();
      await loadAudit();
    } catch (err) {
      fail(err);
    }
  });

  // ——— audit log ———
  const f = {
    user: h('input', { name: 'user', size: 10, 'data-testid': 'audit-user' }),
    action: h('input', { name: 'action', size: 12, list: 'audit-actions', 'data-testid': 'audit-action' }),
    outcome: h('select', { name: 'outcome', 'data-testid': 'audit-outcome' }, ['', 'applied', 'duplicate', 'refused', 'invalid', 'forbidden', 'error'].map((o) => h('option', { value: o }, o))),
    q: h('input', { name: 'q', size: 14 }),
    from: h('input', { name: 'from', type: 'date' }),
    to: h('input', { name: 'to', type: 'date' }),
  };
  const actions = h('datalist', { id: 'audit-actions' }, ['decide', 'startCase', 'addUser', 'updateUser', 'resetPassword', 'disableUser', 'enableUser', 'signIn', 'changePassword'].map((a) => h('option', { value: a })));
  let offset = 0;
  const auditBody = h('tbody', {});
  const auditCount = h('span', { class: 'muted', 'data-testid': 'audit-count' });
  const prev = h('button', { type: 'button', onclick: () => { offset = Math.max(0, offset - PAGE); loadAudit(); } }, X('prev'));
  const next = h('button', { type: 'button', 'data-testid': 'audit-next', onclick: () => { offset += PAGE; loadAudit(); } }, X('next'));
  const auditForm = h('form', { class: 'filters', 'data-testid': 'audit-filters' },
    h('label', {}, X('user'), h('br'), f.user), h('label', {}, X('action'), h('br'), f.action), h('label', {}, X('outcome'), h('br'), f.outcome),
    h('label', {}, X('text'), h('br'), f.q), h('label', {}, X('from'), h('br'), f.from), h('label', {}, X('to'), h('br'), f.to),
    h('button', { class: 'primary', type: 'submit', 'data-testid': 'audit-apply' }, X('filter')));
  auditForm.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    loadAudit();
  });
  const beijing = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');
  async function loadAudit() {
    const p = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
    for (const [k, el] of Object.entries(f)) if (el.value.trim()) p.set(k, el.value.trim());
    try {
      const page = await api(`/api/audit?${p}`);
      auditCount.textContent = `${page.total ? `${offset + 1}–${offset + page.entries.length}，` : ''}${X('of', { n: page.total })}`;
      prev.disabled = offset === 0;
      next.disabled = page.nextOffset === undefined;
      auditBody.replaceChildren(...page.entries.map((e) => h('tr', { 'data-audit': e.action },
        h('td', {}, beijing(e.at)),
        h('td', {}, e.user, h('div', { class: 'muted' }, `${roleName(e.role)} ${e.org}`)),
        h('td', {}, e.action, e.eventType ? h('div', { class: 'muted' }, e.eventType) : null),
        h('td', { class: ['refused', 'invalid', 'forbidden', 'error'].includes(e.outcome) ? 'overdue' : '' }, e.outcome, e.code ? h('div', { class: 'muted' }, e.code) : null),
        h('td', {}, e.caseId ? h('a', { href: `#/case/${e.caseId}` }, e.caseId.replace(/^handover-/, '')) : ''),
        h('td', { class: 'muted' }, [e.detail, e.method && `${e.method} ${e.url}`, e.ip].filter(Boolean).join(' · ')))));
    } catch (err) {
      auditBody.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, errorBanner(err))));
    }
  }

  drawUsers();
  app.replaceChildren(
    orgList, actions,
    h('div', { class: 'card', 'data-testid': 'admin' }, h('h1', {}, X('title')), flash),
    h('div', { class: 'card' }, h('h2', {}, X('addUser')), h('p', { class: 'muted' }, X('orgHelp')), addForm),
    h('div', { class: 'card' }, h('h2', {}, X('users')),
      h('div', { style: 'overflow-x:auto' }, h('table', { class: 'timeline', 'data-testid': 'users' },
        h('thead', {}, h('tr', {}, ['name', 'displayName', 'role', 'org', 'status'].map((k) => h('th', {}, X(k))), h('th', {}))), tbody))),
    h('div', { class: 'card' }, h('h2', {}, X('audit')), auditForm, h('p', {}, auditCount, ' ', prev, ' ', next),
      h('div', { style: 'overflow-x:auto' }, h('table', { class: 'timeline', 'data-testid': 'audit-log' },
        h('thead', {}, h('tr', {}, ['at', 'user', 'action', 'outcome', 'caseId', 'detail'].map((k) => h('th', {}, X(k))))), auditBody))));
  await loadAudit();
}
