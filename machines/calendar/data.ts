// The official national holiday calendar: the yearly notices of the State Council General Office
// (国务院办公厅关于<year>年部分节假日安排的通知), 2017 through 2026.
//
// Pure data, no imports: it is bundled into the Temporal workflow sandbox.
//
// Conventions
// - Dates are calendar dates `YYYY-MM-DD` in China (Asia/Shanghai).
// - `holidays` are the whole off-periods the notice lays down, weekend days inside them included
//   ("与周末连休" = joined with the adjacent weekend, so that weekend is part of the period). An
//   off-period may start in the previous calendar year (元旦 of 2018, 2019, 2023, 2024).
// - `makeupWorkdays` (调休上班) are the weekend days the notice turns into working days; `for` is
//   the holiday they make up for, written as in the notice. They may also fall in the previous
//   calendar year (2018-12-29 for 元旦 2019).
// - `days` is the length of the period as the notice states it ("共N天"), or, where the notice
//   only says "与周末连休", the length of the joined period; tests check it against from..to.
// - `published` is the date the notice bears (its 成文日期, the date under 国务院办公厅).
// - A later notice of the State Council General Office that changed a year's arrangement is
//   applied to that year and listed in `amendments`; the changed entries carry `amendedBy`.
//   Only one exists in the covered years: 2019's Labour Day (国办发明电〔2019〕3号).
// - NOT included: 国办发明电〔2020〕1号, which extended the 2020 Spring Festival to 2020-02-02 as an
//   emergency epidemic measure (and so cancelled the 2020-02-01 make-up working day). The engine
//   uses the annual notice values for 2020, as decided for this project; a case whose deadline
//   ran over that week should be reviewed by hand.
//
// Document numbers and dates were checked against the texts as republished by gov.cn mirrors,
// Wikisource and provincial government sites. Note that the 2017 notice is 国办发明电〔2016〕17号.
// No notice for 2027 had been found when this table was written: 2027 and later years are
// provisional (weekends only) until an entry is added here.

/** One off-period of a notice. */
export interface HolidayPeriod {
  /** The name as written in the notice, e.g. 中秋节、国庆节. */
  readonly name: string;
  readonly nameEn: string;
  /** First day off, inclusive. */
  readonly from: string;
  /** Last day off, inclusive. */
  readonly to: string;
  /** Length of the period in days (from..to inclusive), as the notice counts it. */
  readonly days: number;
  /** Set when a later notice replaced the original arrangement of this holiday. */
  readonly amendedBy?: string;
}

/** A weekend day turned into a working day (调休上班). */
export interface MakeupWorkday {
  readonly date: string;
  /** The holiday it makes up for: the `name` of one of the year's holidays. */
  readonly for: string;
  readonly amendedBy?: string;
}

/** A later notice that changed a year's arrangement. */
export interface CalendarAmendment {
  readonly notice: string;
  readonly published: string;
  readonly title: string;
  readonly summary: string;
}

export interface CalendarYear {
  readonly year: number;
  /** Document number of the annual notice, e.g. 国办发明电〔2016〕17号. */
  readonly notice: string;
  readonly title: string;
  /** Date the notice bears, YYYY-MM-DD. */
  readonly published: string;
  readonly holidays: readonly HolidayPeriod[];
  readonly makeupWorkdays: readonly MakeupWorkday[];
  readonly amendments?: readonly CalendarAmendment[];
}

/** Bump when any entry changes: results record the version they were computed with. */
export const CALENDAR_DATA_VERSION = 'cn-2017-2026.1';
/** First year with official data. */
export const CALENDAR_FIRST_YEAR = 2017;
/** Last year with official data; later years are provisional. */
export const CALENDAR_LAST_YEAR = 2026;
export const CALENDAR_YEAR_RANGE = { from: CALENDAR_FIRST_YEAR, to: CALENDAR_LAST_YEAR } as const;

const NEW_YEAR = { name: '元旦', nameEn: "New Year's Day" } as const;
const SPRING = { name: '春节', nameEn: 'Spring Festival' } as const;
const QINGMING = { name: '清明节', nameEn: 'Qingming Festival (Tomb-Sweeping Day)' } as const;
const LABOUR = { name: '劳动节', nameEn: 'Labour Day' } as const;
const DRAGON_BOAT = { name: '端午节', nameEn: 'Dragon Boat Festival' } as const;
const MID_AUTUMN = { name: '中秋节', nameEn: 'Mid-Autumn Festival' } as const;
const NATIONAL_DAY = { name: '国庆节', nameEn: 'National Day' } as const;
const MID_AUTUMN_NATIONAL = { name: '中秋节、国庆节', nameEn: 'Mid-Autumn Festival and National Day' } as const;
const NATIONAL_MID_AUTUMN = { name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn Festival' } as const;

const title = (year: number): string => `国务院办公厅关于${year}年部分节假日安排的通知`;

export const CALENDAR_DATA: readonly CalendarYear[] = [
  {
    year: 2017,
    notice: '国办发明电〔2016〕17号',
    title: title(2017),
    published: '2016-12-01',
    holidays: [
      // "1月1日放假，1月2日（星期一）补休": Sunday 1 January and Monday 2 January.
      { ...NEW_YEAR, from: '2017-01-01', to: '2017-01-02', days: 2 },
      { ...SPRING, from: '2017-01-27', to: '2017-02-02', days: 7 },
      { ...QINGMING, from: '2017-04-02', to: '2017-04-04', days: 3 },
      // "5月1日放假，与周末连休"
      { ...LABOUR, from: '2017-04-29', to: '2017-05-01', days: 3 },
      { ...DRAGON_BOAT, from: '2017-05-28', to: '2017-05-30', days: 3 },
      { ...MID_AUTUMN_NATIONAL, from: '2017-10-01', to: '2017-10-08', days: 8 },
    ],
    makeupWorkdays: [
      { date: '2017-01-22', for: '春节' },
      { date: '2017-02-04', for: '春节' },
      { date: '2017-04-01', for: '清明节' },
      { date: '2017-05-27', for: '端午节' },
      { date: '2017-09-30', for: '中秋节、国庆节' },
    ],
  },
  {
    year: 2018,
    notice: '国办发明电〔2017〕12号',
    title: title(2018),
    published: '2017-11-30',
    holidays: [
      // "1月1日放假，与周末连休"
      { ...NEW_YEAR, from: '2017-12-30', to: '2018-01-01', days: 3 },
      { ...SPRING, from: '2018-02-15', to: '2018-02-21', days: 7 },
      { ...QINGMING, from: '2018-04-05', to: '2018-04-07', days: 3 },
      { ...LABOUR, from: '2018-04-29', to: '2018-05-01', days: 3 },
      // "6月18日放假，与周末连休"
      { ...DRAGON_BOAT, from: '2018-06-16', to: '2018-06-18', days: 3 },
      // "9月24日放假，与周末连休"
      { ...MID_AUTUMN, from: '2018-09-22', to: '2018-09-24', days: 3 },
      { ...NATIONAL_DAY, from: '2018-10-01', to: '2018-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2018-02-11', for: '春节' },
      { date: '2018-02-24', for: '春节' },
      { date: '2018-04-08', for: '清明节' },
      { date: '2018-04-28', for: '劳动节' },
      { date: '2018-09-29', for: '国庆节' },
      { date: '2018-09-30', for: '国庆节' },
    ],
  },
  {
    year: 2019,
    notice: '国办发明电〔2018〕15号',
    title: title(2019),
    published: '2018-12-04',
    holidays: [
      { ...NEW_YEAR, from: '2018-12-30', to: '2019-01-01', days: 3 },
      { ...SPRING, from: '2019-02-04', to: '2019-02-10', days: 7 },
      // "4月5日放假，与周末连休"
      { ...QINGMING, from: '2019-04-05', to: '2019-04-07', days: 3 },
      // Originally "5月1日放假" (one day); changed by 国办发明电〔2019〕3号 to 1–4 May.
      { ...LABOUR, from: '2019-05-01', to: '2019-05-04', days: 4, amendedBy: '国办发明电〔2019〕3号' },
      { ...DRAGON_BOAT, from: '2019-06-07', to: '2019-06-09', days: 3 },
      { ...MID_AUTUMN, from: '2019-09-13', to: '2019-09-15', days: 3 },
      { ...NATIONAL_DAY, from: '2019-10-01', to: '2019-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2018-12-29', for: '元旦' },
      { date: '2019-02-02', for: '春节' },
      { date: '2019-02-03', for: '春节' },
      { date: '2019-04-28', for: '劳动节', amendedBy: '国办发明电〔2019〕3号' },
      { date: '2019-05-05', for: '劳动节', amendedBy: '国办发明电〔2019〕3号' },
      { date: '2019-09-29', for: '国庆节' },
      { date: '2019-10-12', for: '国庆节' },
    ],
    amendments: [
      {
        notice: '国办发明电〔2019〕3号',
        published: '2019-03-22',
        title: '国务院办公厅关于调整2019年劳动节假期安排的通知',
        summary: '劳动节改为5月1日至4日放假调休，共4天；4月28日（星期日）、5月5日（星期日）上班。',
      },
    ],
  },
  {
    year: 2020,
    // Annual notice values only; see the header about the epidemic extension 国办发明电〔2020〕1号.
    notice: '国办发明电〔2019〕16号',
    title: title(2020),
    published: '2019-11-21',
    holidays: [
      { ...NEW_YEAR, from: '2020-01-01', to: '2020-01-01', days: 1 },
      { ...SPRING, from: '2020-01-24', to: '2020-01-30', days: 7 },
      { ...QINGMING, from: '2020-04-04', to: '2020-04-06', days: 3 },
      { ...LABOUR, from: '2020-05-01', to: '2020-05-05', days: 5 },
      { ...DRAGON_BOAT, from: '2020-06-25', to: '2020-06-27', days: 3 },
      { ...NATIONAL_MID_AUTUMN, from: '2020-10-01', to: '2020-10-08', days: 8 },
    ],
    makeupWorkdays: [
      { date: '2020-01-19', for: '春节' },
      { date: '2020-02-01', for: '春节' },
      { date: '2020-04-26', for: '劳动节' },
      { date: '2020-05-09', for: '劳动节' },
      { date: '2020-06-28', for: '端午节' },
      { date: '2020-09-27', for: '国庆节、中秋节' },
      { date: '2020-10-10', for: '国庆节、中秋节' },
    ],
  },
  {
    year: 2021,
    notice: '国办发明电〔2020〕27号',
    title: title(2021),
    published: '2020-11-25',
    holidays: [
      { ...NEW_YEAR, from: '2021-01-01', to: '2021-01-03', days: 3 },
      { ...SPRING, from: '2021-02-11', to: '2021-02-17', days: 7 },
      { ...QINGMING, from: '2021-04-03', to: '2021-04-05', days: 3 },
      { ...LABOUR, from: '2021-05-01', to: '2021-05-05', days: 5 },
      { ...DRAGON_BOAT, from: '2021-06-12', to: '2021-06-14', days: 3 },
      { ...MID_AUTUMN, from: '2021-09-19', to: '2021-09-21', days: 3 },
      { ...NATIONAL_DAY, from: '2021-10-01', to: '2021-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2021-02-07', for: '春节' },
      { date: '2021-02-20', for: '春节' },
      { date: '2021-04-25', for: '劳动节' },
      { date: '2021-05-08', for: '劳动节' },
      { date: '2021-09-18', for: '中秋节' },
      { date: '2021-09-26', for: '国庆节' },
      { date: '2021-10-09', for: '国庆节' },
    ],
  },
  {
    year: 2022,
    notice: '国办发明电〔2021〕11号',
    title: title(2022),
    published: '2021-10-25',
    holidays: [
      { ...NEW_YEAR, from: '2022-01-01', to: '2022-01-03', days: 3 },
      { ...SPRING, from: '2022-01-31', to: '2022-02-06', days: 7 },
      { ...QINGMING, from: '2022-04-03', to: '2022-04-05', days: 3 },
      { ...LABOUR, from: '2022-04-30', to: '2022-05-04', days: 5 },
      { ...DRAGON_BOAT, from: '2022-06-03', to: '2022-06-05', days: 3 },
      { ...MID_AUTUMN, from: '2022-09-10', to: '2022-09-12', days: 3 },
      { ...NATIONAL_DAY, from: '2022-10-01', to: '2022-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2022-01-29', for: '春节' },
      { date: '2022-01-30', for: '春节' },
      { date: '2022-04-02', for: '清明节' },
      { date: '2022-04-24', for: '劳动节' },
      { date: '2022-05-07', for: '劳动节' },
      { date: '2022-10-08', for: '国庆节' },
      { date: '2022-10-09', for: '国庆节' },
    ],
  },
  {
    year: 2023,
    notice: '国办发明电〔2022〕16号',
    title: title(2023),
    published: '2022-12-08',
    holidays: [
      { ...NEW_YEAR, from: '2022-12-31', to: '2023-01-02', days: 3 },
      { ...SPRING, from: '2023-01-21', to: '2023-01-27', days: 7 },
      { ...QINGMING, from: '2023-04-05', to: '2023-04-05', days: 1 },
      { ...LABOUR, from: '2023-04-29', to: '2023-05-03', days: 5 },
      { ...DRAGON_BOAT, from: '2023-06-22', to: '2023-06-24', days: 3 },
      { ...MID_AUTUMN_NATIONAL, from: '2023-09-29', to: '2023-10-06', days: 8 },
    ],
    makeupWorkdays: [
      { date: '2023-01-28', for: '春节' },
      { date: '2023-01-29', for: '春节' },
      { date: '2023-04-23', for: '劳动节' },
      { date: '2023-05-06', for: '劳动节' },
      { date: '2023-06-25', for: '端午节' },
      { date: '2023-10-07', for: '中秋节、国庆节' },
      { date: '2023-10-08', for: '中秋节、国庆节' },
    ],
  },
  {
    year: 2024,
    notice: '国办发明电〔2023〕7号',
    title: title(2024),
    published: '2023-10-25',
    holidays: [
      // "1月1日放假，与周末连休"
      { ...NEW_YEAR, from: '2023-12-30', to: '2024-01-01', days: 3 },
      // New Year's Eve (2024-02-09) is only "encouraged" as a day off: it stays a working day.
      { ...SPRING, from: '2024-02-10', to: '2024-02-17', days: 8 },
      { ...QINGMING, from: '2024-04-04', to: '2024-04-06', days: 3 },
      { ...LABOUR, from: '2024-05-01', to: '2024-05-05', days: 5 },
      // "6月10日放假，与周末连休"
      { ...DRAGON_BOAT, from: '2024-06-08', to: '2024-06-10', days: 3 },
      { ...MID_AUTUMN, from: '2024-09-15', to: '2024-09-17', days: 3 },
      { ...NATIONAL_DAY, from: '2024-10-01', to: '2024-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2024-02-04', for: '春节' },
      { date: '2024-02-18', for: '春节' },
      { date: '2024-04-07', for: '清明节' },
      { date: '2024-04-28', for: '劳动节' },
      { date: '2024-05-11', for: '劳动节' },
      { date: '2024-09-14', for: '中秋节' },
      { date: '2024-09-29', for: '国庆节' },
      { date: '2024-10-12', for: '国庆节' },
    ],
  },
  {
    // First year under the revised 《全国年节及纪念日放假办法》 (November 2024): Spring Festival and
    // Labour Day gain one statutory day each.
    year: 2025,
    notice: '国办发明电〔2024〕12号',
    title: title(2025),
    published: '2024-11-12',
    holidays: [
      { ...NEW_YEAR, from: '2025-01-01', to: '2025-01-01', days: 1 },
      { ...SPRING, from: '2025-01-28', to: '2025-02-04', days: 8 },
      { ...QINGMING, from: '2025-04-04', to: '2025-04-06', days: 3 },
      { ...LABOUR, from: '2025-05-01', to: '2025-05-05', days: 5 },
      { ...DRAGON_BOAT, from: '2025-05-31', to: '2025-06-02', days: 3 },
      { ...NATIONAL_MID_AUTUMN, from: '2025-10-01', to: '2025-10-08', days: 8 },
    ],
    makeupWorkdays: [
      { date: '2025-01-26', for: '春节' },
      { date: '2025-02-08', for: '春节' },
      { date: '2025-04-27', for: '劳动节' },
      { date: '2025-09-28', for: '国庆节、中秋节' },
      { date: '2025-10-11', for: '国庆节、中秋节' },
    ],
  },
  {
    year: 2026,
    notice: '国办发明电〔2025〕7号',
    title: title(2026),
    published: '2025-11-04',
    holidays: [
      { ...NEW_YEAR, from: '2026-01-01', to: '2026-01-03', days: 3 },
      { ...SPRING, from: '2026-02-15', to: '2026-02-23', days: 9 },
      { ...QINGMING, from: '2026-04-04', to: '2026-04-06', days: 3 },
      { ...LABOUR, from: '2026-05-01', to: '2026-05-05', days: 5 },
      { ...DRAGON_BOAT, from: '2026-06-19', to: '2026-06-21', days: 3 },
      { ...MID_AUTUMN, from: '2026-09-25', to: '2026-09-27', days: 3 },
      { ...NATIONAL_DAY, from: '2026-10-01', to: '2026-10-07', days: 7 },
    ],
    makeupWorkdays: [
      { date: '2026-01-04', for: '元旦' },
      { date: '2026-02-14', for: '春节' },
      { date: '2026-02-28', for: '春节' },
      { date: '2026-05-09', for: '劳动节' },
      { date: '2026-09-20', for: '国庆节' },
      { date: '2026-10-10', for: '国庆节' },
    ],
  },
];
