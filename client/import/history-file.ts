// Reading a past case's history (issue 11, point 5) from a JSON file: { "opening": {…}, "decisions": [{…}, …] }.
// Guards first (a file, not empty, not too large, JSON); the content is checked by machines/history.ts.
import { readFileSync, statSync } from 'node:fs';
import { historyProblemLine, type HistoryProblem } from '../../machines/history';
import { HandoverError } from '../errors';

/** A history is one case: a few dozen decisions, well under 1 MB. */
export const MAX_HISTORY_FILE_BYTES = 5 * 1024 * 1024;

/** The history cannot be imported: every problem found, each naming the decision (its index) and the field. Nothing was started. */
export class HistoryError extends HandoverError {
  override name = 'HistoryError';
  constructor(
    readonly source: string,
    readonly problems: HistoryProblem[],
  ) {
    super({
      zh: `案件历史 ${source} 有 ${problems.length} 处错误，未建立案件、未办理任何决定：${problems.map((p) => historyProblemLine(p, 'zh')).join('；')}`,
      en: `case history ${source} has ${problems.length} error(s); no case was started and no decision applied: ${problems.map((p) => historyProblemLine(p, 'en')).join('; ')}`,
    });
  }
}

const fileProblem = (zh: string, en: string): HistoryProblem => ({ path: '(file)', message: { zh, en } });

/** The file's JSON, or a HistoryError saying why it cannot be read. */
export function readHistoryFile(path: string): unknown {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new HistoryError(path, [fileProblem(`不是文件：${path}`, `not a file: ${path}`)]);
    size = st.size;
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    throw new HistoryError(path, [fileProblem(`无法读取文件：${(err as Error).message}`, `cannot read the file: ${(err as Error).message}`)]);
  }
  if (size === 0) throw new HistoryError(path, [fileProblem('文件为空', 'the file is empty')]);
  if (size > MAX_HISTORY_FILE_BYTES) {
    throw new HistoryError(path, [fileProblem(`文件过大（${size} 字节，上限 ${MAX_HISTORY_FILE_BYTES} 字节）`, `the file is too large (${size} bytes, limit ${MAX_HISTORY_FILE_BYTES})`)]);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HistoryError(path, [fileProblem(`不是有效的 JSON：${(err as Error).message}`, `not valid JSON: ${(err as Error).message}`)]);
  }
}
