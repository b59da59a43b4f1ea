// The bundled calendar versions. The notice files are append-only: version N is the calendar made
// of the notices with sequence 1..N, so a version, once bundled, means the same days in every later
// bundle. A case records the version its deadlines were computed with and replays with it.

import { Calendar, calendarVersionLabel, type WorkingDayResult } from './calendar';
import { CalendarError, show } from './dates';
import { loadNotices, type CalendarNotice } from './notice-schema';
import { NOTICE_FILES } from './notices';

/** Every bundled notice in sequence order; loading refuses a malformed file (CalendarDataError). */
export const CALENDAR_NOTICES: readonly CalendarNotice[] = loadNotices(NOTICE_FILES);

/** The newest bundled calendar version: the number of notices. */
export const CALENDAR_VERSION: number = CALENDAR_NOTICES.length;

/**
 * The version of the data the engine had before notices became files (`cn-2017-2026.1`: the annual
 * notices for 2017–2026 and the 2019 Labour Day amendment, without 国办发明电〔2020〕1号). Cases and
 * stored results that carry no version were computed with it.
 */
export const LEGACY_CALENDAR_VERSION = 11;
export const LEGACY_DATA_VERSION = 'cn-2017-2026.1';

/** Label of the newest version, e.g. `cn-v12`; results record the label of the version they used. */
export const CALENDAR_DATA_VERSION = calendarVersionLabel(CALENDAR_VERSION);

const cache = new Map<number, Calendar>();

/** Whether `version` is a calendar version of this bundle. */
export function isBundledVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 && version <= CALENDAR_VERSION;
}

/**
 * The calendar as of version `version` (default: the newest bundled): the notices 1..version.
 * @throws CalendarError (field `version`) when the version is not bundled.
 */
export function calendarAt(version: number = CALENDAR_VERSION): Calendar {
  if (!isBundledVersion(version)) {
    throw new CalendarError(
      'version',
      `日历版本无效：version = ${show(version)}，本程序包含版本 1 至 ${CALENDAR_VERSION}`,
      `unknown calendar version: version = ${show(version)}, this build bundles versions 1 to ${CALENDAR_VERSION}`,
    );
  }
  let calendar = cache.get(version);
  if (!calendar) {
    calendar = new Calendar(CALENDAR_NOTICES.slice(0, version), version);
    cache.set(version, calendar);
  }
  return calendar;
}

/** The version a stored result was computed with (results from before numbered versions: the legacy version). */
export function versionOfResult(result: Pick<WorkingDayResult, 'dataVersion' | 'calendarVersion'>): number {
  if (typeof result.calendarVersion === 'number') return result.calendarVersion;
  const m = /^cn-v(\d+)$/.exec(result.dataVersion);
  return m ? Number(m[1]) : LEGACY_CALENDAR_VERSION;
}

/** The version in which each notice first appears, by document number. */
export function versionOfNotice(documentNumber: string): number | undefined {
  return CALENDAR_NOTICES.find((n) => n.documentNumber === documentNumber)?.sequence;
}
