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
/**
 * Where edges out of a state start: the same node, clipped to the cluster's border. (An exit point kept after the final
 * states reads better in theory, but stretches every stage across the whole width: the layout stays compact this way.)
 */
const tailOf = headOf;
/** Where a composite's transitions into its own descendants start ("from any state inside"). */
const anyOf = (s: DiagramState): string => `${s.id}::any`;

/**
 * Graphviz DOT text of `machine`: left-to-right (or `opts.direction`), one cluster per compound or parallel state
 * (regions of a parallel state dashed), a black dot for each initial state, double borders for final states, edges
 * labelled `EVENT [guard]`, `after delay` (dashed), `always` (dotted), `onDone`; states in `opts.highlight` filled.
 * Transitions of a composite state leave its cluster's border; those into its own descendants start from a small `*`
 * ("any state inside") in the cluster.
 */
export function toDot(machine: AnyStateMachine, opts: DiagramOptions = {}): string {
  const model = buildModel(machine, opts);
  const w = new DotWriter(model, Math.max(8, opts.wrap ?? 24), opts.transitionLabels);
  // A root drawn as a cluster already shows the machine id; a title is then only written when asked for.
  const title = w.rootAsCluster && opts.title === undefined ? undefined : model.title;
  w.out.push(`digraph ${dotString(machine.id)} {`);
  w.out.push(
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
  w.out.push(
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
  w.out.push(`  edge${attrs({ fontname: DIAGRAM_FONT, fontsize: 8.5, color: LINE, fontcolor: '#2b3142', arrowsize: 0.6, penwidth: 1 })};`);
  w.writeAll();
  w.out.push('}');
  return `${w.out.join('\n')}\n`;
}

/** One edge of a transition, with the DOT nodes it joins and the clusters it is clipped to. */
interface Route {
  tail: string;
  head: string;
  ltail?: string;
  lhead?: string;
}

class DotWriter {
  readonly out: string[] = [];
  /** Composites with a transition into their own descendants (they get a `*` node). */
  private readonly anys = new Set<string>();
  private readonly routes = new Map<DiagramTransition, Route[]>();

  constructor(
    private readonly model: DiagramModel,
    private readonly wrap: number,
    private readonly transitionLabels?: (t: DiagramTransition) => string,
  ) {
    for (const t of model.transitions) {
      const source = model.byId.get(t.source)!;
      const list: Route[] = [];
      for (const targetId of t.targets.length === 0 ? [t.source] : t.targets) {
        const target = model.byId.get(targetId)!;
        const route: Route = { tail: source.id, head: target.id };
        if (isComposite(source)) {
          if (t.targets.length === 0 || isWithin(model, targetId, source.id)) {
            this.anys.add(source.id);
            route.tail = anyOf(source);
          } else {
            route.tail = tailOf(source);
            route.ltail = clusterName(source);
          }
        }
        if (t.targets.length === 0) route.head = route.tail;
        else if (isComposite(target)) {
          route.head = headOf(target);
          if (!isWithin(model, source.id, target.id)) route.lhead = clusterName(target);
        }
        list.push(route);
      }
      this.routes.set(t, list);
    }
  }

  /** A parallel root, or one with transitions of its own, is drawn as a cluster like any other composite. */
  get rootAsCluster(): boolean {
    const root = this.model.states[0]!;
    return root.kind === 'parallel' || this.anys.has(root.id);
  }

  writeAll(): void {
    const root = this.model.states[0]!;
    if (this.rootAsCluster) this.writeCluster(root, '  ');
    else this.writeContents(root, '  ');
    for (const t of this.model.transitions) this.writeTransition(t);
  }

  private writeContents(parent: DiagramState, indent: string): void {
    const { model, out } = this;
    if (parent.kind === 'compound') {
      const init = `${parent.id}::initial`;
      out.push(`${indent}${dotString(init)}${attrs({ shape: 'point', width: 0.1, height: 0.1, style: 'filled', fillcolor: '#000000', color: '#000000', label: '' })};`);
      for (const target of parent.initial) {
        const t = model.byId.get(target)!;
        out.push(`${indent}${dotString(init)} -> ${dotString(headOf(t))}${attrs({ lhead: isComposite(t) ? clusterName(t) : undefined, arrowsize: 0.5 })};`);
      }
    } else {
      // Parallel: edges into the state as a whole end at an invisible point inside its cluster.
      out.push(`${indent}${dotString(`${parent.id}::anchor`)}${attrs({ shape: 'point', style: 'invis', width: 0.01, height: 0.01, label: '' })};`);
    }
    if (this.anys.has(parent.id)) {
      out.push(
        `${indent}${dotString(anyOf(parent))}${attrs({
          shape: 'circle',
          label: '*',
          tooltip: `any state in ${parent.label}`,
          width: 0.22,
          height: 0.22,
          fixedsize: 'true',
          fontsize: 10,
          style: 'dashed,filled',
          fillcolor: '#ffffff',
          color: '#8a93a6',
        })};`,
      );
    }
    for (const c of parent.children) {
      const s = model.byId.get(c)!;
      if (isComposite(s)) this.writeCluster(s, indent);
      else this.writeNode(s, indent);
    }
  }

  private writeCluster(s: DiagramState, indent: string): void {
    const parent = s.parent === undefined ? undefined : this.model.byId.get(s.parent);
    const region = parent?.kind === 'parallel';
    const styles = ['rounded', 'filled'];
    if (region) styles.push('dashed');
    let label = `<b>${wrapText(s.label, this.wrap + 8).map(html).join('<br/>')}</b>`;
    if (s.kind === 'parallel') label += ` <font color="#6b7385">‖</font>`;
    if (s.description) label += `<br/><font point-size="8" color="#5b6478">${wrapText(s.description, this.wrap + 8).map(html).join('<br/>')}</font>`;
    this.out.push(`${indent}subgraph ${dotString(clusterName(s))} {`);
    this.out.push(
      `${indent}  graph${attrs({
        id: `cluster:${s.id}`,
        class: s.active ? `${s.kind} active` : s.kind,
        label: { html: label },
        tooltip: s.description ?? s.id,
        style: styles.join(','),
        fillcolor: s.active ? ACTIVE_CLUSTER_FILL : CLUSTER_FILLS[Math.min(Math.max(s.depth - 1, 0), CLUSTER_FILLS.length - 1)],
        color: s.active ? ACTIVE_BORDER : region ? '#8a93a6' : LINE,
        penwidth: s.active ? 2.4 : s.kind === 'parallel' ? 1.6 : 1.1,
        fontsize: 11,
        margin: 8,
      })};`,
    );
    this.writeContents(s, `${indent}  `);
    this.out.push(`${indent}}`);
  }

  private writeNode(s: DiagramState, indent: string): void {
    if (s.kind === 'history') {
      this.out.push(
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
    const nameLines = wrapText(s.label, this.wrap);
    const descLines = s.description ? wrapText(s.description, this.wrap + 6) : [];
    let label = nameLines.map(html).join('<br/>');
    if (s.active) label = `<b>${label}</b>`;
    if (descLines.length > 0) label += `<br/><font point-size="8" color="#5b6478">${descLines.map(html).join('<br/>')}</font>`;
    const final = s.kind === 'final';
    this.out.push(
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

  private writeTransition(t: DiagramTransition): void {
    const source = this.model.byId.get(t.source)!;
    const custom = this.transitionLabels?.(t);
    const lines = custom !== undefined ? (custom ? wrapText(custom, this.wrap) : []) : wrapText(t.event, this.wrap);
    if (t.guard !== undefined && custom === undefined) lines.push(...wrapText(`[${t.guard}]`, this.wrap));
    const targetless = t.targets.length === 0;
    const color = t.kind === 'after' ? DELAY_COLOR : t.kind === 'done' || t.kind === 'invoke' ? DONE_COLOR : targetless ? '#8c93a3' : undefined;
    const style = targetless || t.kind === 'always' ? 'dotted' : t.kind === 'after' ? 'dashed' : undefined;
    (this.routes.get(t) ?? []).forEach((r, i) => {
      const targetId = t.targets[i] ?? t.source;
      this.out.push(
        `  ${dotString(r.tail)} -> ${dotString(r.head)}${attrs({
          label: lines.join('\n'),
          class: `transition ${t.kind}${targetless ? ' targetless' : ''}`,
          tooltip: custom !== undefined ? custom || ' ' : (t.description ?? `${t.source} → ${targetless ? '(no target)' : targetId}: ${t.label}`),
          ltail: r.ltail,
          lhead: r.lhead,
          color,
          fontcolor: color,
          style,
          penwidth: source.active && !isComposite(source) ? 1.6 : undefined,
        })};`,
      );
    });
  }
}
