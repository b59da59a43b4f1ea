// A case's documents (issue 12 item 5): the attachments listed with who uploaded them and when, downloaded through
// the API (only those who may see the case), and a PDF or image uploaded (type told by content, size-limited by the
// server). Address: #/documents/<caseId>.

const TX = {
  title: { zh: '案件附件', en: 'Case documents' },
  back: { zh: '← 返回案件', en: '← Back to the case' },
  none: { zh: '本案还没有附件', en: 'No documents on this case yet' },
  upload: { zh: '上传附件', en: 'Upload a document' },
  help: { zh: 'PDF 或图片（PNG、JPEG、GIF、WebP），如签字盖章的协议扫描件、摸排表、检测报告。', en: 'A PDF or image (PNG, JPEG, GIF, WebP): the signed agreement\'s scan, the survey sheet, an inspection report.' },
  send: { zh: '上传', en: 'Upload' },
  uploaded: { zh: '已上传：', en: 'Uploaded: ' },
  duplicate: { zh: '本案已有相同内容的附件：', en: 'The case already holds these bytes: ' },
  name: { zh: '文件', en: 'File' },
  type: { zh: '类型', en: 'Type' },
  size: { zh: '大小', en: 'Size' },
  by: { zh: '上传人', en: 'Uploaded by' },
  at: { zh: '时间', en: 'When' },
};

export default async function render({ app, api, h, L, labels, errorBanner }) {
  const X = (k) => L(TX[k]);
  const caseId = decodeURIComponent(/^#\/documents\/([^/?]+)/.exec(location.hash)?.[1] ?? '');
  const base = `/api/cases/${encodeURIComponent(caseId)}/attachments`;
  const beijing = (iso) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  const list = h('div', { 'data-testid': 'documents' });
  const flash = h('div', {});

  const download = async (e) => {
    const res = await fetch(e.url, { credentials: 'same-origin' });
    if (!res.ok) {
      const body = await res.json().catch(() => undefined);
      flash.replaceChildren(errorBanner({ text: body?.error?.message ?? { zh: `下载失败（HTTP ${res.status}）`, en: `download failed (HTTP ${res.status})` } }));
      return;
    }
    const href = URL.createObjectURL(await res.blob());
    const a = h('a', { href, download: e.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };
  const load = async () => {
    let entries;
    try {
      entries = await api(base);
    } catch (err) {
      list.replaceChildren(errorBanner(err));
      return false;
    }
    list.replaceChildren(entries.length
      ? h('table', { class: 'timeline' },
          h('thead', {}, h('tr', {}, ['name', 'type', 'size', 'by', 'at'].map((k) => h('th', {}, X(k))))),
          h('tbody', {}, entries.map((e) => h('tr', { 'data-sha256': e.sha256 },
            h('td', {}, h('a', { href: `#/documents/${caseId}`, 'data-testid': `download-${e.sha256.slice(0, 12)}`, onclick: (ev) => { ev.preventDefault(); download(e); } }, e.name)),
            h('td', {}, e.type),
            h('td', {}, `${Math.max(1, Math.round(e.size / 1024))} KB`),
            h('td', {}, `${e.uploadedBy}（${L(labels.roles[e.role]) || e.role} ${e.org}）`),
            h('td', {}, beijing(e.uploadedAt))))))
      : h('p', { class: 'muted' }, X('none')));
    return true;
  };

  const file = h('input', { type: 'file', name: 'file', accept: 'application/pdf,image/png,image/jpeg,image/gif,image/webp', required: true, 'data-testid': 'document-file' });
  const submit = h('button', { class: 'primary', type: 'submit', 'data-testid': 'document-upload' }, X('send'));
  const form = h('form', { class: 'filters', 'data-testid': 'document-form' }, file, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    submit.disabled = true;
    try {
      const r = await api(`${base}?name=${encodeURIComponent(f.name)}`, { method: 'POST', body: f, headers: { 'content-type': f.type || 'application/octet-stream' } });
      flash.replaceChildren(h('div', { class: 'banner ok', role: 'status', 'data-testid': 'flash' }, r.duplicate ? X('duplicate') : X('uploaded'), r.name));
      form.reset();
      await load();
    } catch (err) {
      flash.replaceChildren(errorBanner(err));
    } finally {
      submit.disabled = false;
    }
  });

  app.replaceChildren(
    h('p', {}, h('a', { href: `#/case/${caseId}` }, X('back'))),
    h('div', { class: 'card' }, h('h1', {}, `${X('title')} · ${caseId.replace(/^handover-/, '')}`), flash, list),
    h('div', { class: 'card' }, h('h2', {}, X('upload')), h('p', { class: 'muted' }, X('help')), form));
  if (!(await load())) form.hidden = true;
}
