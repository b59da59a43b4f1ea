// The pure gate every decision passes before it touches a case: payload, role, organisation, date, stage.
import type { AnyMachineSnapshot } from 'xstate';
import { shanghaiDate } from './calendar';
import { EVENT_REGISTRY, parseDecision, type DecisionEvent } from './events';
import { ROLE_NAMES, organisationMismatch, type CaseParties } from './roles';
import { stageOf, STAGE_LABELS } from './case-view';

export type RefusalCode = 'invalidPayload' | 'wrongRole' | 'wrongOrganisation' | 'futureDate' | 'wrongStage';

export interface Refusal {
  code: RefusalCode;
  message: { zh: string; en: string };
  /** For invalid payloads: each field path with its problem. */
  issues?: Array<{ path: string; message: string }>;
}

export type Check = { ok: true; event: DecisionEvent } | { ok: false; refusal: Refusal };

/** Checks a decision against the case without changing anything; `now` stamps the event. */
export function checkDecision(snapshot: AnyMachineSnapshot, parties: CaseParties, input: unknown, now: number): Check {
  const parsed = parseDecision(input);
  if (!parsed.ok) {
    const detail = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return { ok: false, refusal: { code: 'invalidPayload', issues: parsed.issues, message: { zh: `内容无效：${detail}`, en: `invalid payload: ${detail}` } } };
  }
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
  return { ok: true, event };
}

/** `agreement.drafting`, or `implementation.{facilities.inspecting, …}` for parallel states. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) return `${entries[0]![0]}.${describeValue(entries[0]![1])}`;
  return `{${entries.map(([k, v]) => `${k}.${describeValue(v)}`).join(', ')}}`;
}
