// Documents on a case (issue 12 item 5) on the real dev server: a PDF attached by the district, downloaded by
// another party of the case (the township) and refused (403) to a user of another district; types told by content;
// size limited; stored by sha256 and never overwritten; listed on the case; every upload audited.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ATTACHMENT_BYTES } from '../../client/api/routes/attachments';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { PAYLOADS, freshCreditCode } from '../helpers/decisions';

// The store and its register go under a fresh data folder.
const dataDir = mkdtempSync(join(tmpdir(), 'handover-attachments-'));
process.env.HANDOVER_DATA_DIR = dataDir;

let env: ApiEnv;
const tokens: Record<string, string> = {};
const code = freshCreditCode();
// The case's id as the API gives it (set in beforeAll).
let caseId = '';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'), Buffer.from(`移交协议 ${code}`), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const upload = (who: string, bytes: Buffer, name: string, type = 'application/pdf') =>
  env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/attachments?name=${encodeURIComponent(name)}`, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': type }, payload: bytes });
const get = (who: string, url: string) => env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

beforeAll(async () => {
  env = await startApiEnv('attachments');
  tokens.district = env.users.add({ name: 'operator', role: 'districtCivilAffairs', org: '九龙坡区' }).token;
  tokens.township = env.users.add({ name: 'yangjiaping', role: 'township', org: '九龙坡区/杨家坪街道' }).token;
  tokens.other = env.users.add({ name: 'jiangbei', role: 'districtCivilAffairs', org: '江北区' }).token;
  tokens.city = env.users.add({ name: 'city', role: 'cityCivilAffairs', org: 'chongqing' }).token;
  const start = await env.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { authorization: `Bearer ${tokens.district}` },
    payload: { creditCode: code, enterpriseName: '附件测试机械厂', district: '九龙坡区', township: '杨家坪街道', settings: { cityTargetDate: '2099-12-31' } },
  });
  expect([start.statusCode, start.body]).toEqual([201, expect.anything()]);
  caseId = start.json().caseId;
}, 120_000);

afterAll(async () => {
  await env?.stop();
});

describe('attachments', () => {
  it('stores a PDF by its sha256, lists it, and lets another party of the case download it', async () => {
    const res = await upload('district', PDF, '移交协议（签字扫描件）.pdf');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ sha256: sha(PDF), name: '移交协议（签字扫描件）.pdf', type: 'application/pdf', size: PDF.length, uploadedBy: 'operator', role: 'districtCivilAffairs', org: '九龙坡区', duplicate: false });
    const file = join(dataDir, 'attachments', 'files', sha(PDF).slice(0, 2), sha(PDF));
    expect(readFileSync(file)).toEqual(PDF);
    const down = await get('township', body.url);
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect(decodeURIComponent(String(down.headers['content-disposition']))).toContain('移交协议（签字扫描件）.pdf');
    expect(down.rawPayload).toEqual(PDF);
    expect((await get('city', body.url)).statusCode).toBe(200);
    expect(env.audit.read().filter((r) => r.action === 'attach').map((r) => [r.user, r.caseId, r.outcome])).toEqual([['operator', caseId, 'applied']]);
  });

  it('refuses users of another district (403) to list, download or upload', async () => {
    const url = `/api/cases/${caseId}/attachments/${sha(PDF)}`;
    const down = await get('other', url);
    expect(down.statusCode).toBe(403);
    expect(down.json().error.code).toBe('forbidden');
    expect(down.body).not.toContain('%PDF');
    expect((await get('other', `/api/cases/${caseId}/attachments`)).statusCode).toBe(403);
    expect((await upload('other', PNG, 'x.png', 'image/png')).statusCode).toBe(403);
    expect(env.audit.read().filter((r) => r.action === 'attach' && r.user === 'jiangbei').map((r) => r.outcome)).toEqual(['forbidden']);
    expect((await env.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it('tells the type by content, not by the claimed type or name, and limits the size', async () => {
    const fake = await upload('township', Buffer.from('<html><script>alert(1)</script></html>'), 'report.pdf', 'application/pdf');
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('unsupportedType');
    expect(fake.json().error.message.zh).toContain('不是 PDF 或图片');
    // A PNG sent as octet-stream with a .pdf name is still a PNG.
    const png = await upload('township', PNG, '../../etc/现场照片.pdf', 'application/octet-stream');
    expect(png.statusCode).toBe(201);
    expect(png.json()).toMatchObject({ type: 'image/png', name: '现场照片.pdf', uploadedBy: 'yangjiaping' });
    const big = await upload('district', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_ATTACHMENT_BYTES)]), 'big.pdf');
    expect(big.statusCode).toBe(413);
    expect((await upload('district', Buffer.alloc(0), 'empty.pdf')).statusCode).toBe(400);
    expect((await get('district', `/api/cases/${caseId}/attachments/${'0'.repeat(64)}`)).statusCode).toBe(404);
  });

  it('never overwrites: the same bytes again are the same file and the same entry', async () => {
    const file = join(dataDir, 'attachments', 'files', sha(PDF).slice(0, 2), sha(PDF));
    const before = statSync(file);
    const again = await upload('township', PDF, 'another name.pdf');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ duplicate: true, name: '移交协议（签字扫描件）.pdf', uploadedBy: 'operator' });
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    const list = (await get('township', `/api/cases/${caseId}/attachments`)).json();
    expect(list.map((e: { sha256: string; type: string }) => [e.sha256, e.type])).toEqual([
      [sha(PDF), 'application/pdf'],
      [sha(PNG), 'image/png'],
    ]);
  });

  it('records the files a decision carries with the decision: only files uploaded to this case, shape checked, bound to the request id', async () => {
    const ref = (b: Buffer, name: string, type: string) => ({ sha256: sha(b), name, type, size: b.length });
    const decide = (who: string, data: unknown, requestId: string) =>
      env.app.inject({ method: 'POST', url: `/api/cases/${caseId}/decisions`, headers: { authorization: `Bearer ${tokens[who]}` }, payload: { type: 'SURVEY_SUBMITTED', data, requestId } });
    const survey = PAYLOADS.SURVEY_SUBMITTED as Record<string, unknown>;

    // A file never uploaded to this case is refused, naming the field; so are a wrong size, a bad hash, too many files.
    const elsewhere = Buffer.from('%PDF-1.4\n% not uploaded here\n%%EOF\n');
    const notHere = await decide('township', { ...survey, attachments: [ref(elsewhere, '别处.pdf', 'application/pdf')] }, `att-${code}-1`);
    expect(notHere.statusCode).toBe(400);
    expect(notHere.json().error.issues).toEqual([{ path: 'data.attachments.0.sha256', message: expect.stringContaining('本案没有上传过这个文件') }]);
    const wrongSize = await decide('township', { ...survey, attachments: [{ ...ref(PDF, 'a.pdf', 'application/pdf'), size: PDF.length + 1 }] }, `att-${code}-2`);
    expect(wrongSize.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['data.attachments.0.size']);
    const badHash = await decide('township', { ...survey, attachments: [{ ...ref(PDF, 'a.pdf', 'application/pdf'), sha256: 'abc' }] }, `att-${code}-3`);
    expect(badHash.statusCode).toBe(400);
    expect(badHash.json().error.issues[0]).toMatchObject({ path: 'data.attachments.0.sha256', message: expect.stringContaining('SHA-256') });
    const many = await decide('township', { ...survey, attachments: Array.from({ length: 11 }, (_, i) => ({ ...ref(PDF, 'a.pdf', 'application/pdf'), sha256: String(i).padStart(64, 'a') })) }, `att-${code}-4`);
    expect(many.json().error.issues[0]).toMatchObject({ path: 'data.attachments', message: expect.stringContaining('最多 10 个附件') });
    expect((await get('district', `/api/cases/${caseId}`)).json().state.decisions).toBe(0);

    // Files uploaded to the case go with the decision into the case record.
    const files = [ref(PDF, '摸排表.pdf', 'application/pdf'), ref(PNG, '现场照片.png', 'image/png')];
    const ok = await decide('township', { ...survey, attachments: files }, `att-${code}-ok`);
    expect(ok.statusCode).toBe(200);
    const timeline = (await get('district', `/api/cases/${caseId}/timeline?limit=1000`)).json() as Array<{ type: string; actor?: { user?: string }; data?: { attachments?: unknown; totalPeople?: number } }>;
    const entry = timeline.find((e) => e.type === 'SURVEY_SUBMITTED')!;
    expect(entry.data?.attachments).toEqual(files);
    expect(entry.data?.totalPeople).toBe(survey.totalPeople);
    expect(entry.actor?.user).toBe('yangjiaping');
    // The same request id with other files is another decision: refused, nothing applied; with the same files, a repeat.
    const conflict = await decide('township', { ...survey, attachments: [files[0]] }, `att-${code}-ok`);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.code).toBe('requestIdConflict');
    const repeat = await decide('township', { ...survey, attachments: files }, `att-${code}-ok`);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().duplicate).toBe(true);
    // Those who may see the case download what the decision carried; another district may not.
    expect((await get('district', `/api/cases/${caseId}/attachments/${sha(PNG)}`)).rawPayload).toEqual(PNG);
    expect((await get('other', `/api/cases/${caseId}/attachments/${sha(PNG)}`)).statusCode).toBe(403);
  });
});
