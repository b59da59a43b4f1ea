// The decision types as readable lines in Chinese or English (`handover events [EVENT]`): the list, and one type with
// its roles and payload schema. Clause citations (§三(一)) stay as the notice numbers them, as in every other output.
import { EVENT_REGISTRY, EVENT_TYPES, type EventType } from '../../machines/events';
import { ROLE_NAMES } from '../../machines/roles';
import { kv } from './case-text';

type Lang = 'zh' | 'en';

/** One line per decision type: type, clause, title, roles. */
export function eventListLines(lang: Lang): string[] {
  return EVENT_TYPES.map((type) => {
    const spec = EVENT_REGISTRY[type];
    return `${type.padEnd(30)} ${spec.clause.padEnd(7)} ${spec.title[lang]} — ${spec.roles.join(', ')}`;
  });
}

/** A decision type: its title and clause, who may send it, then its payload's JSON Schema. */
export function eventDetailLines(type: EventType, schema: unknown, lang: Lang): string[] {
  const spec = EVENT_REGISTRY[type];
  const roles =
    lang === 'zh'
      ? spec.roles.map((r) => `${r}（${ROLE_NAMES[r].zh}）`).join('、')
      : spec.roles.map((r) => `${ROLE_NAMES[r].en} (${r})`).join(', ');
  return [`${type}  ${spec.title[lang]}  ${spec.clause}`, kv(lang, '办理角色', 'Roles', roles), ...JSON.stringify(schemaForReading(schema, lang), null, 2).split('\n')];
}

/** The schema with each bilingual description (`中文 (English)`) cut to its English half in English; as it is in Chinese. */
export function schemaForReading(schema: unknown, lang: Lang): unknown {
  if (lang === 'zh') return schema;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'description' && typeof x === 'string' ? englishHalf(x) : walk(x)]));
  };
  return walk(schema);
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** `中文说明 (English text)` → `English text`: the last parenthesised part when it has no Chinese and what precedes it
 * has; any other text unchanged. */
export function englishHalf(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(')')) return text;
  let depth = 0;
  for (let i = trimmed.length - 1; i >= 0; i--) {
    if (trimmed[i] === ')') depth++;
    else if (trimmed[i] === '(' && --depth === 0) {
      const before = trimmed.slice(0, i);
      const inner = trimmed.slice(i + 1, -1).trim();
      return /\s$/.test(before) && CJK.test(before) && inner && !CJK.test(inner) ? inner : text;
    }
  }
  return text;
}
