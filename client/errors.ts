// Errors a client of the engine meets, each with its message in Chinese and English.
import type { Refusal } from '../machines/decide';

export interface Localized {
  zh: string;
  en: string;
}

/** Base class: carries a localized message; `message` is Chinese with the English in parentheses. */
export class HandoverError extends Error {
  constructor(readonly text: Localized) {
    super(`${text.zh} (${text.en})`);
  }
}

/** Thrown when a case id names no workflow. */
export class CaseNotFoundError extends HandoverError {
  override name = 'CaseNotFoundError';
  constructor(readonly caseId: string) {
    super({ zh: `案件不存在：${caseId}`, en: `unknown case: ${caseId}` });
  }
}

/** Thrown when a case for this enterprise was already started. */
export class CaseAlreadyExistsError extends HandoverError {
  override name = 'CaseAlreadyExistsError';
  constructor(readonly caseId: string) {
    super({ zh: `该企业的移交案件已存在：${caseId}，未重复创建`, en: `a case for this enterprise already exists: ${caseId}; not started again` });
  }
}

/** Thrown when input fails validation before anything is sent. */
export class InvalidInputError extends HandoverError {
  override name = 'InvalidInputError';
  constructor(
    readonly issues: Array<{ path: string; message: string }>,
    what: Localized = { zh: '输入', en: 'input' },
  ) {
    const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super({ zh: `${what.zh}无效：${detail}`, en: `invalid ${what.en}: ${detail}` });
  }
}

/** Thrown when the case refused a decision (payload, role, organisation, date or stage); nothing changed. */
export class DecisionRefusedError extends HandoverError {
  override name = 'DecisionRefusedError';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/**
 * Thrown when a request id was already used for a different decision (type, actor, date or payload): nothing
 * was applied. HTTP 409, code `requestIdConflict`. The same id with the same decision is not an error: it
 * answers the original result with `duplicate: true`.
 */
export class RequestIdConflictError extends HandoverError {
  override name = 'RequestIdConflictError';
  readonly code = 'requestIdConflict';
  readonly httpStatus = 409;
  constructor(
    readonly caseId: string,
    readonly requestId: string,
    /** The record entry of the decision the id was first used for. */
    readonly seq?: number,
  ) {
    super({
      zh: `请求编号 ${requestId} 已用于本案另一项决定${seq ? `（记录第 ${seq} 条）` : ''}，本决定未办理；新决定请使用新的请求编号`,
      en: `request id ${requestId} was already used for a different decision on this case${seq ? ` (record entry ${seq})` : ''}; nothing was applied — use a new request id`,
    });
  }
}

/** How a closed case ended: the machine completed it, or its run failed, was terminated, cancelled or timed out. */
export type ClosedStatus = 'done' | 'failed' | 'terminated' | 'cancelled' | 'timedOut';

/** Thrown when a decision is sent to a case that is closed (completed, failed, terminated…). HTTP 409, code `caseClosed`. */
export class CaseClosedError extends HandoverError {
  override name = 'CaseClosedError';
  readonly code = 'caseClosed';
  readonly httpStatus = 409;
  constructor(
    readonly caseId: string,
    readonly status: ClosedStatus,
  ) {
    const zh = { done: '已结案', failed: '已失败终止', terminated: '已被强制终止', cancelled: '已撤销', timedOut: '已超时终止' }[status];
    const en = { done: 'completed', failed: 'failed', terminated: 'terminated', cancelled: 'cancelled', timedOut: 'timed out' }[status];
    super({ zh: `案件${zh}，不再接受决定：${caseId}`, en: `the case is closed (${en}) and takes no more decisions: ${caseId}` });
  }
}

/** Thrown when the case record store is far behind and the case refuses decisions until it catches up. HTTP 503, code `recordBacklog`. */
export class RecordBacklogError extends HandoverError {
  override name = 'RecordBacklogError';
  readonly code = 'recordBacklog';
  readonly httpStatus = 503;
  constructor(readonly caseId: string) {
    super({ zh: `案件记录库暂时无法写入，决定未办理，请稍后重试：${caseId}`, en: `the case record store is behind; nothing was applied, try again later: ${caseId}` });
  }
}
