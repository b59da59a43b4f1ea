// The city and district dashboard (issue 12 item 3): the figures as JSON and as .xlsx, and Apache ECharts served from
// node_modules (no CDN) for the console's dashboard page. City bodies see every district, district and township
// bodies their own; enterprises and parent groups have no dashboard.
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DISTRICTS, isKnownDistrict } from '../../../machines/districts';
import { buildDashboard, dashboardWorkbook, DASHBOARD_COLUMNS } from '../../dashboard';
import { reportScope } from '../access';
import { ApiError } from '../api-error';
import { PUBLIC } from '../auth';
import type { RouteContext } from '../route-context';
import { LocalizedSchema, bearer, errors } from '../schemas';

const DashboardQuery = z
  .object({
    district: z.string().min(1).max(50).optional().describe('只看该区县 (one district only)'),
    year: z.coerce.number().int().min(2017).max(9999).optional().describe('按年统计的数字所属年度，默认今年 (the year dated figures count in)'),
  })
  .strict();

const CountsSchema = z.looseObject({
  district: z.string(),
  cases: z.number(),
  planned: z.number(),
  handedOver: z.number(),
  agreementSigned: z.number(),
  overdue: z.number(),
  agreementOverdue: z.number(),
  completed: z.number(),
  completedThisYear: z.number(),
  byStage: z.record(z.string(), z.number()),
});
const DashboardSchema = z.object({
  asOf: z.string(),
  year: z.number(),
  scope: z.string(),
  cases: z.number(),
  districts: z.array(CountsSchema),
  total: CountsSchema,
  columns: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string() })),
  nextDeadlines: z.array(
    z.object({ caseId: z.string(), enterprise: z.string(), district: z.string(), stage: z.string(), kind: z.string(), label: LocalizedSchema, due: z.string(), dueAt: z.string(), overdue: z.boolean() }),
  ),
  progress: z.object({ months: z.array(z.string()), workPlanAgreed: z.array(z.number()), agreementSigned: z.array(z.number()), handedOver: z.array(z.number()), completed: z.array(z.number()), plannedCompletion: z.array(z.number()) }),
  unreadable: z.array(z.string()),
});

let echarts: Buffer | undefined;

export const dashboardRoutes: FastifyPluginAsync<RouteContext> = async (app, ctx) => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  /** The districts the caller may see, and the one asked for; 403 for callers without a dashboard. */
  const scopeOf = (req: FastifyRequest, district: string | undefined) => {
    const scope = reportScope(ctx.who(req));
    if (scope !== '*' && scope.length === 0) {
      throw new ApiError(403, 'forbidden', { zh: '看板供市级部门和区县、乡镇（街道）使用', en: 'the dashboard is for city, district and township bodies' });
    }
    if (district !== undefined) {
      if (!isKnownDistrict(district)) throw new ApiError(400, 'invalidRequest', { zh: `请求无效：district: 未知区县“${district}”`, en: `invalid request: district: unknown district "${district}"` }, [{ path: 'district', message: 'unknown district' }]);
      if (scope !== '*' && !scope.includes(district)) {
        throw new ApiError(403, 'forbidden', { zh: `只能查看本区县（${scope.join('、')}）的看板：district=${district}`, en: `you see your own district (${scope.join(', ')}) only: district=${district}` });
      }
    }
    return scope;
  };

  api.get(
    '/api/dashboard',
    {
      schema: {
        tags: ['reports'],
        summary: '看板：各区县分阶段案件数、已移交/计划、逾期、临近期限、累计进展 (the dashboard figures)',
        description:
          '与工作进度表（附件2）和年度总结同一计算（machines/progress-table.ts）。市级部门看全市，区县、乡镇（街道）看本区县。' +
          ' Computed by the same code as the progress table (附件2) and the year-end summary. City bodies see every district, district and township bodies their own.',
        security: bearer,
        querystring: DashboardQuery,
        response: { 200: DashboardSchema, ...errors },
      },
    },
    async (req) => {
      const scope = scopeOf(req, req.query.district);
      const d = await buildDashboard(ctx.deps.client, { scope, district: req.query.district, year: req.query.year });
      // The figures' interfaces have no index signature; the schema checks them on the way out.
      return { ...d, columns: DASHBOARD_COLUMNS.map(({ key, zh, en }) => ({ key, zh, en })) } as unknown as z.infer<typeof DashboardSchema>;
    },
  );

  api.get(
    '/api/dashboard.xlsx',
    {
      schema: {
        tags: ['reports'],
        summary: '看板数字导出为 Excel (the dashboard figures as .xlsx)',
        security: bearer,
        querystring: DashboardQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }),
        response: { 200: z.any(), ...errors },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req, req.query.district);
      const d = await buildDashboard(ctx.deps.client, { scope, district: req.query.district, year: req.query.year });
      const name = `${req.query.lang === 'zh' ? '看板' : 'dashboard'}-${d.scope === 'city' ? (req.query.lang === 'zh' ? '全市' : 'city') : d.scope}-${d.asOf.slice(0, 10)}.xlsx`;
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
      return reply.send(await dashboardWorkbook(d, req.query.lang));
    },
  );

  api.get(
    '/api/dashboard/districts',
    { schema: { tags: ['reference'], summary: '计划表（附件1）中的区县 (the districts of the plan table)', security: bearer, response: { 200: z.object({ districts: z.array(z.string()) }), ...errors } } },
    async () => ({ districts: [...DISTRICTS] }),
  );

  // Apache ECharts for the console's dashboard page, from the installed package (no CDN).
  app.get('/console/vendor/echarts.min.js', { config: PUBLIC, schema: { hide: true } }, (_req, reply) => {
    echarts ??= readFileSync(require.resolve('echarts/dist/echarts.min.js'));
    reply.header('cache-control', 'public, max-age=86400').type('text/javascript; charset=utf-8');
    return reply.send(echarts);
  });
};
