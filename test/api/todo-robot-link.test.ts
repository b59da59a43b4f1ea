// A notification posted to a DingTalk/WeCom group robot links straight to the case page when the console's public
// address is set (HANDOVER_CONSOLE_URL), so an official opens the case from the group chat, on a phone too.
import { caseLink, robotMessage } from '../../activities/webhook';
import type { Notification } from '../../activities/outbox';

const n: Notification = {
  caseId: 'handover-91500107MA5U1234X1',
  reason: 'negotiationReminder',
  dueKey: '2026-12-11',
  recipients: ['township', 'enterprise'],
  clause: '§三(二)',
  message: { zh: '工作方案协商已满 10 个工作日，请尽快达成一致', en: 'negotiation reminder' },
};

describe('robot message link to the case page', () => {
  const saved = process.env.HANDOVER_CONSOLE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.HANDOVER_CONSOLE_URL;
    else process.env.HANDOVER_CONSOLE_URL = saved;
  });

  it('adds the case page of the configured console to the message', () => {
    process.env.HANDOVER_CONSOLE_URL = 'https://handover.example.gov.cn/';
    const text = robotMessage(n, 'k1').text.content;
    expect(text.split('\n').at(-1)).toBe('查看：https://handover.example.gov.cn/#/case/handover-91500107MA5U1234X1');
    expect(robotMessage(n, 'k1', 'http://10.0.0.5:8080').text.content).toContain('查看：http://10.0.0.5:8080/#/case/handover-91500107MA5U1234X1');
  });

  it('leaves the message without a link when no console address is set, it is not a URL, or the row is not a case', () => {
    delete process.env.HANDOVER_CONSOLE_URL;
    expect(robotMessage(n, 'k1').text.content).not.toContain('查看');
    expect(caseLink(n.caseId, 'javascript:alert(1)')).toBeUndefined();
    expect(caseLink('district-report-九龙坡区', 'https://handover.example.gov.cn')).toBeUndefined();
  });
});
