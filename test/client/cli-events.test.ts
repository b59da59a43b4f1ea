// `handover events [EVENT]`: the decision types and one type's roles and payload schema, in Chinese or in English
// throughout (only the notice's clause numbers, §三(一), are cited as the notice writes them). No server needed.
import { cli, withoutHandoverLang } from '../helpers/cli';
import { englishHalf, schemaForReading } from '../../client/format/event-text';
import { EVENT_REGISTRY, EVENT_TYPES } from '../../machines/events';

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

withoutHandoverLang();

describe('handover events', () => {
  it('shows a decision type in English with English punctuation: title, clause, roles by name and id', async () => {
    const r = await cli('events', 'SURVEY_SUBMITTED', '--lang', 'en');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('SURVEY_SUBMITTED  Submit survey  §三(一)');
    expect(r.out[1]).toBe('Roles: district civil affairs bureau (districtCivilAffairs), township (sub-district office) (township)');
    expect(JSON.parse(r.out.slice(2).join('\n'))).toMatchObject({ type: 'object', properties: { totalPeople: { type: 'integer' } } });
  });

  it('has no Chinese in the English output of any decision type apart from the clause it cites', async () => {
    for (const type of EVENT_TYPES) {
      const r = await cli('--lang', 'en', 'events', type);
      expect(r.code).toBe(0);
      const text = r.out.join('\n').replace(EVENT_REGISTRY[type].clause, '');
      expect({ type, chinese: text.match(CJK)?.[0] }).toEqual({ type, chinese: undefined });
    }
    const list = await cli('--lang', 'en', 'events');
    expect(list.out).toHaveLength(EVENT_TYPES.length);
    for (const [i, type] of EVENT_TYPES.entries()) expect(list.out[i]!.replace(EVENT_REGISTRY[type].clause, '')).not.toMatch(CJK);
  });

  it('stays Chinese by default', async () => {
    const r = await cli('events', 'SURVEY_SUBMITTED');
    expect(r.out[0]).toBe('SURVEY_SUBMITTED  提交摸排结果  §三(一)');
    expect(r.out[1]).toBe('办理角色：districtCivilAffairs（区县民政局）、township（乡镇人民政府（街道办事处））');
  });

  it('refuses an unknown decision type in the language asked for', async () => {
    const en = await cli('--lang', 'en', 'events', 'NO_SUCH_EVENT');
    expect(en.code).not.toBe(0);
    expect(en.err.join('\n')).toContain('unknown decision type: NO_SUCH_EVENT');
    expect(en.err.join('\n')).not.toMatch(CJK);
  });

  it('keeps the English half of a bilingual schema description in English, the whole text in Chinese', () => {
    expect(englishHalf('职工家属区名称（案件含多个家属区时必填） (the residential area, required when the case has several)')).toBe('the residential area, required when the case has several');
    expect(englishHalf('区县 (a district (GB/T 2260 name))')).toBe('a district (GB/T 2260 name)');
    expect(englishHalf('plain English (with a remark)')).toBe('plain English (with a remark)');
    expect(englishHalf('只有中文（说明）')).toBe('只有中文（说明）');
    expect(englishHalf('中文 (也是中文)')).toBe('中文 (也是中文)');
    const schema = { type: 'object', properties: { description: { type: 'string', description: '说明 (a note)' } }, required: ['description'] };
    expect(schemaForReading(schema, 'en')).toEqual({ type: 'object', properties: { description: { type: 'string', description: 'a note' } }, required: ['description'] });
    expect(schemaForReading(schema, 'zh')).toBe(schema);
  });
});
