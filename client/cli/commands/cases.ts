// The case commands: start, status, send, timeline, list, events — each a thin call into client/cases.ts.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { caseActions, caseRecord, caseState, sendDecision, startCase } from '../../cases';
import { asTimelineEntry } from '../../case-record';
import { caseListQuery, caseRow, latestRows, type CaseRow } from '../../case-list';
import { resolveCaseId } from '../../case-ref';
import { withClient } from '../../connect';
import { caseStateLines, timelineLines } from '../../format/case-text';
import { eventDetailLines, eventListLines } from '../../format/event-text';
import { caseIdOf } from '../../../machines/case-input';
import { STAGES, STAGE_LABELS } from '../../../machines/case-view';
import { shanghaiDate } from '../../../machines/calendar';
import { EVENT_REGISTRY, EVENT_TYPES, type EventType } from '../../../machines/events';
import { ROLES, RoleSchema } from '../../../machines/roles';
import { t } from '../i18n';
import type { CliContext } from '../main';
import { UsageError, intOption, printJson } from '../output';
import type { User } from '../../admin/users';
import { usersStore } from './users';

/** `handover-<code>-<district code>`, `<code>-<district code>`, or (cases from before 168-2017.3) `handover-<code>` / `<code>`. */
export function caseRef(ref: string): string {
  return caseIdOf(ref) ?? ref;
}

/** `--data '{"a":1}'` or `--data @file.json`. */
function readJson(arg: string | undefined, what: string): unknown {
  if (arg === undefined) return {};
  let text = arg;
  if (arg.startsWith('@')) {
    try {
      text = readFileSync(arg.slice(1), 'utf8');
    } catch (err) {
      throw new UsageError({ zh: `无法读取 ${what} 文件 ${arg.slice(1)}：${(err as Error).message}`, en: `cannot read ${what} file ${arg.slice(1)}: ${(err as Error).message}` });
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError({ zh: `${what} 不是有效的 JSON：${(err as Error).message}`, en: `${what} is not valid JSON: ${(err as Error).message}` });
  }
}

/**
 * `--as <role>@<organisation>` (e.g. `districtCivilAffairs@九龙坡区`) or the name of a user in the users file
 * (`handover users add`), which stands for that user's role and organisation.
 */
export function parseActor(as: string, lookup: (name: string) => User | undefined = (name) => usersStore().byName(name)): { role: (typeof ROLES)[number]; org: string; user?: string } {
  const at = as.indexOf('@');
  if (at < 0) {
    const user = lookup(as);
    if (user) return { role: user.role, org: user.org, user: user.name };
    throw new UsageError({
      zh: `--as 应为用户名（handover users list）或 角色@组织，例如 districtCivilAffairs@九龙坡区：找不到用户 ${as}`,
      en: `--as must be a user name (handover users list) or role@organisation, e.g. districtCivilAffairs@九龙坡区: no user ${as}`,
    });
  }
  const role = RoleSchema.safeParse(as.slice(0, at));
  if (at === 0 || !role.success || at === as.length - 1) {
    throw new UsageError({
      zh: `--as 应为用户名或 角色@组织，例如 districtCivilAffairs@九龙坡区；角色为：${ROLES.join(', ')}`,
      en: `--as must be a user name or role@organisation, e.g. districtCivilAffairs@九龙坡区; roles: ${ROLES.join(', ')}`,
    });
  }
  return { role: role.data, org: as.slice(at + 1) };
}

export function registerCaseCommands(program: Command, ctx: CliContext): void {
  const { lang } = ctx;

  program
    .command('start')
    .description(t(lang, { zh: '为一家企业建立移交案件（计划表中的一行）', en: 'start the handover case of one enterprise (one plan-table row)' }))
    .requiredOption('--data <json|@file>', t(lang, { zh: '案件信息：creditCode、enterpriseName、district、township…', en: 'case: creditCode, enterpriseName, district, township…' }))
    .action(async (opts: { data: string }) =>
      withClient(async (client, settings) => {
        const handle = await startCase(client, readJson(opts.data, '--data'), { taskQueue: settings.taskQueue });
        const state = await caseState(client, handle.workflowId);
        const { json, lang: out } = ctx.globals();
        if (json) return printJson(ctx.io, state);
        ctx.io.out(t(out, { zh: `已建立案件 ${handle.workflowId}`, en: `case started: ${handle.workflowId}` }));
        for (const line of caseStateLines(state, out)) ctx.io.out(line);
      }),
    );

  program
    .command('status')
    .description(t(lang, { zh: '案件当前状态、期限及各方可办理事项', en: "a case's state, deadlines and what each party may do now" }))
    .argument('<case>', t(lang, { zh: '案件编号或统一社会信用代码', en: 'case id or credit code' }))
    .action(async (ref: string) =>
      withClient(async (client) => {
        const id = await resolveCaseId(client, ref);
        const [state, actions] = await Promise.all([caseState(client, id), caseActions(client, id)]);
        const { json, lang: out } = ctx.globals();
        if (json) return printJson(ctx.io, { ...state, actions });
        for (const line of caseStateLines(state, out, actions)) ctx.io.out(line);
      }),
    );

  program
    .command('send')
    .description(t(lang, { zh: '向案件提交一项决定', en: 'send a decision to a case' }))
    .argument('<case>', t(lang, { zh: '案件编号或统一社会信用代码', en: 'case id or credit code' }))
    .argument('<event>', t(lang, { zh: '决定类型，见 handover events', en: 'decision type, see `handover events`' }))
    .requiredOption('--as <user|role@org>', t(lang, { zh: '决定人：用户名，或 角色@组织', en: 'who decides: a user name, or role@organisation' }))
    .option('--data <json|@file>', t(lang, { zh: '决定内容（JSON）', en: 'the decision payload (JSON)' }))
    .option('--on <YYYY-MM-DD>', t(lang, { zh: '决定日期（默认今天）', en: 'date of the decision (default today)' }))
    .option('--request-id <id>', t(lang, { zh: '请求编号：重复提交只办理一次', en: 'request id: a repeated send is applied once' }))
    .action(async (ref: string, event: string, opts: { as: string; data?: string; on?: string; requestId?: string }) => {
      if (!(EVENT_TYPES as string[]).includes(event)) {
        throw new UsageError({ zh: `未知决定类型：${event}；见 handover events`, en: `unknown decision type: ${event}; see \`handover events\`` });
      }
      const request = {
        type: event as EventType,
        actor: parseActor(opts.as),
        occurredOn: opts.on ?? shanghaiDate(Date.now()),
        data: readJson(opts.data, '--data'),
        requestId: opts.requestId ?? randomUUID(),
      };
      return withClient(async (client) => {
        const state = await sendDecision(client, await resolveCaseId(client, ref), request);
        const { json, lang: out } = ctx.globals();
        if (json) return printJson(ctx.io, state);
        ctx.io.out(
          state.duplicate
            ? t(out, { zh: `请求 ${request.requestId} 已办理过（记录第 ${state.seq} 条），未重复办理`, en: `request ${request.requestId} was already applied (record entry ${state.seq}); nothing changed` })
            : t(out, { zh: `已办理：${EVENT_REGISTRY[request.type].title.zh}（记录第 ${state.seq} 条）`, en: `applied: ${EVENT_REGISTRY[request.type].title.en} (record entry ${state.seq})` }),
        );
        for (const line of caseStateLines(state, out)) ctx.io.out(line);
      });
    });

  program
    .command('timeline')
    .description(t(lang, { zh: '案件办理记录（案件记录库，全部或分页）：谁、何时、做了什么', en: 'the case record (all of it, or one page): who did what, when' }))
    .argument('<case>', t(lang, { zh: '案件编号或统一社会信用代码', en: 'case id or credit code' }))
    .option('--after <seq>', t(lang, { zh: '从该序号之后开始（分页）', en: 'start after this seq (paging)' }))
    .option('--limit <n>', t(lang, { zh: '只显示一页，最多 n 条（1 至 1000）', en: 'show one page of at most n entries (1 to 1000)' }))
    .action(async (ref: string, opts: { after?: string; limit?: string }) => {
      const after = intOption(opts.after, '--after', 0, Number.MAX_SAFE_INTEGER);
      const limit = intOption(opts.limit, '--limit', 1, 1000);
      return withClient(async (client) => {
        const caseId = await resolveCaseId(client, ref);
        const { json, lang: out } = ctx.globals();
        if (limit !== undefined) {
          // One page, with where the next one starts.
          const page = await caseRecord(client, caseId, { afterSeq: after, limit });
          if (json) return printJson(ctx.io, page);
          for (const line of timelineLines(page.entries.map(asTimelineEntry), out)) ctx.io.out(line);
          ctx.io.out(
            page.nextAfter !== undefined
              ? t(out, { zh: `共 ${page.total} 条；下一页：--after ${page.nextAfter}`, en: `${page.total} entries in all; next page: --after ${page.nextAfter}` })
              : t(out, { zh: `共 ${page.total} 条`, en: `${page.total} entries in all` }),
          );
          return;
        }
        // The whole record, read page by page.
        const entries = [];
        let next: number | undefined = after ?? 0;
        while (next !== undefined) {
          const page = await caseRecord(client, caseId, { afterSeq: next, limit: 500 });
          if (json) entries.push(...page.entries);
          else for (const line of timelineLines(page.entries.map(asTimelineEntry), out)) ctx.io.out(line);
          next = page.nextAfter;
        }
        if (json) printJson(ctx.io, entries);
      });
    });

  program
    .command('list')
    .description(t(lang, { zh: '按区县、阶段、逾期、临近期限筛选案件', en: 'list cases by district, stage, overdue, upcoming deadline' }))
    .option('--district <name>', t(lang, { zh: '区县', en: 'district' }))
    .option('--stage <stage>', `${t(lang, { zh: '阶段', en: 'stage' })}: ${STAGES.join(', ')}`)
    .option('--overdue', t(lang, { zh: '只列逾期案件', en: 'overdue cases only' }))
    .option('--due-within <days>', t(lang, { zh: '期限在若干天内到期', en: 'next deadline within this many days' }))
    .action(async (opts: { district?: string; stage?: string; overdue?: boolean; dueWithin?: string }) => {
      if (opts.stage && !(STAGES as readonly string[]).includes(opts.stage)) {
        throw new UsageError({ zh: `未知阶段：${opts.stage}`, en: `unknown stage: ${opts.stage}` });
      }
      let dueWithinDays: number | undefined;
      if (opts.dueWithin !== undefined) {
        const days = z.coerce.number().int().min(0).max(3650).safeParse(opts.dueWithin);
        if (!days.success) throw new UsageError({ zh: `--due-within 应为 0 至 3650 的整数`, en: '--due-within must be an integer 0 to 3650' });
        dueWithinDays = days.data;
      }
      const query = caseListQuery({ district: opts.district, stage: opts.stage, overdue: opts.overdue ? true : undefined, dueWithinDays });
      return withClient(async (client) => {
        const runs: CaseRow[] = [];
        for await (const wf of client.workflow.list({ query })) runs.push(caseRow(wf));
        const rows = latestRows(runs);
        const { json, lang: out } = ctx.globals();
        if (json) return printJson(ctx.io, rows);
        ctx.io.out(t(out, { zh: `共 ${rows.length} 件`, en: `${rows.length} case(s)` }));
        for (const r of rows) {
          const stage = STAGE_LABELS[r.stage as keyof typeof STAGE_LABELS]?.[out] ?? String(r.stage);
          const due = r.nextDeadline ? `${t(out, { zh: '下一期限', en: 'next deadline' })} ${r.nextDeadline.slice(0, 10)}` : '';
          const overdue = r.overdue ? t(out, { zh: '【逾期】', en: '[OVERDUE]' }) : '';
          const closed = r.caseStatus !== 'active' ? `  [${r.caseStatus}]` : '';
          ctx.io.out(`${r.caseId}  ${String(r.enterprise)}  ${String(r.district)}  ${stage}${overdue}  ${due}${closed}`.trimEnd());
        }
      });
    });

  program
    .command('events')
    .description(t(lang, { zh: '可提交的决定类型、办理角色及依据条款', en: 'decision types, who may send them, and their clauses' }))
    .argument('[event]', t(lang, { zh: '显示该决定的内容格式（JSON Schema）', en: 'show this decision’s payload schema (JSON Schema)' }))
    .action((event?: string) => {
      const { json, lang: out } = ctx.globals();
      if (event) {
        const spec = EVENT_REGISTRY[event as EventType];
        if (!spec) throw new UsageError({ zh: `未知决定类型：${event}`, en: `unknown decision type: ${event}` });
        const schema = z.toJSONSchema(spec.data as z.ZodType, { io: 'input', unrepresentable: 'any' });
        if (json) return printJson(ctx.io, { type: event, roles: spec.roles, clause: spec.clause, title: spec.title, schema });
        for (const line of eventDetailLines(event as EventType, schema, out)) ctx.io.out(line);
        return;
      }
      if (json) return printJson(ctx.io, EVENT_TYPES.map((type) => ({ type, roles: EVENT_REGISTRY[type].roles, clause: EVENT_REGISTRY[type].clause, title: EVENT_REGISTRY[type].title })));
      for (const line of eventListLines(out)) ctx.io.out(line);
    });

}
