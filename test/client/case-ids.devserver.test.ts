// Issue 11 point 1 on the real dev server: cases running under the ids of before 168-2017.3 (`handover-<credit code>`,
// one case per enterprise) keep working beside the new ones (`handover-<credit code>-<district code>`): nothing is
// renamed, lookups by the old id and by the bare code still find them, the enterprise sees both, and a bare code
// that names cases in several districts only is refused naming them.
import type { Client } from '@temporalio/client';
import { startDevHarness, type CaseHarness } from '../helpers/handover-env';
import { eventually } from '../helpers/eventually';
import { PAYLOADS, freshCreditCode } from '../helpers/decisions';
import { AmbiguousCaseError, resolveCaseId } from '../../client/case-ref';
import { caseState, sendDecision, startCase } from '../../client/cases';
import { listScope } from '../../client/api/access';
import { caseListQuery } from '../../client/case-list';
import { caseIdFor, legacyCaseIdFor } from '../../machines/case-input';
import { shanghaiDate } from '../../machines/calendar';
import { handoverWorkflow, type HandoverWorkflowInput } from '../../workflows/handover';

const taskQueue = `case-ids-${process.pid}`;
let h: CaseHarness;
let client: Client;

beforeAll(async () => {
  h = await startDevHarness(taskQueue);
  client = h.client;
});

afterAll(async () => {
  await h?.stop();
});

const opening = (creditCode: string, district: string) => ({ creditCode, enterpriseName: '重庆老案件机械厂', district, township: '杨家坪街道', residentialArea: '机械厂职工家属区', people: 900, settings: { cityTargetDate: '2099-12-31' } });

/** A case as startCase opened it before 168-2017.3: one per enterprise, named after the credit code alone. */
async function startLegacyCase(creditCode: string, district: string): Promise<string> {
  const caseId = legacyCaseIdFor(creditCode);
  const input: HandoverWorkflowInput = {
    caseId,
    parties: { creditCode, district, township: `${district}/杨家坪街道` },
    enterpriseName: '重庆老案件机械厂',
    residentialArea: '机械厂职工家属区',
    people: 900,
    settings: { cityTargetDate: '2099-12-31' },
  };
  await client.workflow.start(handoverWorkflow, { workflowId: caseId, taskQueue, args: [input] });
  return caseId;
}

describe('case ids across definition 168-2017.3', () => {
  it('keeps a case running under its old id: found by that id and by the bare code, decisions applied, listed for its enterprise beside its new case', async () => {
    const code = freshCreditCode();
    const legacy = await startLegacyCase(code, '九龙坡区');
    expect(await resolveCaseId(client, code)).toBe(legacy);
    expect(await resolveCaseId(client, legacy)).toBe(legacy);
    const on = shanghaiDate(Date.now());
    await sendDecision(client, await resolveCaseId(client, code), { type: 'SURVEY_SUBMITTED', actor: { role: 'districtCivilAffairs', org: '九龙坡区' }, occurredOn: on, data: PAYLOADS.SURVEY_SUBMITTED });
    expect((await caseState(client, legacy)).context.survey).toBeDefined();

    // The same enterprise's case in another district, opened now: a new id; the old case keeps its own.
    const fresh = (await startCase(client, opening(code, '江北区'), { taskQueue, registerForReports: false })).workflowId;
    expect(fresh).toBe(caseIdFor(code, '江北区'));
    expect(await resolveCaseId(client, code)).toBe(legacy);
    expect(await resolveCaseId(client, `${code}-500105`)).toBe(fresh);
    expect((await caseState(client, legacy)).decisions).toBe(1);

    const query = caseListQuery({ scope: listScope({ name: 'ent', role: 'enterprise', org: code } as never) });
    await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      expect(ids.sort()).toEqual([legacy, fresh].sort());
    });
  });

  it('finds a new enterprise\'s only case by its bare code, and asks which when it has cases in two districts', async () => {
    const code = freshCreditCode();
    const yubei = (await startCase(client, opening(code, '渝北区'), { taskQueue, registerForReports: false })).workflowId;
    expect(await resolveCaseId(client, code)).toBe(yubei);
    expect(await resolveCaseId(client, `handover-${code}`)).toBe(yubei);
    const jiangbei = (await startCase(client, opening(code, '江北区'), { taskQueue, registerForReports: false })).workflowId;
    const err = await resolveCaseId(client, code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousCaseError);
    expect((err as AmbiguousCaseError).caseIds.sort()).toEqual([jiangbei, yubei].sort());
    expect((err as AmbiguousCaseError).text.zh).toContain('该企业在 2 个区县各有一个案件');
    // Unknown codes come back as the old id, which the lookup then reports as unknown.
    const unknown = freshCreditCode();
    expect(await resolveCaseId(client, unknown)).toBe(legacyCaseIdFor(unknown));
  });
});
