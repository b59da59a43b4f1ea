// The pure gate every decision passes before it touches a case: payload, role, organisation, date, stage, the
// case's limits, and then the step itself, computed with exactly the function the host applies it with.
import { transition, type AnyMachineSnapshot } from 'xstate';
import { agreementHash } from './agreement-text';
import { CASE_LIMIT_NAMES, caseLimitReached } from './bounded-context';
import { CalendarError, shanghaiDate } from './calendar';
import { EVENT_REGISTRY, parseDecision, type DecisionEvent } from './events';
import { FundingError } from './funding';
import type { HandoverContext } from './handover';
import { MAX_SNAPSHOT_BYTES, utf8Bytes } from './limits';
import { ROLE_NAMES, organisationMismatch, type CaseParties } from './roles';
import { stageOf, STAGE_LABELS } from './case-view';

export type RefusalCode = 'invalidPayload' | 'wrongRole' | 'wrongOrganisation' | 'futureDate' | 'wrongStage' | 'caseLimit' | 'ruleViolation';

export interface Refusal {
  code: RefusalCode;
  message: { zh: string; en: string };
  /** For invalid payloads: each field path with its problem. */
  issues?: Array<{ path: string; message: string }>;
}

/** The step a decision makes: the next snapshot and the actions (effects, timers) XState's `transition` returned. */
export interface Step {
  snapshot: AnyMachineSnapshot;
  actions: unknown[];
}

export type Check = { ok: true; event: DecisionEvent; step: Step } | { ok: false; refusal: Refusal };

/**
 * Checks a decision against the case without changing anything; `now` stamps the event. An accepted decision
 * comes with its step, computed by `transition(machine, snapshot, event)` as the host computes it: whatever
 * that step would throw (a funding or calendar rule, anything) is a refusal here, never an exception.
 */
export function checkDecision(snapshot: AnyMachineSnapshot, parties: CaseParties, input: unknown, now: number): Check {
  try {
    return check(snapshot, parties, input, now);
  } catch (err) {
    return { ok: false, refusal: refusalOf(err) };
  }
}

function check(snapshot: AnyMachineSnapshot, parties: CaseParties, input: unknown, now: number): Check {
  const parsed = parseDecision(input);
  if (!parsed.ok) return { ok: false, refusal: invalidPayload(parsed.issues) };
  const event = { ...parsed.event, receivedAt: new Date(now).toISOString() } as DecisionEvent;
  const spec = EVENT_REGISTRY[event.type];
  const role = event.actor.role;
  if (!(spec.roles as readonly string[]).includes(role)) {
    const allowed = spec.roles.map((r) => ROLE_NAMES[r].zh).join('、');
    const allowedEn = spec.roles.join(', ');
    return {
      ok: false,
      refusal: {
        code: 'wrongRole',
        message: {
          zh: `${ROLE_NAMES[role].zh}无权执行「${spec.title.zh}」（${event.type}，${spec.clause}）；有权执行的是：${allowed}`,
          en: `role ${role} may not send ${event.type} (${spec.clause}); allowed: ${allowedEn}`,
        },
      },
    };
  }
  const mismatch = organisationMismatch(role, event.actor.org, parties);
  if (mismatch) {
    return { ok: false, refusal: { code: 'wrongOrganisation', message: { zh: `组织不符：${mismatch.zh}`, en: `wrong organisation: ${mismatch.en}` } } };
  }
  const today = shanghaiDate(now);
  if (event.occurredOn > today) {
    return {
      ok: false,
      refusal: { code: 'futureDate', message: { zh: `occurredOn：日期 ${event.occurredOn} 晚于今天（${today}）`, en: `occurredOn: ${event.occurredOn} is after today (${today})` } },
    };
  }
  // A final state still matches the machine's root-level handlers; a completed case takes nothing more.
  if (snapshot.status !== 'active') {
    return { ok: false, refusal: { code: 'wrongStage', message: { zh: '本案已完成，不再接受决定', en: 'the case is complete and takes no more decisions' } } };
  }
  if (!snapshot.can(event)) {
    const stage = STAGE_LABELS[stageOf(snapshot)];
    return {
      ok: false,
      refusal: {
        code: 'wrongStage',
        message: {
          zh: `当前阶段「${stage.zh}」（${describeValue(snapshot.value)}）不接受「${spec.title.zh}」（${event.type}），或其前提条件未满足`,
          en: `${event.type} is not accepted in the current stage "${stage.en}" (${describeValue(snapshot.value)}), or its precondition is not met`,
        },
      },
    };
  }
  // §三(三): the second signer signs the text the first one signed.
  const signedHash = (snapshot.context as HandoverContext).agreement?.textHash;
  if (event.type === 'AGREEMENT_SIGNED' && signedHash && agreementHash(event.data.sections) !== signedHash) {
    return {
      ok: false,
      refusal: invalidPayload([
        { path: 'data.sections', message: `与另一方已签署的协议文本（${signedHash.slice(0, 19)}…）不一致，双方须签署同一文本 (not the text the other party signed; both sign the same text)` },
      ]),
    };
  }
  // A live decision is not dated before the case's previous decision (a history is recorded in order).
  const previous = latestDecisionDate(snapshot.context as HandoverContext);
  if (previous && event.occurredOn < previous) {
    return {
      ok: false,
      refusal: {
        code: 'invalidPayload',
        issues: [{ path: 'occurredOn', message: `早于本案上一项决定的日期 ${previous} (before the case's previous decision, ${previous})` }],
        message: { zh: `occurredOn：${event.occurredOn} 早于本案上一项决定的日期 ${previous}`, en: `occurredOn: ${event.occurredOn} is before the case's previous decision (${previous})` },
      },
    };
  }
  const limit = caseLimitReached(snapshot.context as HandoverContext, event);
  if (limit) {
    const name = CASE_LIMIT_NAMES[limit.limit];
    return {
      ok: false,
      refusal: {
        code: 'caseLimit',
        message: {
          zh: `本案${name.zh}已达上限 ${limit.max} 项（已有 ${limit.count} 项），不能再办理「${spec.title.zh}」（${event.type}）`,
          en: `this case has reached its limit of ${limit.max} ${name.en} (${limit.count} so far); ${event.type} is not accepted`,
        },
      },
    };
  }
  // The step itself, as the host will apply it: assigns, guards, delays and the params of every effect.
  const machine = (snapshot as unknown as { machine: Parameters<typeof transition>[0] }).machine;
  const [next, actions] = transition(machine, snapshot as never, event as never) as unknown as [AnyMachineSnapshot, unknown[]];
  if ((next as { status: string }).status === 'error') throw (next as { error?: unknown }).error ?? new Error('the step ended in an error');
  for (const a of actions as Array<{ type: string; params?: { delay?: unknown } }>) {
    if (a.type === 'xstate.raise' && a.params?.delay !== undefined && !(typeof a.params.delay === 'number' && Number.isFinite(a.params.delay))) {
      throw new Error(`a timer without a finite delay (${String(a.params.delay)})`);
    }
  }
  // A UTF-16 unit takes at most 3 bytes in UTF-8: most snapshots are far enough under the budget not to count them.
  const json = JSON.stringify(machine.getPersistedSnapshot(next as never));
  const size = json.length * 3 <= MAX_SNAPSHOT_BYTES ? json.length : utf8Bytes(json);
  if (size > MAX_SNAPSHOT_BYTES) {
    return {
      ok: false,
      refusal: {
        code: 'caseLimit',
        message: {
          zh: `办理后本案状态将达 ${size} 字节，超过上限 ${MAX_SNAPSHOT_BYTES} 字节，不能办理「${spec.title.zh}」（${event.type}）`,
          en: `after ${event.type} the case's state would take ${size} bytes, more than its limit of ${MAX_SNAPSHOT_BYTES}`,
        },
      },
    };
  }
  return { ok: true, event, step: { snapshot: next, actions } };
}

function invalidPayload(issues: Array<{ path: string; message: string }>): Refusal {
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return { code: 'invalidPayload', issues, message: { zh: `内容无效：${detail}`, en: `invalid payload: ${detail}` } };
}

/** Funding's input names where the payload names them otherwise (TRANSITION_DECIDED). */
const FUNDING_FIELDS: Record<string, string> = { originalAnnual: 'originalRunningFundsAnnual' };

/** A throw from the step, as a refusal: a funding rule names its payload field; anything else is a rule the decision breaks. */
function refusalOf(err: unknown): Refusal {
  if (err instanceof FundingError) {
    const field = err.field.replace(/^[A-Za-z]+/, (name) => FUNDING_FIELDS[name] ?? name).replace(/\[(\d+)\]/g, '.$1');
    return invalidPayload([{ path: `data.${field}`, message: err.message }]);
  }
  const text = err instanceof Error ? err.message : String(err);
  const what = err instanceof CalendarError ? { zh: '日期无法按日历计算', en: 'a date cannot be computed on the calendar' } : { zh: '本决定违反规则', en: 'the decision breaks a rule' };
  return {
    code: 'ruleViolation',
    message: { zh: `不能办理：${what.zh}：${text}`, en: `not applied: ${what.en}: ${text}` },
  };
}

/** `agreement.drafting`, or `implementation.{facilities.inspecting, …}` for parallel states. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) return `${entries[0]![0]}.${describeValue(entries[0]![1])}`;
  return `{${entries.map(([k, v]) => `${k}.${describeValue(v)}`).join(', ')}}`;
}

/** The date of the case's latest recorded decision, from the dated facts its context keeps. */
export function latestDecisionDate(c: HandoverContext): string | undefined {
  if (!c) return undefined;
  const dates: Array<string | undefined> = [
    c.survey?.submittedOn,
    c.workPlan?.proposal?.on,
    c.workPlan?.agreedOn,
    ...(c.workPlan?.escalations?.latest ?? []).map((e) => e.on),
    ...(c.workPlan?.coordinationOutcomes?.latest ?? []).map((e) => e.on),
    ...(c.workPlan?.parentGroupOpinions?.latest ?? []).map((e) => e.on),
    ...Object.values(c.agreement?.signatures ?? {}),
    c.facilities?.handedOver?.on,
    ...(c.facilities?.inspections?.latest ?? []).map((e) => e.on),
    ...(c.facilities?.rectifications?.latest ?? []).map((e) => e.on),
    c.community?.establishedOn,
    // A case with several residential areas: each area's set-up date (the case's is the last one's).
    ...(c.areas ?? []).map((a) => a.establishedOn),
    c.transition?.decidedOn,
    ...(c.adjustmentHistory?.latest ?? []).map((e) => e.on),
    ...(c.adjustment?.opinions ?? []).map((e) => e.on),
    ...(c.majorProblems?.latest ?? []).flatMap((e) => [e.on, e.filedOn]),
    ...(c.newTasks?.latest ?? []).flatMap((e) => [e.on, e.decidedOn]),
  ];
  let latest: string | undefined;
  for (const d of dates) if (d && (!latest || d > latest)) latest = d;
  return latest;
}
