// The case page an official reads (issue 12 item 4): a stage bar (摸排 → 方案 → 协议 → 实施 → 过渡期 → 完成) with the
// current step and its dates; the facts, the user's decision forms and the deadlines; the timeline with what each
// decision contained as labelled fields; the full statechart on request, fitted to the page (Chinese names only in the
// Chinese view). Route: #/case/<id>.
import { build, clearIssues, showIssues } from '../forms.js';
import { FIELDS, VALUES, tr } from '../i18n.js';

/** The six steps officials speak of, and the machine's stages each covers. */
const STEPS = [
  { key: 'survey', zh: '摸排', en: 'Survey', stages: ['survey', 'planAdjustment'] },
  { key: 'plan', zh: '方案', en: 'Work plan', stages: ['workPlan'] },
  { key: 'agreement', zh: '协议', en: 'Agreement', stages: ['agreement'] },
  { key: 'implementation', zh: '实施', en: 'Implementation', stages: ['implementation'] },
  { key: 'transition', zh: '过渡期', en: 'Transition', stages: ['handedOver'] },
  { key: 'completed', zh: '完成', en: 'Completed', stages: ['completed'] },
];
const stepOf = (stage) => STEPS.findIndex((s) => s.stages.includes(stage));

export default async function casePage(ctx, flash) {
  const { app, api, h, lang, labels, T, L, errorBanner } = ctx;
  const caseId = decodeURIComponent(/^#\/case\/([^/?]+)/.exec(location.hash)?.[1] ?? '');
  const beijing = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  const dateOf = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 10);
  const todayBeijing = () => dateOf(new Date().toISOString());
  const stageName = (stage) => (labels.stages[stage] ? L(labels.stages[stage]) : stage ?? '');
  const stateName = (path) => (labels.states[path] ? L(labels.states[path]) : path);
  const enc = encodeURIComponent(caseId);

  app.replaceChildren(h('p', { class: 'muted' }, T('loading')));
  let view, timeline, actions;
  try {
    [view, timeline, actions] = await Promise.all([api(`/api/cases/${enc}`), api(`/api/cases/${enc}/timeline?limit=1000`), api(`/api/cases/${enc}/actions`)]);
  } catch (err) {
    app.replaceChildren(h('p', {}, h('a', { href: '#/todo' }, T('back'))), errorBanner(err));
    return;
  }
  const s = view.state;
  const c = s.context;
  const p = view.projection;

  // ——— stage bar: each step's first day (the decision that entered it), done steps with the day they ended ———
  const began = new Map([[0, c.startedAt ? dateOf(c.startedAt) : undefined]]);
  for (const e of timeline) {
    for (const path of e.after ?? []) {
      const i = stepOf(path.split('.')[0]);
      if (i > 0 && !began.has(i)) began.set(i, e.occurredOn ?? dateOf(e.at));
    }
  }
  const current = s.status === 'done' ? STEPS.length : Math.max(0, stepOf(s.stage));
  const endOf = (i) => [...began.entries()].filter(([j]) => j > i).sort((a, b) => a[0] - b[0])[0]?.[1];
  const bar = h('ol', { class: 'stage-bar', 'data-testid': 'stage-bar' }, STEPS.map((step, i) => {
    const status = i < current ? 'done' : i === current ? 'current' : 'todo';
    const when = status === 'done' ? endOf(i) ?? began.get(i) : status === 'current' ? began.get(i) : undefined;
    const note = !when ? '' : status === 'done' ? `${lang === 'zh' ? '完成' : 'done'} ${when}` : `${lang === 'zh' ? '自' : 'since'} ${when}`;
    return h('li', { class: `step ${status}`, 'data-step': step.key, 'data-status': status, 'aria-current': status === 'current' ? 'step' : null },
      h('span', { class: 'dot' }, status === 'done' ? '✓' : String(i + 1)), h('span', { class: 'name' }, tr(step, lang)), note ? h('span', { class: 'when' }, note) : null);
  }));

  const facts = h('dl', { class: 'facts' },
    h('dt', {}, T('enterprise')), h('dd', {}, `${c.enterpriseName}（${c.parties.creditCode}）`),
    h('dt', {}, T('district')), h('dd', {}, c.parties.district + (c.parties.township ? ` · ${T('receiver')}：${c.parties.township.split('/')[1]}` : '')),
    h('dt', {}, T('stage')), h('dd', { 'data-testid': 'stage' }, `${stageName(s.stage)}（${labels.stages[s.stage]?.clause ?? ''}）${s.status === 'done' ? ' ' + T('closed') : ''}`),
    h('dt', {}, T('currentState')), h('dd', { 'data-testid': 'current-state' }, view.activeStateLabels.map((x) => L(x)).join('；')),
    // The one projection of the case (machines/case-view.ts projectCase, in the API's `projection`).
    h('dt', {}, lang === 'zh' ? '是否已移交' : 'Handed over'),
    h('dd', { 'data-testid': 'handed-over' }, p?.handedOver ? `${T('yes')}（${p.handedOverOn ?? ''}${p.inTransition ? (lang === 'zh' ? '，过渡期中' : ', in transition') : ''}）` : T('no')),
    h('dt', {}, T('responsibility')), h('dd', { 'data-testid': 'responsibility' }, p ? `${L(labels.roles[p.responsibility.party])} — ${L(p.responsibility.reason)}` : L(labels.roles[s.responsibility])),
    h('dt', {}, T('overdue')), h('dd', { class: (p?.overdue ?? s.overdue) ? 'overdue' : '' }, (p?.overdue ?? s.overdue) ? T('yes') : T('no')),
    h('dt', {}, T('decisions')), h('dd', {}, String(s.decisions)));

  // ——— the statechart, on request, fitted to the width of the page ———
  const diagram = h('div', { class: 'diagram fitted', 'data-testid': 'diagram' });
  const zoom = h('button', { type: 'button', hidden: true, 'data-testid': 'zoom-diagram' }, lang === 'zh' ? '原始大小' : 'actual size');
  const show = h('button', { type: 'button', class: 'primary', 'data-testid': 'show-diagram' }, lang === 'zh' ? '显示完整流程图' : 'Show the full statechart');
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      diagram.innerHTML = await api(`/api/cases/${enc}/diagram.svg?lang=${lang}`);
    } catch (err) {
      show.disabled = false;
      diagram.replaceChildren(errorBanner(err));
      return;
    }
    const svg = diagram.querySelector('svg');
    if (svg) {
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      svg.setAttribute('preserveAspectRatio', 'xMidYMin meet');
    }
    show.hidden = true;
    zoom.hidden = false;
  });
  zoom.addEventListener('click', () => {
    const fitted = diagram.classList.toggle('fitted');
    zoom.textContent = fitted ? (lang === 'zh' ? '原始大小' : 'actual size') : (lang === 'zh' ? '适应页面' : 'fit to page');
    const active = diagram.querySelector('g.node.active');
    if (!fitted && active) active.scrollIntoView({ block: 'center', inline: 'center' });
  });

  const deadlines = h('div', { 'data-testid': 'deadlines' }, view.deadlines.length
    ? view.deadlines.map((d) => h('div', {},
        h('div', {}, h('strong', {}, L(d.label)), `：${d.due}（${T('dueOn')} ${beijing(d.at)}，${d.clause}）`),
        d.explanation[lang].length ? h('details', {}, h('summary', { class: 'muted' }, lang === 'zh' ? '计算说明' : 'how it was computed'), h('div', { class: 'explain' }, d.explanation[lang].map((l) => h('div', {}, l)))) : null))
    : [h('p', { class: 'muted' }, T('noDeadlines'))]);
  // Every deadline the case has had, fired ones too, with met / pending / missed (the projection).
  const STATUS = { met: { zh: '已完成', en: 'met' }, pending: { zh: '未到期', en: 'pending' }, missed: { zh: '已逾期', en: 'missed' } };
  if (p?.deadlines.length) {
    deadlines.append(h('details', { 'data-testid': 'all-deadlines', open: true },
      h('summary', { class: 'muted' }, lang === 'zh' ? '全部期限（含已到期）' : 'every deadline (fired ones too)'),
      ...p.deadlines.map((d) => h('div', { class: d.status === 'missed' ? 'overdue' : '', 'data-status': d.status }, h('strong', {}, `[${L(STATUS[d.status])}] ${L(d.label)}`), `：${L(d.explanation)}`))));
  }

  const actionsBox = h('div', { 'data-testid': 'actions' });
  if (!actions.canAct) actionsBox.append(h('p', { class: 'muted' }, T('cannotAct'), L(actions.reason)));
  else if (!actions.actions.length) actionsBox.append(h('p', { class: 'muted' }, T('noActions')));
  else for (const a of actions.actions) actionsBox.append(decisionForm(a));

  // ——— timeline: newest first, each decision's content as labelled fields ———
  const what = (e) => e.kind === 'decision' ? L(labels.events[e.type]?.title) || e.type
    : e.kind === 'timer' ? `${T('timer')}：${L(labels.timers[e.type]) || e.type}`
    : e.kind === 'notification' ? `${T('notification')}：${L(labels.notifications[e.type]) || e.type}` : e.type;
  const tl = h('ol', { class: 'timeline-list', 'data-testid': 'timeline' }, [...timeline].reverse().map((e) => h('li', { class: `entry ${e.kind}`, 'data-seq': e.seq },
    h('div', { class: 'entry-head' }, h('strong', {}, what(e)), h('span', { class: 'muted' }, e.kind === 'decision' && e.occurredOn ? `${T('occurredOn')} ${e.occurredOn}` : beijing(e.at))),
    e.actor ? h('div', { class: 'muted' }, `${L(labels.roles[e.actor.role])} ${e.actor.org}${e.actor.user ? `（${e.actor.user}）` : ''}`) : null,
    e.kind === 'decision' && e.data && Object.keys(withoutAttachments(e.data)).length ? fieldsOf(withoutAttachments(e.data)) : null,
    e.kind === 'decision' && Array.isArray(e.data?.attachments) && e.data.attachments.length ? attachmentLinks(e.data.attachments) : null,
    e.kind === 'notification' && e.data?.message ? h('div', {}, L(e.data.message)) : null,
    (e.after ?? []).length ? h('div', { class: 'muted' }, `${T('after')}：${e.after.map(stateName).join('；')}`) : null)));

  /** A decision's payload without the documents it carried (those are shown as links). */
  function withoutAttachments(data) {
    if (!data || typeof data !== 'object' || !('attachments' in data)) return data;
    const { attachments: _files, ...rest } = data;
    return rest;
  }
  function sizeText(n) {
    return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
  }
  /** Downloads one of the case's files through the API (the session cookie; 403 to those who may not see the case). */
  async function download(ref, where) {
    const res = await fetch(`/api/cases/${enc}/attachments/${ref.sha256}`, { credentials: 'same-origin' });
    if (!res.ok) {
      const body = await res.json().catch(() => undefined);
      where.replaceChildren(errorBanner({ text: body?.error?.message ?? { zh: `下载失败（HTTP ${res.status}）`, en: `download failed (HTTP ${res.status})` } }));
      return;
    }
    const href = URL.createObjectURL(await res.blob());
    const a = h('a', { href, download: ref.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  }
  /** The documents a decision carried, each a download link. */
  function attachmentLinks(refs) {
    const problem = h('div', {});
    return h('div', { class: 'attachments', 'data-testid': 'decision-attachments' },
      h('span', { class: 'muted' }, lang === 'zh' ? '附件：' : 'Attachments: '),
      h('ul', { class: 'field-list' }, refs.map((ref) => h('li', {},
        h('a', { href: `/api/cases/${enc}/attachments/${ref.sha256}`, 'data-attachment': ref.sha256, onclick: (ev) => { ev.preventDefault(); download(ref, problem); } }, ref.name),
        h('span', { class: 'muted' }, ` ${ref.type === 'application/pdf' ? 'PDF' : ref.type.replace('image/', '').toUpperCase()} · ${sizeText(ref.size)}`)))),
      problem);
  }

  /** A payload as a list of labelled fields (names from i18n.js FIELDS, enum values from VALUES), never raw JSON. */
  function fieldsOf(value, depth = 0) {
    if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
    if (typeof value === 'boolean') return h('span', {}, value ? T('yes') : T('no'));
    if (typeof value === 'number') return h('span', {}, value.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en'));
    if (typeof value === 'string') return h('span', { class: 'value' }, VALUES[value] ? tr(VALUES[value], lang) : value);
    if (depth > 4) return h('span', { class: 'muted' }, '…');
    if (Array.isArray(value)) return value.length ? h('ol', { class: 'field-list' }, value.map((v) => h('li', {}, fieldsOf(v, depth + 1)))) : h('span', { class: 'muted' }, '—');
    return h('dl', { class: 'fields' }, Object.entries(value).flatMap(([k, v]) => [h('dt', {}, FIELDS[k] ? tr(FIELDS[k], lang) : k), h('dd', {}, fieldsOf(v, depth + 1))]));
  }

  function decisionForm(action) {
    const fields = build(action.schema, 'data', lang, true);
    const date = h('input', { type: 'date', name: 'occurredOn', value: todayBeijing(), 'data-path': 'occurredOn' });
    const result = h('div', { 'data-testid': `result-${action.type}` });
    const files = h('input', { type: 'file', name: 'attachments', multiple: true, accept: 'application/pdf,image/png,image/jpeg,image/gif,image/webp', 'data-testid': `attach-${action.type}` });
    const submit = h('button', { class: 'primary', type: 'submit', 'data-testid': `submit-${action.type}` }, T('submit'));
    const form = h('form', { 'data-action': action.type, novalidate: true },
      fields.el,
      h('div', { class: 'field', 'data-field': 'occurredOn' }, h('label', {}, h('span', { class: 'name' }, T('occurredOn')), h('br'), date), h('div', { class: 'err', 'data-error-for': 'occurredOn', 'data-testid': 'error-occurredOn' })),
      h('div', { class: 'field', 'data-field': 'data.attachments' },
        h('label', {}, h('span', { class: 'name' }, lang === 'zh' ? '附件（PDF 或图片，可选）' : 'Attachments (PDF or images, optional)'), h('br'), files),
        h('div', { class: 'err', 'data-error-for': 'data.attachments', 'data-testid': 'error-data.attachments' })),
      h('p', {}, submit), result);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      result.replaceChildren();
      clearIssues(form);
      const issues = [];
      fields.check(issues);
      if (issues.length) {
        showIssues(form, issues);
        result.append(h('div', { class: 'banner error', role: 'alert' }, T('fieldErrors')));
        return;
      }
      submit.disabled = true;
      try {
        // The files first (stored by content, registered on the case), then the decision that carries them.
        const attachments = [];
        for (const f of files.files ?? []) {
          const r = await api(`/api/cases/${enc}/attachments?name=${encodeURIComponent(f.name)}`, { method: 'POST', body: f, headers: { 'content-type': f.type || 'application/octet-stream' } });
          attachments.push({ sha256: r.sha256, name: r.name, type: r.type, size: r.size });
        }
        const data = fields.get() ?? {};
        await api(`/api/cases/${enc}/decisions`, {
          method: 'POST',
          body: JSON.stringify({ type: action.type, occurredOn: date.value || undefined, data: attachments.length ? { ...data, attachments } : data, requestId: crypto.randomUUID() }),
        });
        await casePage(ctx, h('div', { class: 'banner ok', role: 'status', 'data-testid': 'flash' }, T('applied'), L(action.title)));
      } catch (err) {
        submit.disabled = false;
        const left = err.issues?.length ? showIssues(form, err.issues) : [];
        result.append(h('div', { class: 'banner error', role: 'alert', 'data-testid': 'refusal' }, T('refused'), L(err.text), left.length ? ` (${left.map((i) => i.path).join(', ')})` : ''));
      }
    });
    // The Chinese view names the decision in Chinese only; the English view adds its event type for developers.
    return h('details', { class: 'action', 'data-testid': `action-${action.type}` },
      h('summary', {}, `${L(action.title)}（${action.clause}）`, lang === 'en' ? h('span', { class: 'muted' }, ` ${action.type}`) : null), form);
  }

  app.replaceChildren(
    h('p', {}, h('a', { href: '#/todo' }, T('navTodo')), ' · ', h('a', { href: '#/cases' }, T('back')), ' · ',
      h('a', { href: `#/documents/${enc}`, 'data-testid': 'case-documents' }, lang === 'zh' ? '案件附件' : 'Documents')),
    flash ?? '',
    h('div', { class: 'card' }, h('h1', { 'data-testid': 'case-title' }, `${c.enterpriseName}`), bar),
    h('div', { class: 'case-grid' },
      h('div', {},
        h('div', { class: 'card' }, facts),
        h('div', { class: 'card' }, h('h2', {}, T('yourActions')), actionsBox),
        h('div', { class: 'card' }, h('h2', {}, T('deadlines')), deadlines)),
      h('div', {},
        h('div', { class: 'card' }, h('h2', {}, T('timeline')), tl))),
    h('div', { class: 'card' }, h('h2', {}, T('diagram')), h('p', {}, show, ' ', zoom), diagram));
}
