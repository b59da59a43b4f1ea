// The zod building blocks of every payload, carrying the domain rules: money in yuan with at most two decimals,
// dates in a plausible range, text without control or bidirectional-override characters and with a maximum
// length, bounded numbers. Every message is Chinese with English, and names the rule it broke.
import { z } from 'zod';
import { isYuanAmount } from './funding';
import {
  DATE_RANGE,
  HISTORIC_DATE_RANGE,
  MAX_AMOUNT_CNY,
  MAX_AREA_M2,
  MAX_PEOPLE,
  TEXT_LIMITS,
  dateProblem,
  forbiddenCharacter,
} from './limits';

const bi = (zh: string, en: string) => `${zh} (${en})`;

/** A date `YYYY-MM-DD` within `range` (default DATE_RANGE, 2000-01-01 to 2100-12-31). */
export function isoDate(range: { from: string; to: string } = DATE_RANGE) {
  return z.string().superRefine((s, ctx) => {
    const problem = dateProblem(s, range);
    if (problem) ctx.addIssue({ code: 'custom', message: bi(problem.zh, problem.en) });
  });
}

/** Any date of a decision or setting. */
export const IsoDateSchema = isoDate();
/** A fact that may lie decades back (a handover that already happened). */
export const HistoricDateSchema = isoDate(HISTORIC_DATE_RANGE);

function freeText(max: number, multiline: boolean) {
  return z
    .string()
    .trim()
    .min(1, bi('不能为空', 'must not be empty'))
    .max(max, bi(`不能超过 ${max} 个字符`, `at most ${max} characters`))
    .superRefine((s, ctx) => {
      const bad = forbiddenCharacter(s, multiline);
      if (!bad) return;
      const allowed = multiline ? bi('（可用换行和制表符）', '(line breaks and tabs are allowed)') : '';
      ctx.addIssue({
        code: 'custom',
        message: bi(
          `含有不允许的字符 ${bad.codePoint}（第 ${bad.position} 个字符）：文本中不能有控制字符或双向文字控制符${allowed ? `，${allowed}` : ''}`,
          `contains ${bad.codePoint} at position ${bad.position}: control and bidirectional formatting characters are not allowed${multiline ? '; line breaks and tabs are' : ''}`,
        ),
      });
    });
}

/** Text on one line: a name, a reference, an organisation. */
export const line = (max: number = TEXT_LIMITS.line) => freeText(max, false);
/** Text that may span lines: a reason, a summary, a section of a plan. */
export const prose = (max: number = TEXT_LIMITS.prose) => freeText(max, true);

/** An amount of money in yuan: 0 to MAX_AMOUNT_CNY with at most two decimals (whole fen), as the funding rules compute it. */
export const yuan = z.number().superRefine((n, ctx) => {
  if (isYuanAmount(n)) return;
  const why =
    n < 0
      ? bi('不能为负数', 'must not be negative')
      : n > MAX_AMOUNT_CNY
        ? bi(`不能超过 ${MAX_AMOUNT_CNY} 元`, `at most ${MAX_AMOUNT_CNY} yuan`)
        : bi(`金额以元计，最多两位小数（精确到分），收到 ${n}`, `an amount in yuan has at most two decimals (whole fen), got ${n}`);
  ctx.addIssue({ code: 'custom', message: why });
});

/** An area in m²: 0 to MAX_AREA_M2 with at most two decimals. */
export const area = z.number().superRefine((n, ctx) => {
  if (n >= 0 && n <= MAX_AREA_M2 && /^\d+(\.\d{1,2})?$/.test(String(n))) return;
  ctx.addIssue({ code: 'custom', message: bi(`面积应为 0 至 ${MAX_AREA_M2} 平方米，最多两位小数，收到 ${n}`, `an area is 0 to ${MAX_AREA_M2} m² with at most two decimals, got ${n}`) });
});

/** A whole number from `min` to `max`. */
export const whole = (min: number, max: number) =>
  z
    .number()
    .int(bi('应为整数', 'must be an integer'))
    .min(min, min === 0 ? bi('不能为负数', 'must not be negative') : bi(`不能小于 ${min}`, `at least ${min}`))
    .max(max, bi(`不能大于 ${max}`, `at most ${max}`));

/** A head count. */
export const count = whole(0, MAX_PEOPLE);

// ---- messages for what the schemas above do not word themselves ----------------------------------

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
  null: 'null',
  undefined: '未填写',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'non-finite number';
  return typeof value;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** zod's issues in Chinese with English, for the cases where a schema gives no message of its own. */
export const bilingualErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return bi('必填', 'required');
      const expected = String(issue.expected);
      return bi(`应为${TYPE_NAMES[expected] ?? expected}，收到${TYPE_NAMES[typeOf(issue.input)] ?? typeOf(issue.input)}`, `expected ${expected}, received ${typeOf(issue.input)}`);
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return bi(`不能超过 ${max} 个字符`, `at most ${max} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') return bi(`最多 ${max} 项`, `at most ${max} items`);
      return bi(`不能大于 ${max}`, `at most ${max}`);
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? bi('不能为空', 'must not be empty') : bi(`至少 ${min} 个字符`, `at least ${min} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') return bi(`至少 ${min} 项`, `at least ${min} items`);
      return bi(`不能小于 ${min}`, `at least ${min}`);
    }
    case 'invalid_format':
      return bi(`格式无效（${issue.format}）`, `invalid format (${issue.format})`);
    case 'not_multiple_of':
      return bi(`应为 ${issue.divisor} 的整数倍`, `must be a multiple of ${issue.divisor}`);
    case 'unrecognized_keys':
      return bi(`不允许的字段：${issue.keys.join('、')}`, `unrecognized field(s): ${issue.keys.join(', ')}`);
    case 'invalid_value': {
      const values = issue.values.map((v) => show(v));
      return bi(`应为以下之一：${values.join('、')}`, `expected one of: ${values.join(', ')}`);
    }
    case 'invalid_union':
      return bi('不符合任何一种允许的形式', 'matches none of the allowed forms');
    case 'invalid_key':
      return bi('字段名无效', 'invalid key');
    case 'invalid_element':
      return bi('元素无效', 'invalid element');
    default:
      return bi('内容无效', 'invalid value');
  }
};

// ---- attachments a decision carries --------------------------------------------------------------

/** The most attachments one decision may reference. */
export const MAX_DECISION_ATTACHMENTS = 10;
/** The largest attachment size a reference may state, in bytes (the upload limit is the API's, at most this). */
export const MAX_ATTACHMENT_REF_BYTES = 100 * 1024 * 1024;
/** The document types a decision may carry (PDF scans, photographs), as told by their content when uploaded. */
export const ATTACHMENT_REF_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/**
 * One document a decision carries: the content address (sha256) of a file uploaded to the case, with its name,
 * type and size. The decision records the reference; the bytes stay in the attachment store.
 */
export const AttachmentRefSchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, bi('应为 64 位小写十六进制的 SHA-256', 'must be a SHA-256 as 64 lowercase hex digits')),
    name: line(200),
    type: z.enum(ATTACHMENT_REF_TYPES),
    size: whole(1, MAX_ATTACHMENT_REF_BYTES),
  })
  .strict();
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

/** The optional `data.attachments` of any decision: at most MAX_DECISION_ATTACHMENTS, each file once. */
export const AttachmentRefsSchema = z
  .array(AttachmentRefSchema)
  .min(1, bi('附件列表不能为空（没有附件时请省略 attachments）', 'an empty list: leave attachments out when there are none'))
  .max(MAX_DECISION_ATTACHMENTS, bi(`一项决定最多 ${MAX_DECISION_ATTACHMENTS} 个附件`, `at most ${MAX_DECISION_ATTACHMENTS} attachments per decision`))
  .superRefine((refs, ctx) => {
    const seen = new Set<string>();
    refs.forEach((r, i) => {
      if (seen.has(r.sha256)) ctx.addIssue({ code: 'custom', path: [i, 'sha256'], message: bi('同一文件重复列出', 'the same file is listed twice') });
      seen.add(r.sha256);
    });
  });
