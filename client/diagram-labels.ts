// Node labels for the statechart pictures (machines/diagram), shared by the CLI (`handover diagram`) and the API
// (GET /api/cases/{id}/diagram.svg): Chinese names from machines/labels.ts, or the state keys.
import { STATE_LABELS } from '../machines/labels';

export type DiagramLang = 'zh' | 'en';

/**
 * Diagram labels. Chinese: `中文名` and, with `keys` (the developer's view, the CLI's default), the state key on a
 * second line; English: the key.
 */
export function diagramLabels(lang: DiagramLang, opts: { keys?: boolean } = {}): (nodeId: string) => string | undefined {
  const keys = opts.keys ?? true;
  return (nodeId) => {
    const path = nodeId.replace(/^handover\.?/, '');
    const label = STATE_LABELS[path];
    if (!label) return undefined;
    const key = path.split('.').pop()!;
    if (lang === 'en') return key;
    return keys ? `${label.zh}\n${key}` : label.zh;
  };
}
