// Who takes part in a handover (DOMAIN.md glossary) and which organisation each role must belong to.
import { z } from 'zod';

export const ROLES = [
  'enterprise',
  'districtGovernment',
  'districtCivilAffairs',
  'township',
  'districtFinance',
  'cityCivilAffairs',
  'citySasac',
  'cityUrbanManagement',
  'cityFinance',
  'parentGroup',
] as const;

export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** Organisation of every city body: they act on all cases. */
export const CITY_ORG = 'chongqing';

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  enterprise: { zh: '移交企业', en: 'enterprise' },
  districtGovernment: { zh: '区县人民政府', en: 'district government' },
  districtCivilAffairs: { zh: '区县民政局', en: 'district civil affairs bureau' },
  township: { zh: '乡镇人民政府（街道办事处）', en: 'township (sub-district office)' },
  districtFinance: { zh: '区县财政局', en: 'district finance bureau' },
  cityCivilAffairs: { zh: '市民政局', en: 'city civil affairs bureau' },
  citySasac: { zh: '市国资委（市专项工作领导小组办公室）', en: 'city SASAC (leading group office)' },
  cityUrbanManagement: { zh: '市城管委（市专项办）', en: 'city urban management commission' },
  cityFinance: { zh: '市财政局', en: 'city finance bureau' },
  parentGroup: { zh: '企业上级集团公司', en: 'parent group company' },
};

/** The parties a case is about, fixed when it starts (from the plan table). */
export interface CaseParties {
  creditCode: string;
  district: string;
  /** Receiving township as `<district>/<township>`; until known, any township of the district may act. */
  township?: string;
  parentGroup?: string;
}

export const CITY_ROLES: readonly Role[] = ['cityCivilAffairs', 'citySasac', 'cityUrbanManagement', 'cityFinance'];
export const DISTRICT_ROLES: readonly Role[] = ['districtGovernment', 'districtCivilAffairs', 'districtFinance'];

/** The district an organisation belongs to: a district body's own, a township's (`区县/乡镇`); undefined for others. */
export function districtOfOrg(role: Role, org: string): string | undefined {
  if (DISTRICT_ROLES.includes(role)) return org;
  if (role === 'township') return org.split('/')[0];
  return undefined;
}

/**
 * Why `org` may not act for `role` on this case, or undefined when it may (§四(一): the enterprise acts for
 * itself, district bodies for their district, the township for the receiving township, city bodies everywhere).
 */
export function organisationMismatch(role: Role, org: string, parties: CaseParties): { zh: string; en: string } | undefined {
  if (role === 'enterprise' && org !== parties.creditCode) {
    return { zh: `企业 ${org} 不是本案移交企业（${parties.creditCode}）`, en: `enterprise ${org} is not this case's enterprise (${parties.creditCode})` };
  }
  if (DISTRICT_ROLES.includes(role) && org !== parties.district) {
    return { zh: `${org} 不属于本案所在区县（${parties.district}）`, en: `${org} is not this case's district (${parties.district})` };
  }
  if (role === 'township') {
    const ok = parties.township ? org === parties.township : org.startsWith(`${parties.district}/`);
    if (!ok) {
      const expected = parties.township ?? `${parties.district}/…`;
      return { zh: `乡镇（街道）${org} 不是本案接收单位（${expected}）`, en: `township ${org} is not this case's receiver (${expected})` };
    }
  }
  if (CITY_ROLES.includes(role) && org !== CITY_ORG) {
    return { zh: `市级部门的组织应为 ${CITY_ORG}，收到 ${org}`, en: `a city body's organisation must be ${CITY_ORG}, got ${org}` };
  }
  if (role === 'parentGroup' && parties.parentGroup && org !== parties.parentGroup) {
    return { zh: `${org} 不是本案企业的上级集团（${parties.parentGroup}）`, en: `${org} is not this enterprise's parent group (${parties.parentGroup})` };
  }
  return undefined;
}
