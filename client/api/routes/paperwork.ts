// Paperwork on demand (issue 12 item 6): a district's progress table (附件2) for any month and the year-end summary,
// made by the very functions the CLI's `handover report monthly|summary` calls (client/reports.ts), and the filtered
// case list as .xlsx. City bodies may ask for any district, district and township bodies for their own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { addTableSheet } from '../../../activities/reports/spreadsheet';
import { STAGES, STAGE_LABELS, type Stage } from '../../../machines/case-view';
import { isKnownDistrict } from '../../../machines/districts';
import { InvalidInputError } from '../../errors';
import { monthlyReportNow, yearSummary } from '../../reports';
import { caseListFilter, reportScope, visibleCaseRows } from '../access';
import { ApiError } from '../api-error';
import type { RouteContext } from '../route-context';
import { CaseListFilterQuery, bearer, errors } from '../schemas';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TYPES = { xlsx: XLSX, html: 'text/html; charset=utf-8', md: 'text/markdown; charset=utf-8' } as const;
const Lang = z.enum(['zh', 'en']).default('zh');

/** Runs `make` with a fresh temporary folder, removed afterwards; report writers write files, the route sends bytes. */
async function inTempDir<T>(make: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'handover-paperwork-'));
  try {
    return await make(dir);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new ApiError(400, 'invalidRequest', err.text, err.issues);
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function attachment(reply: FastifyReply, name: string, type: string) {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
}

export const paperworkRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { deps, who } = ctx;

  /** The district asked for, checked against what the caller may see; its own district when none is asked for. */
  const districtFor = (req: FastifyRequest, asked: string | undefined, allowCity: boolean): string | undefined => {
    const user = who(req);
    const scope = reportScope(user);
    if (scope !== '*' && scope.length === 0) throw new ApiError(403, 'forbidden', { zh: '报表供市级部门和区县、乡镇（街道）使用', en: 'reports are for city, district and township bodies' });
    if (asked !== undefined && !isKnownDistrict(asked)) {
      throw new ApiError(400, 'invalidRequest', { zh: `请求无效：district: 未知区县“${asked}”`, en: `invalid request: district: unknown district "${asked}"` }, [{ path: 'district', message: 'unknown district' }]);
    }
    if (asked === undefined) {
      if (scope === '*') {
        if (allowCity) return undefined;
        throw new ApiError(400, 'invalidRequest', { zh: '请求无效：district: 请指定区县', en: 'invalid request: district: name the district' }, [{ path: 'district', message: 'required' }]);
      }
      return scope[0];
    }
    if (scope !== '*' && !scope.includes(asked)) {
      throw new ApiError(403, 'forbidden', { zh: `只能生成本区县（${scope.join('、')}）的报表：district=${asked}`, en: `you make your own district's (${scope.join(', ')}) reports only: district=${asked}` });
    }
    return asked;
  };

  api.get(
    '/api/paperwork/monthly.xlsx',
    {
      schema: {
        tags: ['reports'],
        summary: '立即生成某区县某月的工作进度表（附件2，.xlsx）(a district\'s progress table for a month, now)',
        description: '与命令行 handover report monthly 同一函数 (client/reports.ts monthlyReportNow)。 The same function as the CLI\'s `handover report monthly`.',
        security: bearer,
        querystring: z
          .object({
            district: z.string().min(1).max(50).optional().describe('区县；区县、乡镇用户默认本区县'),
            month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份应为 YYYY-MM (a month is YYYY-MM)'),
            lang: Lang,
          })
          .strict(),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const district = districtFor(req, req.query.district, false)!;
      const { month, lang } = req.query;
      const bytes = await inTempDir(async (dir) => {
        const { report, files } = await monthlyReportNow(deps.client, { district, month, out: join(dir, 'table.xlsx'), lang });
        reply.header('x-case-count', String(report.total));
        return readFileSync(files.xlsx);
      });
      attachment(reply, `${lang === 'zh' ? '工作进度表' : 'progress'}-${district}-${month}.xlsx`, XLSX);
      return reply.send(bytes);
    },
  );

  api.get(
    '/api/paperwork/summary',
    {
      schema: {
        tags: ['reports'],
        summary: '年度总结：各区县及全市汇总（.xlsx、.html 或 .md）(the year-end summary)',
        description: '与命令行 handover report summary 同一函数 (client/reports.ts yearSummary)。不指定区县时为全市（仅市级部门）。 The same function as the CLI\'s `handover report summary`; without a district, the city (city bodies only).',
        security: bearer,
        querystring: z
          .object({
            year: z.coerce.number().int().min(2017).max(9999),
            district: z.string().min(1).max(50).optional(),
            format: z.enum(['xlsx', 'html', 'md']).default('xlsx'),
            lang: Lang,
          })
          .strict(),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const district = districtFor(req, req.query.district, true);
      const { year, format, lang } = req.query;
      const bytes = await inTempDir(async (dir) => {
        const out = join(dir, `summary.${format}`);
        const s = await yearSummary(deps.client, { year, district, out, lang });
        reply.header('x-case-count', String(s.cases));
        return readFileSync(out);
      });
      const scope = district ?? (lang === 'zh' ? '全市' : 'city');
      attachment(reply, `${lang === 'zh' ? '年度总结' : 'summary'}-${year}-${scope}.${format}`, TYPES[format]);
      return reply.send(bytes);
    },
  );

  api.get(
    '/api/cases.xlsx',
    {
      schema: {
        tags: ['cases'],
        summary: '按条件筛选的案件列表导出为 Excel (the filtered case list as .xlsx)',
        description: '筛选条件同 GET /api/cases，另有 q：企业名称或信用代码中的文字。 The filters of GET /api/cases, and q: text in the enterprise name or credit code.',
        security: bearer,
        querystring: CaseListFilterQuery.extend({ q: z.string().max(100).optional(), lang: Lang }).strict(),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const user = who(req);
      const q = req.query;
      const { cases, truncated } = await visibleCaseRows(deps.client, user, caseListFilter(user, q), 20_000);
      const needle = q.q?.trim().toLowerCase();
      const rows = needle ? cases.filter((c) => `${c.enterprise ?? ''} ${c.creditCode}`.toLowerCase().includes(needle)) : cases;
      rows.sort((a, b) => (a.district ?? '').localeCompare(b.district ?? '') || a.creditCode.localeCompare(b.creditCode));
      const zh = q.lang === 'zh';
      const yes = zh ? '是' : 'yes';
      const stageName = (s?: string) => (s && (STAGES as readonly string[]).includes(s) ? STAGE_LABELS[s as Stage][q.lang] : (s ?? ''));
      const conditions = [
        q.district && `${zh ? '区县' : 'district'}=${q.district}`,
        q.stage && `${zh ? '阶段' : 'stage'}=${stageName(q.stage)}`,
        q.overdue && `${zh ? '逾期' : 'overdue'}=${q.overdue}`,
        q.dueWithinDays !== undefined && `${zh ? '期限在天内' : 'due within days'}=${q.dueWithinDays}`,
        q.q && `${zh ? '包含' : 'contains'}=${q.q}`,
      ].filter(Boolean);
      const workbook = new ExcelJS.Workbook();
      workbook.creator = 'handover';
      addTableSheet(workbook, {
        title: zh ? '案件列表' : 'Cases',
        sheetName: zh ? '案件列表' : 'Cases',
        headerBlock: [
          [zh ? '导出时间' : 'Exported at', new Date().toISOString()],
          [zh ? '导出人' : 'Exported by', `${user.name} (${user.org})`],
          [zh ? '筛选条件' : 'Filters', conditions.join('; ') || (zh ? '无' : 'none')],
          [zh ? '件数' : 'Cases', `${rows.length}${truncated ? (zh ? '（超过上限，已截断）' : ' (over the limit, truncated)') : ''}`],
        ],
        columns: [
          { header: zh ? '统一社会信用代码' : 'Credit code', width: 22 },
          { header: zh ? '企业名称' : 'Enterprise', width: 28 },
          { header: zh ? '区县' : 'District', width: 12 },
          { header: zh ? '阶段' : 'Stage', width: 14 },
          { header: zh ? '逾期' : 'Overdue', width: 8 },
          { header: zh ? '下一期限' : 'Next deadline', width: 14 },
          { header: zh ? '状态' : 'Status', width: 10 },
          { header: zh ? '建立时间' : 'Started', width: 20 },
        ],
        rows: rows.map((c) => [c.creditCode, c.enterprise ?? '', c.district ?? '', stageName(c.stage), c.overdue ? yes : '', c.nextDeadline?.slice(0, 10) ?? '', c.caseStatus, c.startedAt ?? '']),
      });
      reply.header('x-case-count', String(rows.length));
      attachment(reply, `${zh ? '案件列表' : 'cases'}-${new Date().toISOString().slice(0, 10)}.xlsx`, XLSX);
      return reply.send(Buffer.from(await workbook.xlsx.writeBuffer()));
    },
  );
};
