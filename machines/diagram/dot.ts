// Writes an XState v5 machine as Graphviz DOT: clusters for compound states, dashed parallel regions, initial dots, labelled edges, active states filled.
import type { AnyStateMachine } from 'xstate';
import { buildModel, isWithin, wrapText, textWidth, type DiagramModel, type DiagramOptions, type DiagramState, type DiagramTransition } from './model';

/** Fonts tried in order; the first two carry the CJK glyphs. */
export const DIAGRAM_FONT = 'Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif';
/** Fill of highlighted (active) states. */
export const ACTIVE_FILL = '#ffe08a';
const ACTIVE_BORDER = '#b8860b';
const ACTIVE_CLUSTER_FILL = '#fff6d9';
const LINE = '#5b6478';
const CLUSTER_FILLS = ['#f7f9fc', '#eef2f8', '#e6ecf4', '#dfe6f0'];
const DELAY_COLOR = '#9a5b00';
const DONE_COLOR = '#2f6f9f';

/** A DOT double-quoted string. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An HTML-like label, written between `<` and `>` instead of quotes. */
interface Html {
  html: string;
}

function attrs(a: Record<string, string | number | Html | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    parts.push(`${k}=${typeof v === 'number' ? v : typeof v === 'string' ? dotString(v) : `<${v.html}>`}`);
  }
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}

/** Graphviz sizes text from its own Latin metrics; make room for wide (CJK) characters explicitly, in inches. */
function minWidth(lines: string[], fontSize: number, margin: number): number {
  const widest = Math.max(0, ...lines.map((l) => textWidth(l)));
  return Math.round(((widest * fontSize * 0.56) / 72 + 2 * margin) * 100) / 100;
}

const isComposite = (s: DiagramState): boolean => s.children.length > 0;
const clusterName = (s: DiagramState): string => `cluster_${s.id}`;
/** Where edges into a state end: the state itself, or (for a composite, clipped to its cluster) its initial dot or an invisible point. */
const headOf = (s: DiagramState): string => (!isComposite(s) ? s.id : s.kind === 'compound' ? `${s.id}::initial` : `${s.id}::anchor`);
/** Where edges out of a state start: the state itself, or (for a composite, clipped to its cluster) an invisible exit point after its final states. */
const tailOf = (s: DiagramState): string => (!isComposite(s) ? s.id : `${s.id}::exit`);
/** Where a composite's transitions into its own descendants start ("from any state inside"). */
const anyOf = (s: DiagramState): string => `${s.id}::any`;

/**
 * Graphviz DOT text of `machine`: left-to-right (or `opts.direction`), one cluster per compound or parallel state
 * (regions of a parallel state dashed), a black dot for each initial state, double borders for final states, edges
 * labelled `EVENT [guard]`, `after delay` (dashed), `always` (dotted), `onDone`; states in `opts.highlight` filled.
 */
export function toDot(machine: AnyStateMachine, opts: DiagramOptions = {}): string {
  const model = buildModel(machine, opts);
  const wrap = Math.max(8, opts.wrap ?? 24);
  const out: string[] = [];
  const title = model.title;
  out.push(`digraph ${dotString(machine.id)} {`);
  out.push(
    `  graph${attrs({
      rankdir: opts.direction ?? 'LR',
      compound: 'true',
      newrank: 'true',
      nodesep: 0.22,
      ranksep: 0.32,
      pad: 0.15,
      fontname: DIAGRAM_FONT,
      fontsize: 12,
      labelloc: 't',
      labeljust: 'l',
      label: title ? { html: `<b>${html(title)}</b>` } : undefined,
      remincross: 'true',
      outputorder: 'edgesfirst',
    })};`,
  );
  out.push(
    `  node${attrs({
      shape: 'box',
      style: 'rounded,filled',
      fillcolor: '#ffffff',
      color: LINE,
      fontname: DIAGRAM_FONT,
      fontsize: 10,
      margin: '0.1,0.04',
      height: 0.3,
      penwidth: 1.2,
    })};`,
  );
  out.push(`  edge${attrs({ fontname: DIAGRAM_FONT, fontsize: 8.5, color: LINE, fontcolor: '#2b3142', arrowsize: 0.6, penwidth: 1 })};`);

  const root = model.states[0]!;
  const rootAsCluster = root.kind === 'parallel' || model.transitions.some((t) => t.source === root.id);
  if (rootAsCluster) writeCluster(model, root, '  ', out, wrap);
  else writeContents(model, root, '  ', out, wrap);
  for (const t of model.transitions) writeTransition(model, t, out, wrap);
  out.push('}');
  return `${out.join('\n')}\n`;
}

function writeContents(model: DiagramModel, parent: DiagramState, indent: string, out: string[], wrap: number): void {
  if (parent.kind === 'compound') {
    const init = `${parent.id}::initial`;
    out.push(`${indent}${dotString(init)}${attrs({ shape: 'point', width: 0.1, height: 0.1, style: 'filled', fillcolor: '#000000', color: '#000000', label: '' })};`);
    for (const target of parent.initial) {
      const t = model.byId.get(target)!;
      out.push(`${indent}${dotString(init)} -> ${dotString(anchorOf(t))}${attrs({ lhead: isComposite(t) ? clusterName(t) : undefined, arrowsize: 0.5 })};`);
    }
  } else {
    // Parallel: edges to and from the state as a whole attach to an invisible point inside its cluster.
    out.push(`${indent}${dotString(`${parent.id}::anchor`)}${attrs({ shape: 'point', style: 'invis', width: 0.01, height: 0.01, label: '' })};`);
  }
  for (const c of parent.children) {
    const s = model.byId.get(c)!;
    if (isComposite(s)) writeCluster(model, s, indent, out, wrap);
    else writeNode(s, indent, out, wrap);
  }
}

function writeCluster(model: DiagramModel, s: DiagramState, indent: string, out: string[], wrap: number): void {
  const parent = s.parent === undefined ? undefined : model.byId.get(s.parent);
  const region = parent?.kind === 'parallel';
  const styles = ['rounded', 'filled'];
  if (region) styles.push('dashed');
  const titleLines = wrapText(s.label, wrap + 8).map(html);
  let label = `<b>${titleLines.join('<br/>')}</b>`;
  if (s.kind === 'parallel') label += ` <font color="#6b7385">‖</font>`;
  if (s.description) label += `<br/><font point-size="8" color="#5b6478">${wrapText(s.description, wrap + 8).map(html).join('<br/>')}</font>`;
  out.push(`${indent}subgraph ${dotString(clusterName(s))} {`);
  out.push(
    `${indent}  graph${attrs({
      id: `cluster:${s.id}`,
      class: s.active ? `${s.kind} active` : s.kind,
      label: { html: label },
      tooltip: s.description ?? s.id,
      style: styles.join(','),
      fillcolor: s.active ? ACTIVE_CLUSTER_FILL : CLUSTER_FILLS[Math.min(s.depth - 1, CLUSTER_FILLS.length - 1)] ?? CLUSTER_FILLS[0],
      color: s.active ? ACTIVE_BORDER : region ? '#8a93a6' : LINE,
      penwidth: s.active ? 2.4 : s.kind === 'parallel' ? 1.6 : 1.1,
      fontsize: 11,
      margin: 8,
    })};`,
  );
  writeContents(model, s, `${indent}  `, out, wrap);
  out.push(`${indent}}`);
}

function writeNode(s: DiagramState, indent: string, out: string[], wrap: number): void {
  if (s.kind === 'history') {
    out.push(
      `${indent}${dotString(s.id)}${attrs({
        id: `state:${s.id}`,
        class: s.active ? 'history active' : 'history',
        shape: 'circle',
        label: s.history === 'deep' ? 'H*' : 'H',
        tooltip: `${s.label} (${s.history} history)`,
        width: 0.3,
        height: 0.3,
        fixedsize: 'true',
        fontsize: 9,
        fillcolor: s.active ? ACTIVE_FILL : '#ffffff',
      })};`,
    );
    return;
  }
  const nameLines = wrapText(s.label, wrap);
  const descLines = s.description ? wrapText(s.description, wrap + 6) : [];
  let label = nameLines.map(html).join('<br/>');
  if (s.active) label = `<b>${label}</b>`;
  if (descLines.length > 0) label += `<br/><font point-size="8" color="#5b6478">${descLines.map(html).join('<br/>')}</font>`;
  const final = s.kind === 'final';
  out.push(
    `${indent}${dotString(s.id)}${attrs({
      id: `state:${s.id}`,
      class: [s.kind, ...(s.active ? ['active'] : [])].join(' '),
      label: { html: label },
      tooltip: s.description ?? s.id,
      width: Math.max(0.6, minWidth(nameLines, 10, 0.1), minWidth(descLines, 8, 0.1)),
      fillcolor: s.active ? ACTIVE_FILL : final ? '#f1f3f7' : undefined,
      color: s.active ? ACTIVE_BORDER : undefined,
      penwidth: s.active ? 2.6 : final ? 1.6 : undefined,
      style: s.active || final ? 'rounded,filled,bold' : undefined,
      peripheries: final ? 2 : undefined,
    })};`,
  );
}

function edgeLabel(t: DiagramTransition, wrap: number): string {
  const lines = wrapText(t.event, wrap);
  if (t.guard !== undefined) lines.push(...wrapText(`[${t.guard}]`, wrap));
  return lines.join('\n');
}

function writeTransition(model: DiagramModel, t: DiagramTransition, out: string[], wrap: number): void {
  const source = model.byId.get(t.source)!;
  const label = edgeLabel(t, wrap);
  const targetless = t.targets.length === 0;
  const color = t.kind === 'after' ? DELAY_COLOR : t.kind === 'done' || t.kind === 'invoke' ? DONE_COLOR : targetless ? '#8c93a3' : undefined;
  const style = targetless || t.kind === 'always' ? 'dotted' : t.kind === 'after' ? 'dashed' : undefined;
  for (const targetId of targetless ? [t.source] : t.targets) {
    const target = model.byId.get(targetId)!;
    const ltail = isComposite(source) && !isWithin(model, targetId, source.id) ? clusterName(source) : undefined;
    const lhead = isComposite(target) && !isWithin(model, source.id, target.id) ? clusterName(target) : undefined;
    out.push(
      `  ${dotString(anchorOf(source))} -> ${dotString(anchorOf(target))}${attrs({
        label,
        class: `transition ${t.kind}${targetless ? ' targetless' : ''}`,
        tooltip: t.description ?? `${t.source} → ${targetless ? '(no target)' : targetId}: ${t.label}`,
        ltail,
        lhead,
        color,
        fontcolor: color,
        style,
        penwidth: source.active && !isComposite(source) ? 1.6 : undefined,
      })};`,
    );
  }
}
