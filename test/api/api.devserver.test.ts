// The HTTP API on the real dev server with a real worker: authentication, authorization per case and district,
// payload errors naming their field, the actor taken from the token, the audit log, reports, and the OpenAPI document.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { caseState } from '../../client/cases';
import { caseIdFor } from '../../machines/case-input';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { freshCreditCode } from '../helpers/decisions';
import { eventually } from '../helpers/eventually';
import { PAYLOADS } from '../helpers/decisions';

let env: ApiEnv;
const code = freshCreditCode();
const otherCode = freshCreditCode();
const caseId = caseIdFor(code, '九龙坡区');
const tokens: Record<string, string> = {};

beforeAll(async () => {
  env = await startApiEnv('api');
  const add = (name: string, role: string, org: string) => (tokens[name] = env.users.add({ name, role, org }).token);
  add('district', 'districtCivilAffairs', '九龙坡区');
  add('districtGov', 'districtGovernment', '九龙坡区');
  add('enterprise', 'enterprise', code);
  add('otherEnterprise', 'enterprise', otherCode);
  add('township', 'township', '九龙坡区/杨家坪街道');
  add('neighbourTownship', 'township', '九龙坡区/谢家湾街道');
  add('jiangbeiTownship', 'township', '江北区/观音桥街道');
  add('city', 'cityCivilAffairs', 'chongqing');
});

afterAll(async () => {
  await env?.stop();
});

const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: unknown, rawToken?: string) =>
  env.app.inject({
    method,
    url,
    headers: rawToken !== undefined ? { authorization: rawToken } : who ? { authorization: `Bearer ${tokens[who]}` } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const opening = { creditCode: code, enterpriseName: 'API测试机械厂', district: '九龙坡区', township: '杨家坪街道', parentGroup: '某集团', settings: { cityTargetDate: '2099-12-31' } };

describe('HTTP API', () => {
  it('refuses every /api call without a token or with a wrong one, and changes nothing', async () => {
    const none = await call('GET', '/api/cases');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    expect(none.json().error.message.zh).toContain('未登录');
    const wrong = await call('GET', '/api/cases', undefined, undefined, 'Bearer hov_not-a-real-token');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalidToken');
    const notBearer = await call('GET', '/api/me', undefined, undefined, `Basic ${tokens.city}`);
    expect(notBearer.statusCode).toBe(401);
    const start = await call('POST', '/api/cases', undefined, opening, 'Bearer wrong');
    expect(start.statusCode).toBe(401);
    expect((await call('GET', `/api/cases/${caseId}`, 'city')).statusCode).toBe(404);
    expect(env.audit.read()).toEqual([]);
  });

  it('starts a case for the district operator only in its own district', async () => {
    const foreign = await call('POST', '/api/cases', 'jiangbeiTownship', opening);
    expect(foreign.statusCode).toBe(403);
    const bad = await call('POST', '/api/cases', 'district', { ...opening, creditCode: '91500000202812345X' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('creditCode');
    const ok = await call('POST', '/api/cases', 'district', opening);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ caseId, state: { stage: 'survey', activeStates: ['survey.collecting'] } });
    expect(env.audit.read().map((r) => [r.user, r.action, r.outcome])).toEqual([
      ['jiangbeiTownship', 'startCase', 'forbidden'],
      ['district', 'startCase', 'invalid'],
      ['district', 'startCase', 'applied'],
    ]);
  });

  it('shows an enterprise its own case and refuses it another enterprise’s, in view and in action', async () => {
    expect((await call('GET', `/api/cases/${code}`, 'enterprise')).statusCode).toBe(200);
    const view = await call('GET', `/api/cases/${caseId}`, 'otherEnterprise');
    expect(view.statusCode).toBe(403);
    expect(view.json().error.message.zh).toContain('只能查看本企业的案件');
    for (const path of ['timeline', 'actions', 'diagram.svg']) expect((await call('GET', `/api/cases/${caseId}/${path}`, 'otherEnterprise')).statusCode).toBe(403);
    const act = await call('POST', `/api/cases/${caseId}/decisions`, 'otherEnterprise', { type: 'MAJOR_PROBLEM_REPORTED', data: { summary: '试图越权' } });
    expect(act.statusCode).toBe(403);
    expect((await caseState(env.client, caseId)).decisions).toBe(0);
    expect(env.audit.read().at(-1)).toMatchObject({ user: 'otherEnterprise', action: 'decide', caseId, outcome: 'forbidden' });
    // Its list holds its own case only (none here), even when others exist.
    await eventually(async () => {
      const own = (await call('GET', '/api/cases', 'enterprise')).json();
      expect(own.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    });
    expect((await call('GET', '/api/cases', 'otherEnterprise')).json().cases).toEqual([]);
  });

  it('refuses a township user the cases of another district', async () => {
    const view = await call('GET', `/api/cases/${caseId}`, 'jiangbeiTownship');
    expect(view.statusCode).toBe(403);
    expect(view.json().error.message.zh).toContain('只能查看本区县（江北区）的案件');
    const list = await call('GET', '/api/cases?district=九龙坡区', 'jiangbeiTownship');
    expect(list.statusCode).toBe(403);
    const own = (await call('GET', '/api/cases', 'jiangbeiTownship')).json();
    expect(own.cases.some((c: { caseId: string }) => c.caseId === caseId)).toBe(false);
    await eventually(async () => {
      const district = (await call('GET', '/api/cases?district=九龙坡区&stage=survey', 'township')).json();
      expect(district.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    });
  });

  it('names the field of a payload error and changes nothing', async () => {
    const bad = await call('POST', `/api/cases/${caseId}/decisions`, 'district', {
      type: 'SURVEY_SUBMITTED',
      data: { ...(PAYLOADS.SURVEY_SUBMITTED as object), facilities: { areaM2: -5, ownership: '企业' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalidPayload', issues: [{ path: 'data.facilities.areaM2', message: expect.stringContaining('面积应为 0 至') }] });
    expect(bad.json().error.message.zh).toContain('data.facilities.areaM2');
    // The envelope too: an unknown type, a malformed date, and an actor the caller tries to choose itself.
    const type = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'NOPE' });
    expect(type.statusCode).toBe(400);
    expect(type.json().error.issues[0].path).toBe('type');
    const date = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_CONFIRMED', occurredOn: '2025-02-30' });
    expect(date.json().error.issues[0].path).toBe('occurredOn');
    const actor = await call('POST', `/api/cases/${caseId}/decisions`, 'enterprise', { type: 'SURVEY_CONFIRMED', actor: { role: 'districtCivilAffairs', org: '九龙坡区' } });
    expect(actor.statusCode).toBe(400);
    expect(JSON.stringify(actor.json().error.issues)).toContain('actor');
    expect((await caseState(env.client, caseId)).decisions).toBe(0);
  });

  it('takes a decision as the signed-in user, records who did it, and lists the caller’s own actions', async () => {
    const before = await call('GET', `/api/cases/${caseId}/actions`, 'district');
    expect(before.json()).toMatchObject({ canAct: true, actor: { role: 'districtCivilAffairs', org: '九龙坡区', user: 'district' } });
    expect(before.json().actions.map((a: { type: string }) => a.type)).toContain('SURVEY_SUBMITTED');
    const schema = before.json().actions.find((a: { type: string }) => a.type === 'SURVEY_SUBMITTED').schema;
    expect(schema.required).toContain('totalPeople');
    const enterpriseActions = (await call('GET', `/api/cases/${caseId}/actions`, 'enterprise')).json().actions.map((a: { type: string }) => a.type);
    expect(enterpriseActions).not.toContain('SURVEY_SUBMITTED');

    const ok = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_SUBMITTED', data: PAYLOADS.SURVEY_SUBMITTED, requestId: 'api-t-1' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ duplicate: false, state: { activeStates: ['survey.surveyed'] } });
    const again = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_SUBMITTED', data: PAYLOADS.SURVEY_SUBMITTED, requestId: 'api-t-1' });
    // The same request id with the same decision: the original result, marked as a repeat; applied once.
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    expect((await caseState(env.client, caseId)).decisions).toBe(1);
    // The same request id for another decision: refused (409), nothing applied, recorded as refused.
    const conflict = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_CONFIRMED', requestId: 'api-t-1' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toMatchObject({ code: 'requestIdConflict', message: { zh: expect.stringContaining('api-t-1') } });
    expect((await caseState(env.client, caseId)).decisions).toBe(1);
    const timeline = (await call('GET', `/api/cases/${caseId}/timeline`, 'township')).json();
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ type: 'SURVEY_SUBMITTED', actor: { role: 'districtCivilAffairs', org: '九龙坡区', user: 'district' } });
    const records = env.audit.read().filter((r) => r.action === 'decide' && r.user === 'district');
    expect(records.map((r) => r.outcome)).toEqual(['invalid', 'applied', 'duplicate', 'refused']);
    expect(records[3]).toMatchObject({ code: 'requestIdConflict', requestId: 'api-t-1' });
    expect(records[1]).toMatchObject({ role: 'districtCivilAffairs', org: '九龙坡区', caseId, eventType: 'SURVEY_SUBMITTED', requestId: 'api-t-1', method: 'POST' });
    expect(Date.parse(records[1]!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lets the workflow refuse again what the API let through: a neighbouring township of the same district', async () => {
    await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_CONFIRMED' });
    // It sees its district's case, but the receiver is 杨家坪街道: no actions, and a decision is refused by the validator.
    const actions = (await call('GET', `/api/cases/${caseId}/actions`, 'neighbourTownship')).json();
    expect(actions).toMatchObject({ canAct: false, actions: [] });
    const refused = await call('POST', `/api/cases/${caseId}/decisions`, 'neighbourTownship', { type: 'WORK_PLAN_PROPOSED', data: PAYLOADS.WORK_PLAN_PROPOSED });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'wrongOrganisation', message: { zh: expect.stringContaining('不是本案接收单位') } });
    const wrongRole = await call('POST', `/api/cases/${caseId}/decisions`, 'districtGov', { type: 'WORK_PLAN_ACCEPTED' });
    expect(wrongRole.json().error.code).toBe('wrongRole');
    const stage = await call('POST', `/api/cases/${caseId}/decisions`, 'district', { type: 'SURVEY_CONFIRMED' });
    expect(stage.statusCode).toBe(409);
    expect(stage.json().error.code).toBe('wrongStage');
    expect((await caseState(env.client, caseId)).decisions).toBe(2);
    expect(env.audit.read().filter((r) => r.outcome === 'refused').map((r) => r.code)).toEqual(expect.arrayContaining(['wrongOrganisation', 'wrongRole', 'wrongStage']));
  });

  it('answers a decision on a terminated case with 409 caseClosed, and shows the real status', async () => {
    const closedCode = freshCreditCode();
    const closedId = caseIdFor(closedCode, '九龙坡区');
    const started = await call('POST', '/api/cases', 'district', { ...opening, creditCode: closedCode, enterpriseName: '已终止测试厂' });
    expect(started.statusCode).toBe(201);
    await env.client.workflow.getHandle(`${closedId}`).terminate('API test: a terminated case');
    const res = await call('POST', `/api/cases/${closedId}/decisions`, 'district', { type: 'SURVEY_SUBMITTED', data: PAYLOADS.SURVEY_SUBMITTED });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('caseClosed');
    expect(res.json().error.message.zh).toContain('已被强制终止');
    expect(env.audit.read().at(-1)).toMatchObject({ action: 'decide', caseId: `${closedId}`, outcome: 'refused', code: 'caseClosed' });
    const view = await call('GET', `/api/cases/${closedId}`, 'district');
    expect(view.statusCode).toBe(200);
    expect(view.json().state.status).toBe('terminated');
  });

  it('shows a case with its deadlines explained and the diagram with the current state highlighted', async () => {
    const view = (await call('GET', `/api/cases/${caseId}`, 'township')).json();
    expect(view.activeStateLabels).toEqual([{ path: 'workPlan.negotiating', zh: '协商中', en: 'negotiating' }]);
    const negotiation = view.deadlines.find((d: { kind: string }) => d.kind === 'negotiationEscalation');
    expect(negotiation.explanation.zh.join('\n')).toContain('个工作日');
    const svg = (await call('GET', `/api/cases/${caseId}/diagram.svg`, 'township')).body;
    const node = (id: string) => new RegExp(`<g id="state:${id.replace(/\./g, '\\.')}" class="([^"]*)">[\\s\\S]*?<path fill="([^"]*)"`).exec(svg);
    expect(node('handover.workPlan.negotiating')?.slice(1)).toEqual(['node atomic active', '#ffe08a']);
    const other = node('handover.survey.collecting');
    expect(other?.[1]).toBe('node atomic');
    expect(other?.[2]).not.toBe('#ffe08a');
  });

  it('offers each user the reports of its own district only', async () => {
    mkdirSync(join(env.reportsDir, '九龙坡区'), { recursive: true });
    mkdirSync(join(env.reportsDir, '江北区'), { recursive: true });
    writeFileSync(join(env.reportsDir, '九龙坡区', '2026-05 进度表.csv'), 'a,b\n1,2\n');
    writeFileSync(join(env.reportsDir, '江北区', '2026-05 进度表.csv'), 'x\n');
    const mine = (await call('GET', '/api/reports', 'township')).json();
    expect(mine.map((r: { district: string }) => r.district)).toEqual(['九龙坡区']);
    const file = await call('GET', mine[0].url, 'township');
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('a,b\n1,2\n');
    expect(file.headers['content-disposition']).toContain(encodeURIComponent('2026-05 进度表.csv'));
    // Another district's report answers as a missing one does: no oracle (test/api/auth-paths.devserver.test.ts).
    expect((await call('GET', `/api/reports/${encodeURIComponent('江北区')}/${encodeURIComponent('2026-05 进度表.csv')}`, 'township')).statusCode).toBe(404);
    expect((await call('GET', `/api/reports/${encodeURIComponent('..')}/users.json`, 'city')).statusCode).toBe(404);
    expect((await call('GET', '/api/reports', 'city')).json()).toHaveLength(2);
    expect((await call('GET', '/api/reports', 'enterprise')).json()).toEqual([]);
  });

  it('serves a valid OpenAPI document at /docs/json and the documentation page at /docs', async () => {
    const res = await call('GET', '/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(doc.info.title).toContain('handover');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    for (const path of ['/api/cases', '/api/cases/{caseId}', '/api/cases/{caseId}/timeline', '/api/cases/{caseId}/actions', '/api/cases/{caseId}/decisions', '/api/reports', '/api/reports/{district}/{file}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/cases/{caseId}/decisions'].post.security).toEqual([{ bearerAuth: [] }]);
    // Structure: every operation has responses, every parameter a name, place and schema; every $ref resolves;
    // every schema compiles as JSON Schema.
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const keyword of ['example', 'xml', 'externalDocs', 'discriminator']) if (!ajv.getKeyword(keyword)) ajv.addKeyword(keyword);
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          walk(v);
        }
      }
    };
    walk(doc);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//);
      const target = ref.slice(2).split('/').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[decodeURIComponent(key.replace(/~1/g, '/').replace(/~0/g, '~'))], doc);
      expect(target).toBeDefined();
    }
    const resolveRefs = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(resolveRefs);
      if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (typeof o.$ref === 'string') return resolveRefs(o.$ref.slice(2).split('/').reduce<unknown>((x, key) => (x as Record<string, unknown>)[key], doc));
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveRefs(v)]));
      }
      return node;
    };
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(Object.keys(op.responses as object).length).toBeGreaterThan(0);
        for (const p of (op.parameters as Array<Record<string, unknown>> | undefined) ?? []) {
          expect(p).toMatchObject({ name: expect.any(String), in: expect.stringMatching(/^(path|query|header|cookie)$/), schema: expect.any(Object) });
          if (p.in === 'path') expect(path).toContain(`{${String(p.name)}}`);
          expect(() => ajv.compile(resolveRefs(p.schema) as object)).not.toThrow();
        }
        for (const media of Object.values(((op.requestBody as { content?: Record<string, { schema: object }> })?.content) ?? {})) expect(() => ajv.compile(resolveRefs(media.schema) as object)).not.toThrow();
        for (const r of Object.values(op.responses as Record<string, { content?: Record<string, { schema: object }> }>)) {
          for (const media of Object.values(r.content ?? {})) expect(() => ajv.compile(resolveRefs(media.schema) as object)).not.toThrow();
        }
      }
    }
    expect(operations).toBeGreaterThanOrEqual(12);
    const page = await call('GET', '/docs');
    expect([200, 302]).toContain(page.statusCode);
  });
});
