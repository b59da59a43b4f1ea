// The request fingerprint: SHA-256 exactly as Node computes it, over a canonical JSON that ignores key order.
import { createHash } from 'node:crypto';
import { canonicalJson, decisionFingerprint, sha256Hex, shortFingerprint } from '../../workflows/request-identity';
import { jsonBytes, utf8Length } from '../../workflows/budget';

describe('request identity', () => {
  it('computes SHA-256 as node:crypto does, across block boundaries and non-ASCII text', () => {
    for (const s of ['', 'abc', 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'x'.repeat(1000), '移交协议'.repeat(300), '😀 emoji and 中文']) {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
  });

  it('binds type, actor (role, org, user), date and payload, whatever the key order', () => {
    const base = { type: 'MAJOR_PROBLEM_REPORTED', actor: { role: 'township', org: 'X', user: 'u' }, occurredOn: '2026-01-02', data: { summary: 's', n: [1, { b: 2, a: 1 }] } };
    const fp = decisionFingerprint(base);
    expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(decisionFingerprint({ data: { n: [1, { a: 1, b: 2 }], summary: 's' }, occurredOn: '2026-01-02', actor: { user: 'u', org: 'X', role: 'township' }, type: 'MAJOR_PROBLEM_REPORTED' })).toBe(fp);
    const variants = [
      { ...base, type: 'NEW_TASK_REPORTED' },
      { ...base, actor: { ...base.actor, role: 'enterprise' } },
      { ...base, actor: { ...base.actor, org: 'Y' } },
      { ...base, actor: { ...base.actor, user: 'v' } },
      { ...base, actor: { role: 'township', org: 'X' } },
      { ...base, occurredOn: '2026-01-03' },
      { ...base, data: { ...base.data, summary: 't' } },
      { ...base, data: { ...base.data, n: [{ b: 2, a: 1 }, 1] } },
    ];
    for (const v of variants) expect(decisionFingerprint(v)).not.toBe(fp);
    expect(shortFingerprint(fp)).toHaveLength(16);
    expect(canonicalJson({ b: undefined, a: [undefined, null] })).toBe('{"a":[null,null]}');
  });

  it('measures serialized sizes in UTF-8 bytes', () => {
    expect(utf8Length('a中😀')).toBe(1 + 3 + 4);
    expect(jsonBytes({ s: '中' })).toBe(Buffer.byteLength(JSON.stringify({ s: '中' }), 'utf8'));
  });
});
