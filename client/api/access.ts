// Who may see what: an enterprise its own case, district and township bodies their district's cases, city bodies
// all cases, a parent group its enterprises' cases. Acting is narrower still and is decided by the workflow's
// validator (machines/roles.ts organisationMismatch) from the actor the API derives from the authenticated user.
import { legacyCaseIdFor } from '../../machines/case-input';
import { CITY_ROLES, districtOfOrg, type CaseParties } from '../../machines/roles';
import type { User } from '../admin/users';
import type { Client } from '@temporalio/client';
import { caseListQuery, caseRow, quoteLiteral, type CaseFilter, type CaseRow } from '../case-list';
import type { Localized } from '../errors';
import { ApiError } from './api-error';
import type { CaseListFilterQuery } from './schemas';

/** The district a district or township user belongs to; undefined for others. */
export function userDistrict(user: User): string | undefined {
  return districtOfOrg(user.role, user.org);
}

export function isCityUser(user: User): boolean {
  return CITY_ROLES.includes(user.role);
}

/** Why `user` may not see the case of these parties, or undefined when it may. */
export function caseAccessProblem(user: User, parties: CaseParties): Localized | undefined {
  if (isCityUser(user)) return undefined;
  if (user.role === 'enterprise') {
    return user.org === parties.creditCode ? undefined : { zh: `企业用户只能查看本企业的案件（${user.org}）`, en: `an enterprise user sees its own case only (${user.org})` };
  }
  if (user.role === 'parentGroup') {
    return parties.parentGroup === user.org ? undefined : { zh: `${user.org} 不是本案企业的上级集团`, en: `${user.org} is not this enterprise's parent group` };
  }
  const district = userDistrict(user);
  if (district && district === parties.district) return undefined;
  return { zh: `${user.org} 只能查看本区县（${district ?? '—'}）的案件，本案属 ${parties.district}`, en: `${user.org} sees the cases of its own district (${district ?? '—'}) only; this case is in ${parties.district}` };
}

/** Visibility-query clauses restricting a case list to what `user` may see; null when the user sees none by query. */
export function listScope(user: User): string[] {
  if (isCityUser(user)) return [];
  // Its cases in every district (`handover-<code>-<district code>`), and its case from before 168-2017.3 (`handover-<code>`).
  if (user.role === 'enterprise') return [`(WorkflowId = ${quoteLiteral(legacyCaseIdFor(user.org))} OR WorkflowId STARTS_WITH ${quoteLiteral(`${legacyCaseIdFor(user.org)}-`)})`];
  const district = userDistrict(user);
  if (district) return [`HandoverDistrict = ${quoteLiteral(district)}`];
  // A parent group: no search attribute names it; the API filters the rows by their memo instead.
  return [];
}

/** The report districts `user` may download: '*' for city bodies. */
export function reportScope(user: User): '*' | string[] {
  if (isCityUser(user)) return '*';
  const district = userDistrict(user);
  return district ? [district] : [];
}

/** The case-list filter a query asks for; refused (403) when it names a district other than a district user's own. */
export function caseListFilter(user: User, q: CaseListFilterQuery): Omit<CaseFilter, 'scope'> {
  const own = userDistrict(user);
  if (q.district && own && q.district !== own && !isCityUser(user)) {
    throw new ApiError(403, 'forbidden', { zh: `只能查看本区县（${own}）的案件：district=${q.district}`, en: `you see your own district (${own}) only: district=${q.district}` });
  }
  return { district: q.district, stage: q.stage, overdue: q.overdue === undefined ? undefined : q.overdue === 'true', dueWithinDays: q.dueWithinDays };
}

/**
 * The cases `user` may see that match `filter`, as list rows, at most `limit` (truncated says when more matched): the
 * API's case list and its .xlsx export. A parent group's rows are kept by the memo's parent group.
 */
export async function visibleCaseRows(client: Client, user: User, filter: Omit<CaseFilter, 'scope'>, limit: number): Promise<{ cases: CaseRow[]; truncated: boolean }> {
  const query = caseListQuery({ ...filter, scope: listScope(user) });
  const cases: CaseRow[] = [];
  let truncated = false;
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    if (user.role === 'parentGroup') {
      const memo = (await Promise.resolve(wf.memo)) as { parentGroup?: string } | undefined;
      if (memo?.parentGroup !== user.org) continue;
    }
    if (cases.length >= limit) {
      truncated = true;
      break;
    }
    cases.push(caseRow(wf));
  }
  return { cases, truncated };
}
