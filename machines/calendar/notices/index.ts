// GENERATED from the notice files in this folder by `npx tsx scripts/calendar-index.ts`: do not edit by hand.
// Order: the notices' `sequence` (calendar version N = the first N). Checked by test/machines/calendar-notices.test.ts.
import type { NoticeFile } from '../notice-schema';
import n_2017_2016_17 from './2017-2016-17.json';
import n_2018_2017_12 from './2018-2017-12.json';
import n_2019_2018_15 from './2019-2018-15.json';
import n_2019_2019_3 from './2019-2019-3.json';
import n_2020_2019_16 from './2020-2019-16.json';
import n_2021_2020_27 from './2021-2020-27.json';
import n_2022_2021_11 from './2022-2021-11.json';
import n_2023_2022_16 from './2023-2022-16.json';
import n_2024_2023_7 from './2024-2023-7.json';
import n_2025_2024_12 from './2025-2024-12.json';
import n_2026_2025_7 from './2026-2025-7.json';
import n_2020_2020_1 from './2020-2020-1.json';

export const NOTICE_FILES: readonly NoticeFile[] = [
  { file: '2017-2016-17.json', data: n_2017_2016_17 },
  { file: '2018-2017-12.json', data: n_2018_2017_12 },
  { file: '2019-2018-15.json', data: n_2019_2018_15 },
  { file: '2019-2019-3.json', data: n_2019_2019_3 },
  { file: '2020-2019-16.json', data: n_2020_2019_16 },
  { file: '2021-2020-27.json', data: n_2021_2020_27 },
  { file: '2022-2021-11.json', data: n_2022_2021_11 },
  { file: '2023-2022-16.json', data: n_2023_2022_16 },
  { file: '2024-2023-7.json', data: n_2024_2023_7 },
  { file: '2025-2024-12.json', data: n_2025_2024_12 },
  { file: '2026-2025-7.json', data: n_2026_2025_7 },
  { file: '2020-2020-1.json', data: n_2020_2020_1 },
];
