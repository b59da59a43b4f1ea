// Paperwork on demand (issue 12 item 6): the district's progress table (附件2) for any month, the year-end summary,
// and the filtered case list as .xlsx — made by the API with the CLI's own functions (client/reports.ts). The case
// list's filters can be handed in through the address (#/paperwork?district=…&stage=…&overdue=true&due=…&q=…).

const TX = {
  title: { zh: '报表', en: 'Paperwork' },
  monthly: { zh: '工作进度表（附件2）', en: 'Progress table (附件2)' },
  monthlyHelp: { zh: '按案件的实时状态立即生成某区县某月的进度表。', en: "A district's table for a month, built now from the cases' live state." },
  summary: { zh: '年度总结', en: 'Year-end summary' },
  summaryHelp: { zh: '各区县及全市汇总；不选区县为全市（市级部门）。', en: 'Per district and for the city; without a district, the city (city bodies).' },
  caseList: { zh: '案件列表导出', en: 'Case list export' },
  caseListHelp: { zh: '按条件筛选的案件列表，导出为 Excel。', en: 'The filtered case list as an Excel workbook.' },
  district: { zh: '区县', en: 'District' },
  cityWide: { zh: '全市', en: 'City' },
  month: { zh: '月份', en: 'Month' },
  year: { zh: '年度', en: 'Year' },
  format: { zh: '格式', en: 'Format' },
  language: { zh: '语言', en: 'Language' },
  stage: { zh: '阶段', en: 'Stage' },
  any: { zh: '全部', en: 'any' },
  overdueOnly: { zh: '只看逾期', en: 'overdue only' },
  dueWithin: { zh: '期限在…天内', en: 'due within (days)' },
  text: { zh: '企业名称或代码', en: 'enterprise or code' },
  make: { zh: '生成并下载', en: 'Make and download' },
  export: { zh: '导出 Excel', en: 'Export .xlsx' },
  working: { zh: '正在生成…', en: 'Working…' },
  downloaded: { zh: '已下载：', en: 'Downloaded: ' },
};

export default async function render({ app, api, h, lang, me, labels, L, errorBanner }) {
  const X = (k) => L(TX[k]);
  const isCity = me.role.startsWith('city');
  let districts = [];
  if (isCity) {
    try {
      // The districts of the plan table (the dashboard's reference data needs no administrator).
      districts = (await api('/api/dashboard/districts')).districts;
    } catch {
      districts = [];
    }
  }
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const now = new Date(Date.now() + 8 * 3600e3).toISOString();
  const districtField = (name, cityOption, testid) => isCity
    ? h('select', { name, 'data-testid': testid }, cityOption ? h('option', { value: '' }, X('cityWide')) : null, districts.map((d) => h('option', { value: d, selected: q.get('district') === d }, d)))
    : h('input', { name, value: me.district ?? '', disabled: true, size: 12, 'data-testid': testid });
  const langSelect = () => h('select', { name: 'lang' }, h('option', { value: 'zh', selected: lang === 'zh' }, '中文'), h('option', { value: 'en', selected: lang === 'en' }, 'English'));

  const status = h('div', { 'data-testid': 'paperwork-status', role: 'status' });
  const download = async (url, button) => {
    status.replaceChildren(h('p', { class: 'muted' }, X('working')));
    button.disabled = true;
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) {
        const body = await res.json().catch(() => undefined);
        status.replaceChildren(errorBanner({ text: body?.error?.message ?? { zh: `请求失败（HTTP ${res.status}）`, en: `request failed (HTTP ${res.status})` } }));
        return;
      }
      const name = decodeURIComponent((res.headers.get('content-disposition') ?? '').split("''")[1] ?? 'report');
      const href = URL.createObjectURL(await res.blob());
      const a = h('a', { href, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      status.replaceChildren(h('div', { class: 'banner ok', 'data-testid': 'paperwork-downloaded' }, X('downloaded'), name));
    } finally {
      button.disabled = false;
    }
  };
  const form = (testid, fields, action, label) => {
    const button = h('button', { class: 'primary', type: 'submit', 'data-testid': `${testid}-submit` }, label);
    const f = h('form', { class: 'filters', 'data-testid': testid }, ...fields, button);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      download(action(), button);
    });
    return f;
  };
  const params = (entries) => new URLSearchParams(Object.entries(entries).filter(([, v]) => v !== '' && v !== undefined && v !== false)).toString();

  // ——— 附件2 for a month ———
  const mDistrict = districtField('district', false, 'monthly-district');
  const mMonth = h('input', { type: 'month', name: 'month', value: now.slice(0, 7), required: true, 'data-testid': 'monthly-month' });
  const mLang = langSelect();
  const monthly = form('monthly', [h('label', {}, X('district'), h('br'), mDistrict), h('label', {}, X('month'), h('br'), mMonth), h('label', {}, X('language'), h('br'), mLang)],
    () => `/api/paperwork/monthly.xlsx?${params({ district: isCity ? mDistrict.value : '', month: mMonth.value, lang: mLang.value })}`, X('make'));

  // ——— year-end summary ———
  const sDistrict = districtField('district', true, 'summary-district');
  const sYear = h('input', { name: 'year', value: now.slice(0, 4), size: 5, inputmode: 'numeric', 'data-testid': 'summary-year' });
  const sFormat = h('select', { name: 'format' }, ['xlsx', 'html', 'md'].map((f) => h('option', { value: f }, f)));
  const sLang = langSelect();
  const summary = form('summary', [h('label', {}, X('district'), h('br'), sDistrict), h('label', {}, X('year'), h('br'), sYear), h('label', {}, X('format'), h('br'), sFormat), h('label', {}, X('language'), h('br'), sLang)],
    () => `/api/paperwork/summary?${params({ district: isCity ? sDistrict.value : '', year: sYear.value.trim(), format: sFormat.value, lang: sLang.value })}`, X('make'));

  // ——— the filtered case list ———
  const cDistrict = isCity ? h('input', { name: 'district', value: q.get('district') ?? '', size: 12 }) : h('input', { name: 'district', value: me.district ?? '', disabled: true, size: 12 });
  const cStage = h('select', { name: 'stage', 'data-testid': 'export-stage' }, h('option', { value: '' }, X('any')),
    Object.entries(labels.stages).map(([k, v]) => h('option', { value: k, selected: q.get('stage') === k }, L(v))));
  const cOverdue = h('input', { type: 'checkbox', name: 'overdue', checked: q.get('overdue') === 'true' });
  const cDue = h('input', { name: 'due', value: q.get('due') ?? '', size: 5, inputmode: 'numeric' });
  const cText = h('input', { name: 'q', value: q.get('q') ?? '', size: 16, 'data-testid': 'export-text' });
  const cLang = langSelect();
  const cases = form('export', [
    h('label', {}, X('district'), h('br'), cDistrict), h('label', {}, X('stage'), h('br'), cStage), h('label', {}, h('br'), cOverdue, ' ', X('overdueOnly')),
    h('label', {}, X('dueWithin'), h('br'), cDue), h('label', {}, X('text'), h('br'), cText), h('label', {}, X('language'), h('br'), cLang)],
  () => `/api/cases.xlsx?${params({ district: isCity ? cDistrict.value.trim() : '', stage: cStage.value, overdue: cOverdue.checked ? 'true' : '', dueWithinDays: cDue.value.trim(), q: cText.value.trim(), lang: cLang.value })}`, X('export'));

  app.replaceChildren(
    h('div', { class: 'card', 'data-testid': 'paperwork' }, h('h1', {}, X('title')), status),
    h('div', { class: 'card' }, h('h2', {}, X('monthly')), h('p', { class: 'muted' }, X('monthlyHelp')), monthly),
    h('div', { class: 'card' }, h('h2', {}, X('summary')), h('p', { class: 'muted' }, X('summaryHelp')), summary),
    h('div', { class: 'card' }, h('h2', {}, X('caseList')), h('p', { class: 'muted' }, X('caseListHelp')), cases));
}
