// Regenerates machines/calendar/notices/index.ts from the notice files in that folder.
// Usage: npx tsx scripts/calendar-index.ts        (write)
//        npx tsx scripts/calendar-index.ts --check (exit 1 if the index is out of date)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderNoticeIndex, sequenceOf } from '../machines/calendar/notice-index';

const dir = join(__dirname, '..', 'machines', 'calendar', 'notices');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const text = renderNoticeIndex(files.map((file) => ({ file, sequence: sequenceOf(readFileSync(join(dir, file), 'utf8')) })));
const target = join(dir, 'index.ts');
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== text) {
    console.error('machines/calendar/notices/index.ts is out of date: run npx tsx scripts/calendar-index.ts');
    process.exit(1);
  }
  console.log(`notices/index.ts lists all ${files.length} notice files`);
} else {
  writeFileSync(target, text);
  console.log(`wrote notices/index.ts with ${files.length} notice files`);
}
