// Authentication and authorisation decided on the routed path, deny by default (issue 10 item 7), on the real dev
// server: percent-encoded, double-encoded, trailing-slash and case-variant paths, anonymous probes of every documented
// route, and report downloads that serve the report index only, with one answer for unknown, foreign and traversal names.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startApiEnv, type ApiEnv } from '../helpers/api-env';
import { freshCreditCode } from '../helpers/decisions';

let env: ApiEnv;
const code = freshCreditCode();
const unknownCode = freshCreditCode();
const tokens: Record<string, string> = {};

beforeAll(async () => {
  env = await startApiEnv('auth-paths');
  const add = (name: string, role: string, org: string) => (tokens[name] = env.users.add({ name, role, org }).token);
  add('district', 'districtCivilAffairs', '九龙坡区');
  add('jiangbei', 'districtCivilAffairs', '江北区');
  add('otherEnterprise', 'enterprise', freshCreditCode());
  add('city', 'cityCivilAffairs', 'chongqing');
  const started = await env.app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { authorization: `Bearer ${tokens.district}` },
    payload: { creditCode: code, enterpriseName: '路径测试机械厂', district: '九龙坡区', township: '杨家坪街道', settings: { cityTargetDate: '2099-12-31' } },
  });
  expect(started.statusCode).toBe(201);
});

afterAll(async () => {
  await env?.stop();
});

type Method = 'GET' | 'POST' | 'HEAD';
const call = (method: Method, url: string, who?: string, payload?: object) =>
  env.app.inject({ method, url, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {}, ...(payload ? { payload } : {}) });

describe('authentication on the routed path', () => {
  it('routes percent-encoded paths to the real routes: a signed-in caller gets the same answers as with plain paths', async () => {
    // Proof that the encoded forms below do reach the routes (so their 401 is the authentication's doing).
    for (const [plain, encoded] of [
      ['/api/events', '/%61pi/events'],
      ['/api/events', '/%61%70%69/%65vents'],
      [`/api/cases/${code}`, `/%61pi/cases/${code}`],
      [`/api/cases/${code}`, `/api/c%61ses/handover-${code}`],
    ] as const) {
      const a = await call('GET', plain, 'district');
      const b = await call('GET', encoded, 'district');
      expect([plain, b.statusCode]).toEqual([plain, 200]);
      expect(b.json()).toEqual(a.json());
    }
    // Authorisation is the routed route's too: another enterprise is refused the same way whatever the spelling.
    const plain = await call('GET', `/api/cases/${code}`, 'otherEnterprise');
    const encoded = await call('GET', `/%61pi/cases/${code}`, 'otherEnterprise');
    expect(plain.statusCode).toBe(403);
    expect(encoded.statusCode).toBe(403);
    expect(encoded.json()).toEqual(plain.json());
  });

  it('answers 401 to an anonymous caller on every encoded, doubled, slashed or case-varied path, and never tells a real case from an unknown one', async () => {
    const probes: Array<[Method, string]> = [
      ['GET', '/%61pi/events'],
      ['HEAD', '/%61pi/events'],
      ['GET', '/%61%70%69/me'],
      ['GET', '/api/%65vents'],
      ['GET', '/%2561pi/events'], // double encoding: routes nowhere, still not signed in
      ['GET', '/api/events/'],
      ['GET', '/api/cases/'],
      ['GET', '/API/events'],
      ['GET', '/Api/Cases'],
      ['GET', '/api//events'],
      ['GET', '/api/./events'],
      ['GET', '/api/%2e/events'],
      ['GET', '/api/%2e%2e/api/events'],
      ['GET', '/%2e%2e/api/events'],
      ['GET', '/docs/..%2f..%2fapi/events'],
      ['GET', '/api/cases'],
      ['GET', `/api/cases/${code}`],
      ['GET', `/%61pi/cases/${code}`],
      ['GET', `/%61pi/cases/${code}/`],
      ['GET', `/%61pi/cases/handover-${code}/timeline`],
      ['GET', `/%61pi/cases/${code}/diagram.svg`],
      ['POST', `/%61pi/cases/${code}/decisions`],
      ['GET', '/api/reports/%2e%2e/users.json'],
      ['GET', '/api/reports/%252e%252e/users.json'],
      ['GET', '/no-such-page'],
    ];
    const bodies = new Set<string>();
    for (const [method, url] of probes) {
      const res = await call(method, url, undefined, method === 'POST' ? { type: 'SURVEY_CONFIRMED' } : undefined);
      expect([method, url, res.statusCode]).toEqual([method, url, 401]);
      if (method !== 'HEAD') {
        expect(res.json().error.code).toBe('unauthenticated');
        bodies.add(res.body);
      }
    }
    expect(bodies.size).toBe(1); // one answer, whatever was asked
    for (const prefix of ['/api/cases/', '/%61pi/cases/', '/%61pi/cases/handover-']) {
      const real = await call('GET', `${prefix}${code}`);
      const unknown = await call('GET', `${prefix}${unknownCode}`);
      expect([real.statusCode, real.body]).toEqual([unknown.statusCode, unknown.body]);
    }
    expect(env.audit.read().filter((r) => r.user === undefined || r.action !== 'startCase')).toEqual([]);
  });

  it('requires a signed-in user on every documented route but the health check and signing in (deny by default)', async () => {
    const doc = (await call('GET', '/docs/json')).json() as { paths: Record<string, Record<string, { security?: unknown }>> };
    const fill = (path: string) => path.replace('{caseId}', code).replace('{district}', encodeURIComponent('九龙坡区')).replace('{file}', 'x.csv');
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const res = await env.app.inject({ method: method.toUpperCase() as 'GET', url: fill(path), ...(method === 'post' ? { payload: {} } : {}) });
        if (path === '/api/health') expect(res.statusCode).toBe(200);
        else if (method === 'post' && path === '/api/session') expect(res.statusCode).toBe(400); // signing in: public, and the body is checked
        else expect([method, path, res.statusCode]).toEqual([method, path, 401]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
    // The public few: health, the console's files and the documentation.
    for (const url of ['/api/health', '/', '/console/app.js', '/console/style.css', '/docs/json']) expect([url, (await call('GET', url)).statusCode]).toEqual([url, 200]);
    // A public route serves its own few files, whatever the name asks for.
    for (const url of ['/console/users.json', '/console/..%2f..%2fdata%2fusers.json', '/console/%2e%2e%2fserver.ts', '/console/app.js%00']) {
      const res = await call('GET', url);
      expect([url, res.statusCode, res.json().error.code]).toEqual([url, 404, 'notFound']);
    }
  });
});

describe('report downloads serve the report index only', () => {
  it('answers one 404 for an unknown, foreign, hidden, linked or traversal name, and serves what the index lists', async () => {
    const root = env.reportsDir;
    mkdirSync(join(root, '九龙坡区'), { recursive: true });
    mkdirSync(join(root, '江北区'), { recursive: true });
    mkdirSync(join(root, 'not-a-district'), { recursive: true });
    writeFileSync(join(root, '九龙坡区', '2026-05.csv'), 'a,b\n1,2\n');
    writeFileSync(join(root, '九龙坡区', '.hidden.csv'), 'secret\n');
    writeFileSync(join(root, '九龙坡区', 'notes.sh'), 'echo\n');
    writeFileSync(join(root, '江北区', '2026-05.csv'), 'x\n');
    writeFileSync(join(root, 'not-a-district', 'a.csv'), 'x\n');
    writeFileSync(join(root, '..', 'users-copy.json'), '{"users":[]}\n');
    symlinkSync(join(root, '..', 'users-copy.json'), join(root, '九龙坡区', 'link.json'));

    const listed = (await call('GET', '/api/reports', 'district')).json() as Array<{ district: string; file: string; url: string }>;
    expect(listed.map((r) => `${r.district}/${r.file}`)).toEqual(['九龙坡区/2026-05.csv']);
    const ok = await call('GET', listed[0]!.url, 'district');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('a,b\n1,2\n');
    // The same file through an encoded route path.
    expect((await call('GET', `/%61pi/reports/${encodeURIComponent('九龙坡区')}/2026-05.csv`, 'district')).body).toBe('a,b\n1,2\n');

    const d = encodeURIComponent('九龙坡区');
    const refused = [
      `/api/reports/${d}/2099-01.csv`, // unknown
      `/api/reports/${encodeURIComponent('江北区')}/2026-05.csv`, // exists, another district's
      `/api/reports/${d}/.hidden.csv`,
      `/api/reports/${d}/notes.sh`,
      `/api/reports/${d}/link.json`,
      '/api/reports/not-a-district/a.csv',
      `/api/reports/${d}/%2e%2e%2f%2e%2e%2fusers-copy.json`,
      `/api/reports/${d}/..%2F..%2Fusers-copy.json`,
      `/api/reports/${d}/%252e%252e%252fusers-copy.json`,
      `/api/reports/${d}/2026-05.csv%00.csv`,
      `/api/reports/${d}/2026-05.CSV`,
      `/api/reports/${d}/2026-05.csv%20`,
    ];
    const bodies = new Set<string>();
    for (const url of refused) {
      const res = await call('GET', url, 'district');
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.json().error.code).toBe('reportNotFound');
      expect(res.json().error.message).toEqual({ zh: '报表不存在，或您无权下载', en: 'no such report, or not yours to download' });
      bodies.add(res.body);
    }
    expect(bodies.size).toBe(1);
    // A `%2e%2e` segment is a dot-segment of the URL: it routes nowhere, alike for a file that exists and one that does not.
    const up = await call('GET', '/api/reports/%2e%2e/users-copy.json', 'district');
    const upMissing = await call('GET', '/api/reports/%2e%2e/no-such-file.json', 'district');
    expect(up.statusCode).toBe(404);
    expect(up.body).toBe(upMissing.body);
    // A city user sees both districts' files, and nothing else.
    const city = (await call('GET', '/api/reports', 'city')).json() as Array<{ district: string; file: string }>;
    expect(city.map((r) => `${r.district}/${r.file}`).sort()).toEqual(['九龙坡区/2026-05.csv', '江北区/2026-05.csv']);
    expect((await call('GET', `/api/reports/${encodeURIComponent('江北区')}/2026-05.csv`, 'jiangbei')).body).toBe('x\n');
  });
});

describe('over a real socket, paths exactly as sent (no client-side normalisation)', () => {
  /** One raw request: the path goes on the request line byte for byte. */
  const raw = (port: number, path: string, token?: string) =>
    new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => done({ status: res.statusCode!, body }));
      });
      req.on('error', fail);
      req.end();
    });

  it('refuses anonymous probes and serves no file outside the index', async () => {
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (env.app.server.address() as { port: number }).port;
    for (const path of ['/%61pi/events', '/api/../api/events', '/api/%2e%2e/api/events', '/api/./events', `/%61pi/cases/${code}`, `/api/cases/${code}/../${code}`, '/api/reports/%2e%2e/users-copy.json']) {
      const res = await raw(port, path);
      expect([path, res.status]).toEqual([path, 401]);
    }
    const real = await raw(port, `/%61pi/cases/${code}`);
    const unknown = await raw(port, `/%61pi/cases/${unknownCode}`);
    expect(real).toEqual(unknown);
    const d = encodeURIComponent('九龙坡区');
    const missing = await raw(port, `/api/reports/${d}/no-such.csv`, tokens.district);
    expect(missing.status).toBe(404);
    for (const path of ['/api/reports/%2e%2e/users-copy.json', '/api/reports/../users-copy.json', `/api/reports/${d}/%2e%2e%2f%2e%2e%2fusers-copy.json`, `/api/reports/${d}/..%5c..%5cusers-copy.json`]) {
      const res = await raw(port, path, tokens.district);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('users');
    }
    expect((await raw(port, `/api/reports/${d}/2026-05.csv`, tokens.district)).body).toBe('a,b\n1,2\n');
  });
});
