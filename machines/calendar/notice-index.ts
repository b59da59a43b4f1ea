// Renders machines/calendar/notices/index.ts, the module that brings every notice file into the
// bundle (workflow code cannot read files). Pure: scripts/calendar-index.ts reads the folder and
// writes the result; test/machines/calendar-notices.test.ts checks the committed index matches.

/** A notice file as found in the folder: its name and, if readable, its sequence number. */
export interface NoticeFileEntry {
  file: string;
  sequence?: number;
}

/** Imports in sequence order (files without a readable sequence last, by name), so the bundle is the same on every machine. */
export function renderNoticeIndex(entries: readonly NoticeFileEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER) || a.file.localeCompare(b.file));
  const ident = (file: string): string => `n_${file.replace(/\.json$/, '').replace(/[^A-Za-z0-9]/g, '_')}`;
  return [
    '// GENERATED from the notice files in this folder by `npx tsx scripts/calendar-index.ts`: do not edit by hand.',
    '// Order: the notices\' `sequence` (calendar version N = the first N). Checked by test/machines/calendar-notices.test.ts.',
    "import type { NoticeFile } from '../notice-schema';",
    ...sorted.map((e) => `import ${ident(e.file)} from './${e.file}';`),
    '',
    'export const NOTICE_FILES: readonly NoticeFile[] = [',
    ...sorted.map((e) => `  { file: '${e.file}', data: ${ident(e.file)} },`),
    '];',
    '',
  ].join('\n');
}

/** The sequence number in a notice file's JSON text, if it has one. */
export function sequenceOf(text: string): number | undefined {
  try {
    const s = (JSON.parse(text) as { sequence?: unknown }).sequence;
    return typeof s === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}
