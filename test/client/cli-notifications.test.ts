// `handover notifications`: the outbox's notifications with their delivery state, of a case, of a district, or
// addressed to a role and its organisation, in Chinese or English, paged, as JSON; bad options refused. A real SQLite
// outbox in a temporary data folder (where the CLI looks by HANDOVER_DATA_DIR); no Temporal server is needed for
// these roles (a township's or parent group's notifications need the cases' parties: the dev-server CLI test).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, outboxFile, type Notification } from '../../activities/outbox';
import { cli } from '../helpers/cli';
import { caseIdFor } from '../../machines/case-input';
import { freshCreditCode } from '../helpers/decisions';

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const ENV = ['HANDOVER_DATA_DIR', 'HANDOVER_LANG', 'HANDOVER_OUTBOX_DATABASE_URL', 'HANDOVER_RECORD_DATABASE_URL'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

const kowloonCode = freshCreditCode();
const jiangbeiCode = freshCreditCode();
const kowloonCase = caseIdFor(kowloonCode, '九龙坡区');
const jiangbeiCase = caseIdFor(jiangbeiCode, '江北区');

const note = (caseId: string, district: string, reason: string, dueKey: string, recipients: string[]): Notification => ({
  caseId,
  reason,
  dueKey,
  recipients,
  clause: '§三(二)',
  message: { zh: `${district}：工作方案协商已逾期 ${dueKey}`, en: `${district}: work plan negotiation overdue ${dueKey}` },
  enterpriseName: '测试厂',
  district,
});

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'handover-cli-notifications-'));
  for (const k of ENV) delete process.env[k];
  process.env.HANDOVER_DATA_DIR = dir;
  const outbox = new Outbox(outboxFile(dir));
  const t0 = new Date('2026-03-02T01:00:00Z');
  // 1: delivered by the webhook; 2: failing, retried later; 3: given up; 4: pending, another district and recipient.
  const delivered = outbox.record(note(kowloonCase, '九龙坡区', 'negotiationReminder', '2026-03-02', ['township', 'enterprise']), t0).row;
  outbox.claimDue('test', t0, 60_000, 10);
  outbox.markDelivered(delivered.key, 'webhook', new Date('2026-03-02T01:00:05Z'));
  const failing = outbox.record(note(kowloonCase, '九龙坡区', 'negotiationSupervised', '2026-03-09', ['districtCivilAffairs']), new Date('2026-03-09T01:00:00Z')).row;
  outbox.claimDue('test', new Date('2026-03-09T01:00:00Z'), 60_000, 10);
  outbox.markFailure(failing.key, 'test', 'HTTP 502', new Date('2026-03-09T01:00:01Z'), new Date('2026-03-09T01:05:00Z'));
  const failed = outbox.record(note(kowloonCase, '九龙坡区', 'coordinationSupervised', '2026-03-16', ['cityCivilAffairs']), new Date('2026-03-16T01:00:00Z')).row;
  outbox.claimDue('test', new Date('2026-03-16T01:00:00Z'), 60_000, 10);
  outbox.markFailure(failed.key, 'test', 'HTTP 404', new Date('2026-03-16T01:00:01Z'), undefined);
  outbox.record(note(jiangbeiCase, '江北区', 'negotiationSupervised', '2026-03-20', ['districtCivilAffairs']), new Date('2026-03-20T01:00:00Z'));
  outbox.close();
});

afterAll(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('handover notifications', () => {
  it('lists a case’s notifications oldest first, each with its delivery state and message, in Chinese', async () => {
    const r = await cli('notifications', kowloonCase);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('共 3 条通知');
    expect(r.out[1]).toMatch(/^#\d+  2026-03-02 09:00  handover-\S+  协商催办 §三\(二\)  → 乡镇人民政府（街道办事处）、移交企业  已送达（经 webhook，2026-03-02 09:00，已尝试 1 次）$/);
    expect(r.out[2]).toBe('    九龙坡区：工作方案协商已逾期 2026-03-02');
    expect(r.out[3]).toContain('发送失败、将重试（已尝试 1 次，自 2026-03-09 09:00 起失败，下次 2026-03-09 09:05，错误：HTTP 502）');
    expect(r.out[5]).toContain('已放弃重试（已尝试 1 次，自 2026-03-16 09:00 起失败，2026-03-16 09:00 放弃，错误：HTTP 404）');
    expect(r.out.join('\n')).not.toContain(jiangbeiCase);
  });

  it('finds the case by its credit code and district code without the handover- prefix', async () => {
    const r = await cli('notifications', kowloonCase.replace(/^handover-/, ''));
    expect(r.out[0]).toBe('共 3 条通知');
  });

  it('speaks English throughout with --lang en', async () => {
    const r = await cli('--lang', 'en', 'notifications', kowloonCase);
    expect(r.out[0]).toBe('3 notifications');
    expect(r.out[1]).toMatch(/  negotiation reminder §三\(二\)  → township \(sub-district office\), enterprise  delivered \(via webhook, 2026-03-02 09:00, 1 attempt\)$/);
    expect(r.out[2]).toBe('    九龙坡区: work plan negotiation overdue 2026-03-02');
    expect(r.out[3]).toContain('failing, will retry (1 attempt, failing since 2026-03-09 09:00, next try 2026-03-09 09:05, error: HTTP 502)');
    // Only data (the district's name in the message) and the cited clause are left in Chinese.
    for (const line of [r.out[0]!, r.out[3]!, r.out[5]!]) expect(line.replace('§三(二)', '')).not.toMatch(CJK);
  });

  it('filters by district and delivery state, and pages with --after', async () => {
    const all = await cli('--json', 'notifications');
    const ids = (JSON.parse(all.out.join('\n')) as { items: Array<{ id: number; caseId: string }> }).items.filter((n) => n.caseId === kowloonCase || n.caseId === jiangbeiCase).map((n) => n.id);
    expect(ids).toHaveLength(4);
    const jiangbei = await cli('notifications', '--district', '江北区');
    expect(jiangbei.out[0]).toBe('共 1 条通知');
    expect(jiangbei.out[1]).toContain(jiangbeiCase);
    const failed = await cli('--json', 'notifications', kowloonCase, '--state', 'failed');
    expect(JSON.parse(failed.out.join('\n')).items.map((n: { reason: string; delivery: { state: string } }) => [n.reason, n.delivery.state])).toEqual([['coordinationSupervised', 'failed']]);
    const first = await cli('notifications', kowloonCase, '--limit', '2');
    expect(first.out.filter((l) => l.startsWith('#'))).toHaveLength(2);
    expect(first.out.at(-1)).toBe(`还有更多：加 --after ${ids[1]} 查看下一页`);
    const next = await cli('--json', 'notifications', kowloonCase, '--limit', '2', '--after', String(ids[1]));
    expect(JSON.parse(next.out.join('\n'))).toEqual({ items: [expect.objectContaining({ id: ids[2], reason: 'coordinationSupervised' })] });
  });

  it('lists what is addressed to a role and its organisation, newest first', async () => {
    const kowloon = await cli('--json', 'notifications', '--as', 'districtCivilAffairs@九龙坡区');
    expect(JSON.parse(kowloon.out.join('\n')).items.map((n: { caseId: string; reason: string }) => [n.caseId, n.reason])).toEqual([[kowloonCase, 'negotiationSupervised']]);
    const jiangbei = await cli('notifications', '--as', 'districtCivilAffairs@江北区');
    expect(jiangbei.out[0]).toBe('共 1 条通知');
    expect(jiangbei.out[1]).toContain(jiangbeiCase);
    const enterprise = await cli('--json', 'notifications', '--as', `enterprise@${kowloonCode}`);
    expect(JSON.parse(enterprise.out.join('\n')).items.map((n: { reason: string }) => n.reason)).toEqual(['negotiationReminder']);
    const city = await cli('--json', 'notifications', '--as', 'cityCivilAffairs@重庆市', '--state', 'failed');
    expect(JSON.parse(city.out.join('\n')).items.map((n: { caseId: string }) => n.caseId)).toContain(kowloonCase);
    expect((await cli('notifications', '--as', 'enterprise@91500000000000000X')).out).toEqual(['共 0 条通知']);
  });

  it('refuses bad options in one line naming the option, in the language asked for', async () => {
    const state = await cli('--lang', 'en', 'notifications', '--state', 'lost');
    expect(state.code).toBe(2);
    expect(state.err).toEqual(['Error: --state must be one of pending, failing, delivered, failed: lost']);
    const limit = await cli('notifications', '--limit', '0');
    expect(limit.code).toBe(2);
    expect(limit.err).toEqual(['错误：--limit 应为 1 至 1000 的整数']);
    const pagedInbox = await cli('notifications', '--as', 'districtCivilAffairs@九龙坡区', '--after', '3');
    expect(pagedInbox.code).toBe(2);
    expect(pagedInbox.err[0]).toContain('--after');
    const otherDistrict = await cli('--lang', 'en', 'notifications', '--as', 'districtCivilAffairs@九龙坡区', '--district', '江北区');
    expect(otherDistrict.code).toBe(2);
    expect(otherDistrict.err[0]).toContain('own district’s (九龙坡区) notifications only');
    const actor = await cli('notifications', '--as', 'nobody@x');
    expect(actor.code).toBe(2);
    expect(actor.err[0]).toContain('--as');
  });
});
