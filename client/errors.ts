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
