// The city and district dashboard (issue 12 item 3): per district, cases by stage, planned / agreement signed /
// handed over, overdue, next deadlines, and progress over time, drawn with Apache ECharts (served by the API from
// node_modules); printable (print stylesheet below) and exportable as .xlsx with the same figures (GET
// /api/dashboard.xlsx). The figures are the API's (client/dashboard.ts), computed as the monthly table is.

const TX = {
  title: { zh: '工作看板', en: 'Dashboard' },
  city: { zh: '全市', en: 'City' },
  scope: { zh: '范围', en: 'Scope' },
  year: { zh: '年度', en: 'Year' },
  show: { zh: '查看', en: 'Show' },
  print: { zh: '打印', en: 'Print' },
  export: { zh: '导出 Excel', en: 'Export .xlsx' },
  asOf: { zh: '数据时点', en: 'As of' },
  cases: { zh: '案件', en: 'Cases' },
  planned: { zh: '计划移交', en: 'Planned' },
  agreementSigned: { zh: '已签协议', en: 'Agreement signed' },
  handedOver: { zh: '已移交', en: 'Handed over' },
  overdue: { zh: '逾期', en: 'Overdue' },
  completedThisYear: { zh: '本年完成', en: 'Completed this year' },
  byStage: { zh: '各区县分阶段案件数', en: 'Cases by stage, per district' },
  progress: { zh: '累计进展（件）', en: 'Progress (cumulative cases)' },
  workPlanAgreed: { zh: '方案达成', en: 'Plan agreed' },
  completed: { zh: '已完成', en: 'Completed' },
  plannedCompletion: { zh: '计划完成', en: 'Planned completion' },
  table: { zh: '各区县数字', en: 'Figures per district' },
  total: { zh: '合计', en: 'Total' },
  next: { zh: '临近期限', en: 'Next deadlines' },
  none: { zh: '暂无', en: 'none' },
  unreadable: { zh: '未能读取的案件（无工作进程应答），未计入：', en: 'Cases that did not answer (no worker), not counted: ' },
  sameAs: { zh: '与工作进度表（附件2）和年度总结同一口径。', en: 'Counted as in the progress table (附件2) and the year-end summary.' },
};

const PRINT_CSS = `
.dash-kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; }
.dash-kpi { border: 1px solid #dde3ec; border-radius: 6px; padding: 8px 12px; background: #f8fafc; }
.dash-kpi b { display: block; font-size: 24px; }
.dash-chart { width: 100%; height: 360px; }
.dash-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
.dash-table { width: 100%; border-collapse: collapse; font-size: 13px; }
.dash-table th, .dash-table td { border: 1px solid #dde3ec; padding: 3px 6px; text-align: right; }
.dash-table th:first-child, .dash-table td:first-child { text-align: left; }
.dash-table tfoot td { font-weight: 600; }
.dash-wide { overflow-x: auto; }
@media (max-width: 900px) { .dash-grid { grid-template-columns: 1fr; } .dash-chart { height: 300px; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  header.top, .dash-controls, .no-print { display: none !important; }
  body { background: #fff; }
  main { padding: 0; max-width: none; }
  .card { border: 0; padding: 0; margin-bottom: 8mm; break-inside: avoid; }
  .dash-grid { grid-template-columns: 1fr 1fr; }
  .dash-chart { height: 80mm; }
  .dash-wide { overflow: visible; }
}`;

let echartsLoading;
/** Loads Apache ECharts once (a classic script that sets window.echarts). */
function loadEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  echartsLoading ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/console/vendor/echarts.min.js';
    s.onload = () => resolve(window.echarts);
    s.onerror = () => reject(new Error('echarts did not load'));
    document.head.append(s);
  });
  return echartsLoading;
}

const charts = [];
window.addEventListener('beforeprint', () => charts.forEach((c) => c.resize()));
window.addEventListener('afterprint', () => charts.forEach((c) => c.resize()));
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));

export default async function render({ app, api, h, lang, me, labels, L, errorBanner }) {
  const X = (k) => L(TX[k]);
  if (!document.getElementById('dashboard-css')) document.head.append(h('style', { id: 'dashboard-css' }, PRINT_CSS));
  for (const c of charts.splice(0)) c.dispose();

  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const isCity = me.role.startsWith('city');
  const params = new URLSearchParams();
  if (q.get('district')) params.set('district', q.get('district'));
  if (q.get('year')) params.set('year', q.get('year'));
  app.replaceChildren(h('p', { class: 'muted' }, L({ zh: '加载中…', en: 'Loading…' })));
  let d;
  try {
    [d] = await Promise.all([api(`/api/dashboard?${params}`), loadEcharts()]);
  } catch (err) {
    app.replaceChildren(errorBanner(err));
    return;
  }
  const stageName = (st) => L(labels.stages[st]) || st;
  const stages = Object.keys(d.total.byStage);

  // Controls: a city body picks a district (or the city), anyone the year; print and export.
  const district = isCity
    ? h('select', { name: 'district', 'data-testid': 'dash-district' }, h('option', { value: '' }, X('city')),
        d.districts.map((x) => h('option', { value: x.district, selected: q.get('district') === x.district }, x.district)),
        q.get('district') && !d.districts.some((x) => x.district === q.get('district')) ? h('option', { value: q.get('district'), selected: true }, q.get('district')) : null)
    : null;
  const year = h('input', { name: 'year', value: String(d.year), size: 5, inputmode: 'numeric', 'data-testid': 'dash-year' });
  const controls = h('form', { class: 'filters dash-controls' },
    district ? h('label', {}, X('scope'), h('br'), district) : null,
    h('label', {}, X('year'), h('br'), year),
    h('button', { class: 'primary', type: 'submit' }, X('show')),
    h('button', { type: 'button', 'data-testid': 'dash-print', onclick: () => window.print() }, X('print')),
    h('button', { type: 'button', 'data-testid': 'dash-export', onclick: () => download() }, X('export')));
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (district?.value) p.set('district', district.value);
    if (year.value.trim()) p.set('year', year.value.trim());
    location.hash = `#/dashboard?${p}`;
  });
  const download = async () => {
    const res = await fetch(`/api/dashboard.xlsx?${params}&lang=${lang}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    const name = decodeURIComponent((res.headers.get('content-disposition') ?? '').split("''")[1] ?? 'dashboard.xlsx');
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const kpi = (key, value) => h('div', { class: 'dash-kpi', 'data-testid': `dash-kpi-${key}` }, h('span', { class: 'muted' }, X(key)), h('b', {}, String(value)));
  const t = d.total;
  const scopeName = d.scope === 'city' ? X('city') : d.scope;
  const stageChart = h('div', { class: 'dash-chart', 'data-testid': 'dash-chart-stages' });
  const progressChart = h('div', { class: 'dash-chart', 'data-testid': 'dash-chart-progress' });
  const cols = d.columns;
  const cell = (row, key) => (key === 'district' ? row.district : key.startsWith('stage.') ? row.byStage[key.slice(6)] : row[key]);
  const table = h('table', { class: 'dash-table', 'data-testid': 'dash-table' },
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, c[lang])))),
    h('tbody', {}, d.districts.map((r) => h('tr', { 'data-district': r.district }, cols.map((c) => h('td', { 'data-col': c.key }, String(cell(r, c.key))))))),
    d.districts.length > 1 ? h('tfoot', {}, h('tr', { 'data-district': '' }, cols.map((c) => h('td', { 'data-col': c.key }, c.key === 'district' ? X('total') : String(cell(t, c.key)))))) : null);
  const next = d.nextDeadlines.length
    ? h('table', { class: 'timeline', 'data-testid': 'dash-next' }, h('tbody', {}, d.nextDeadlines.map((n) => h('tr', {},
        h('td', { class: n.overdue ? 'overdue' : '' }, n.due),
        h('td', {}, L(n.label)),
        h('td', {}, h('a', { href: `#/case/${n.caseId}` }, n.enterprise)),
        h('td', {}, n.district),
        h('td', {}, stageName(n.stage))))))
    : h('p', { class: 'muted' }, X('none'));

  app.replaceChildren(
    h('div', { class: 'card', 'data-testid': 'dashboard' },
      h('h1', {}, `${X('title')} · ${scopeName} · ${d.year}`),
      controls,
      h('p', { class: 'muted' }, `${X('asOf')} ${new Date(Date.parse(d.asOf) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ')} (UTC+8)。${X('sameAs')}`),
      d.unreadable.length ? h('div', { class: 'banner error', role: 'alert' }, X('unreadable'), d.unreadable.join(', ')) : null,
      h('div', { class: 'dash-kpis' }, kpi('planned', t.planned), kpi('agreementSigned', t.agreementSigned), kpi('handedOver', t.handedOver), kpi('overdue', t.overdue), kpi('completedThisYear', t.completedThisYear))),
    h('div', { class: 'dash-grid' },
      h('div', { class: 'card' }, h('h2', {}, X('byStage')), stageChart),
      h('div', { class: 'card' }, h('h2', {}, X('progress')), progressChart)),
    h('div', { class: 'card' }, h('h2', {}, X('table')), h('div', { class: 'dash-wide' }, table)),
    h('div', { class: 'card' }, h('h2', {}, X('next')), h('div', { class: 'dash-wide' }, next)));

  // SVG rendering: sharp when printed, and the chart's marks are elements a test (or a screen reader tool) can find.
  const echarts = window.echarts;
  const stagesChart = echarts.init(stageChart, null, { renderer: 'svg' });
  stagesChart.setOption({
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 64, containLabel: true },
    xAxis: { type: 'category', data: d.districts.map((x) => x.district), axisLabel: { interval: 0, rotate: d.districts.length > 6 ? 40 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: stages.map((st) => ({ name: stageName(st), id: st, type: 'bar', stack: 'stage', barMaxWidth: 64, data: d.districts.map((x) => x.byStage[st]) })),
  });
  const progress = echarts.init(progressChart, null, { renderer: 'svg' });
  const line = (key) => ({ name: X(key), id: key, type: 'line', data: d.progress[key], symbolSize: 5, ...(key === 'plannedCompletion' ? { lineStyle: { type: 'dashed' } } : {}) });
  progress.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: d.progress.months },
    yAxis: { type: 'value', minInterval: 1 },
    series: ['workPlanAgreed', 'agreementSigned', 'handedOver', 'completed', 'plannedCompletion'].map(line),
  });
  charts.push(stagesChart, progress);
}
