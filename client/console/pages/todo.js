// 待办 / 已办 / 通知: the signed-in user's to-do (cases where the user may act now, nearest deadline first), the
// decisions the user took, and the notifications addressed to the user, with read marks. Cards, not tables, so the
// page reads on a phone. Route: #/todo, #/todo/done, #/todo/notifications.
const TABS = ['todo', 'done', 'notifications'];

export default async function todoPage({ app, api, h, lang, T, L, errorBanner }) {
  const tab = TABS.find((t) => location.hash.startsWith(`#/todo/${t}`)) ?? 'todo';
  const when = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  const caseLink = (caseId, text) => h('a', { href: `#/case/${encodeURIComponent(caseId)}` }, text);
  const body = h('div', { 'data-testid': `todo-${tab}` }, h('p', { class: 'muted' }, T('loading')));
  const tabs = h('nav', { class: 'tabs', role: 'tablist' },
    TABS.map((t) => h('a', { href: t === 'todo' ? '#/todo' : `#/todo/${t}`, role: 'tab', 'aria-selected': String(t === tab), class: t === tab ? 'tab current' : 'tab', 'data-testid': `tab-${t}` },
      T(t === 'todo' ? 'navTodo' : t === 'done' ? 'todoDone' : 'todoNotifications'), h('span', { class: 'count', 'data-count': t }))));
  app.replaceChildren(h('div', { class: 'card todo-page' }, tabs, body));

  // The counts on the tabs: to-do items and unread notifications (one request each, in the background).
  const setCount = (t, n) => {
    const el = tabs.querySelector(`[data-count="${t}"]`);
    if (el) el.textContent = n ? ` ${n}` : '';
  };

  if (tab === 'todo') {
    let data;
    try {
      data = await api('/api/todo');
    } catch (err) {
      return body.replaceChildren(errorBanner(err));
    }
    setCount('todo', data.items.length);
    api('/api/todo/notifications?unread=true&limit=1').then((n) => setCount('notifications', n.unread), () => {});
    if (!data.items.length) return body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'todo-empty' }, T('todoEmpty')));
    body.replaceChildren(
      h('p', { class: 'muted' }, `${T('todoIntro')}（${T('today')} ${data.today}）${data.truncated ? ' — ' + T('truncated') : ''}${data.unanswered ? ` — ${data.unanswered} ${T('unanswered')}` : ''}`),
      h('ol', { class: 'todo-list', 'data-testid': 'todo-list' }, data.items.map((item) => todoCard(item))));
    return;
  }

  function todoCard(item) {
    const d = item.deadline;
    const unit = (n, working) => (lang === 'zh' ? `${n} ${working ? '个工作日' : '天'}` : `${n} ${working ? 'working day' : 'day'}${n === 1 ? '' : 's'}`);
    const badge = !d ? h('span', { class: 'badge' }, T('noDeadline'))
      : d.overdue ? h('span', { class: 'badge late', 'data-testid': 'overdue' }, lang === 'zh' ? `已逾期 ${unit(-d.daysLeft, d.workingDays)}` : `overdue by ${unit(-d.daysLeft, d.workingDays)}`)
      : d.daysLeft === 0 ? h('span', { class: 'badge soon' }, T('dueToday'))
      : h('span', { class: d.daysLeft <= 3 ? 'badge soon' : 'badge', 'data-testid': 'days-left' }, lang === 'zh' ? `剩余 ${unit(d.daysLeft, d.workingDays)}` : `${unit(d.daysLeft, d.workingDays)} left`);
    const township = item.township ? item.township.split('/')[1] : '';
    return h('li', { class: `todo-item${item.overdue ? ' is-overdue' : ''}`, 'data-todo-case': item.caseId },
      h('div', { class: 'todo-head' }, caseLink(item.caseId, item.enterprise ?? item.creditCode), badge),
      h('div', { class: 'muted' }, `${L(item.stageLabel)} · ${item.district ?? ''}${township ? ' ' + township : ''} · ${item.creditCode}`),
      d ? h('div', { class: 'todo-deadline' }, `${L(d.label)}：${d.due}（${d.clause}）`) : null,
      h('ul', { class: 'todo-actions' }, item.actions.map((a) => h('li', {}, caseLink(item.caseId, L(a.title)), h('span', { class: 'muted' }, `（${a.clause}）`)))));
  }

  if (tab === 'done') {
    let data;
    try {
      data = await api('/api/todo/done');
    } catch (err) {
      return body.replaceChildren(errorBanner(err));
    }
    if (!data.items.length) return body.replaceChildren(h('p', { class: 'muted' }, T('doneEmpty')));
    body.replaceChildren(h('ol', { class: 'todo-list', 'data-testid': 'done-list' }, data.items.map((i) =>
      h('li', { class: 'todo-item', 'data-done-case': i.caseId },
        h('div', { class: 'todo-head' }, h('strong', {}, L(i.title)), h('span', { class: 'muted' }, i.occurredOn ? `${T('occurredOn')} ${i.occurredOn}` : when(i.at))),
        h('div', { class: 'muted' }, `${i.clause} · `, caseLink(i.caseId, i.caseId.replace(/^handover-/, '')),
          i.attachments ? ` · ${lang === 'zh' ? `附件 ${i.attachments} 个` : `${i.attachments} attachment${i.attachments === 1 ? '' : 's'}`}` : '')))));
    return;
  }

  // Notifications.
  const load = async () => {
    let data;
    try {
      data = await api('/api/todo/notifications');
    } catch (err) {
      return body.replaceChildren(errorBanner(err));
    }
    setCount('notifications', data.unread);
    const mark = async (keys) => {
      try {
        await api('/api/todo/notifications/read', { method: 'POST', body: JSON.stringify(keys ? { keys } : { all: true }) });
      } catch (err) {
        body.prepend(errorBanner(err));
        return;
      }
      await load();
    };
    if (!data.items.length) return body.replaceChildren(h('p', { class: 'muted' }, T('noNotifications')));
    body.replaceChildren(
      h('p', {}, `${T('unread')} ${data.unread} / ${data.total} `, data.unread ? h('button', { type: 'button', 'data-testid': 'mark-all-read', onclick: () => mark() }, T('markAllRead')) : null),
      h('ol', { class: 'todo-list', 'data-testid': 'notification-list' }, data.items.map((n) =>
        h('li', { class: `todo-item${n.read ? ' read' : ' unread'}`, 'data-notification': n.key },
          h('div', { class: 'todo-head' }, h('span', { class: n.read ? 'badge' : 'badge soon' }, n.read ? T('read') : T('unread')), h('span', { class: 'muted' }, when(n.createdAt))),
          h('div', {}, L(n.message)),
          h('div', { class: 'muted' }, `${n.clause} · `, caseLink(n.caseId, n.enterpriseName ?? n.caseId.replace(/^handover-/, '')),
            n.read ? null : h('button', { type: 'button', class: 'link', onclick: () => mark([n.key]) }, T('markRead')))))));
  };
  await load();
}
