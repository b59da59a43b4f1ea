// Walks an XState v5 machine into a neutral diagram model (states, transitions, labels) shared by the Mermaid and DOT writers.
import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';

/** Options shared by every renderer. */
export interface DiagramOptions {
  /** Active state node ids to mark: `snapshot._nodes` ids, `stateNodeIds(snapshot)`, or dotted paths ('handover.agreement.drafting', 'agreement.drafting', '#customId'). */
  highlight?: readonly string[];
  /** Layout direction; default 'LR'. */
  direction?: 'LR' | 'TB';
  /** Display label for a state node id (`StateNode.id`); `undefined` falls back to `meta.label`/`meta.title`, then the key. */
  labels?: (nodeId: string) => string | undefined;
  /** Show state descriptions (`description` or `meta.description`) under the label; default true. */
  descriptions?: boolean;
  /** Wrap width of DOT labels, in Latin characters (a CJK character counts as two); default 24. */
  wrap?: number;
  /** Diagram title; default the machine id; `false` for none. */
  title?: string | false;
  /**
   * Display label of a transition, replacing `EVENT [guard]` and its tooltip (a readers' view without identifiers);
   * '' for none.
   */
  transitionLabels?: (t: DiagramTransition) => string;
}

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface DiagramState {
  /** `StateNode.id` (the machine id and the path joined by dots, or a custom `id`). */
  id: string;
  key: string;
  kind: StateKind;
  label: string;
  description?: string;
  /** 'shallow' or 'deep' for history states. */
  history?: 'shallow' | 'deep';
  /** Parent state id; undefined for the root. */
  parent?: string;
  children: string[];
  /** Initial child ids of a compound state. */
  initial: string[];
  depth: number;
  active: boolean;
}

export type TransitionKind = 'event' | 'after' | 'always' | 'done' | 'invoke';

export interface DiagramTransition {
  source: string;
  /** Target state ids; empty for a targetless (internal) transition. */
  targets: string[];
  kind: TransitionKind;
  /** The raw XState event descriptor ('' for `always`). */
  eventType: string;
  /** What the edge shows before any guard: 'SUBMIT', 'after agreementDeadline', 'always', 'onDone', 'done(loader)'. */
  event: string;
  guard?: string;
  /** `event` followed by ` [guard]` when guarded. */
  label: string;
  description?: string;
  reenter: boolean;
}

export interface DiagramModel {
  rootId: string;
  title?: string;
  /** Every state node, root first, in document order. */
  states: DiagramState[];
  byId: Map<string, DiagramState>;
  transitions: DiagramTransition[];
}

function metaString(meta: unknown, key: string): string | undefined {
  if (meta && typeof meta === 'object' && key in meta) {
    const v = (meta as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

/** Readable text for a guard: its type, or `a && !b` for `and`/`or`/`not`, `in(state)` for `stateIn`, 'inline' for anonymous functions. */
export function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
    if (Array.isArray(g.guards)) {
      const parts = g.guards.map((x) => describeGuard(x));
      if (g.name === 'not') return parts.length === 1 && /^[\w.$]+$/.test(parts[0]!) ? `!${parts[0]}` : `!(${parts.join(', ')})`;
      const op = g.name === 'or' ? ' || ' : ' && ';
      return parts.map((p) => (/&&|\|\|/.test(p) ? `(${p})` : p)).join(op);
    }
    if (g.name === 'stateIn' && g.stateValue !== undefined) {
      return `in(${typeof g.stateValue === 'string' ? g.stateValue : JSON.stringify(g.stateValue)})`;
    }
    return g.name && g.name !== 'guard' ? g.name : 'inline';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

/** A delay as shown on an edge: the named delay itself, or a number of milliseconds in the largest exact unit. */
export function describeDelay(delay: string | number): string {
  if (typeof delay === 'string') return delay;
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [ms, unit] of units) if (delay >= ms && delay % ms === 0) return `${delay / ms}${unit}`;
  return `${delay}ms`;
}

function invokeSourceName(node: AnyStateNode, invokeId: string): string {
  for (const inv of node.invoke) {
    if (inv.id !== invokeId) continue;
    const src: unknown = inv.src;
    if (typeof src === 'string') return src;
    // Auto-generated ids look like '0.machine.state'; a user-given id is more readable than the logic.
    return /^\d+\./.test(inv.id) ? 'invoke' : inv.id;
  }
  return invokeId;
}

function classify(node: AnyStateNode, eventType: string, delay: string | number | undefined): { kind: TransitionKind; event: string } {
  if (eventType === '') return { kind: 'always', event: 'always' };
  if (delay !== undefined && eventType.startsWith('xstate.after.')) return { kind: 'after', event: `after ${describeDelay(delay)}` };
  if (eventType === `xstate.done.state.${node.id}`) return { kind: 'done', event: 'onDone' };
  for (const [prefix, word] of [['xstate.done.actor.', 'done'], ['xstate.error.actor.', 'error']] as const) {
    if (eventType.startsWith(prefix)) return { kind: 'invoke', event: `${word}(${invokeSourceName(node, eventType.slice(prefix.length))})` };
  }
  return { kind: 'event', event: eventType };
}

interface RawTransition {
  target?: ReadonlyArray<AnyStateNode>;
  guard?: unknown;
  eventType: string;
  delay?: string | number;
  description?: string;
  reenter?: boolean;
}

/** Builds the diagram model of `machine`, resolving labels, descriptions and highlighted states. */
export function buildModel(machine: AnyStateMachine, opts: DiagramOptions = {}): DiagramModel {
  const root = machine.root as AnyStateNode;
  const states: DiagramState[] = [];
  const byId = new Map<string, DiagramState>();
  const transitions: DiagramTransition[] = [];
  const aliases = new Map<string, string>();
  const pathAliases: Array<[string, string]> = [];
  const showDescriptions = opts.descriptions !== false;

  const visit = (node: AnyStateNode, depth: number): void => {
    const kind = node.type as StateKind;
    const children = Object.values(node.states) as AnyStateNode[];
    const description = node.description ?? metaString(node.meta, 'description');
    const label =
      opts.labels?.(node.id) ?? metaString(node.meta, 'label') ?? metaString(node.meta, 'title') ?? (node === root ? machine.id : node.key);
    const state: DiagramState = {
      id: node.id,
      key: node.key,
      kind,
      label,
      ...(showDescriptions && description ? { description } : {}),
      ...(kind === 'history' ? { history: node.history === 'deep' ? 'deep' : 'shallow' } : {}),
      ...(node.parent ? { parent: node.parent.id } : {}),
      children: children.map((c) => c.id),
      initial: kind === 'compound' ? (node.initial?.target ?? []).map((t: AnyStateNode) => t.id) : [],
      depth,
      active: false,
    };
    states.push(state);
    byId.set(node.id, state);
    const path = node.path.join('.');
    pathAliases.push([path, node.id], [path ? `${root.id}.${path}` : root.id, node.id]);

    const raw: RawTransition[] = [];
    for (const list of node.transitions.values()) raw.push(...(list as RawTransition[]));
    raw.push(...((node.always ?? []) as RawTransition[]));
    for (const t of raw) {
      const { kind: tk, event } = classify(node, t.eventType, t.delay);
      const guard = t.guard === undefined ? undefined : describeGuard(t.guard);
      transitions.push({
        source: node.id,
        targets: (t.target ?? []).map((x) => x.id),
        kind: tk,
        eventType: t.eventType,
        event,
        ...(guard !== undefined ? { guard } : {}),
        label: guard !== undefined ? `${event} [${guard}]` : event,
        ...(typeof t.description === 'string' ? { description: t.description } : {}),
        reenter: t.reenter === true,
      });
    }
    for (const child of children) visit(child, depth + 1);
  };
  visit(root, 0);
  // Exact ids win over dotted paths (a custom `id` may read like another state's path).
  for (const s of states) aliases.set(s.id, s.id);
  for (const [alias, id] of pathAliases) if (!aliases.has(alias)) aliases.set(alias, id);

  for (const h of opts.highlight ?? []) {
    const id = aliases.get(h) ?? (h.startsWith('#') ? aliases.get(h.slice(1)) : undefined);
    const s = id === undefined ? undefined : byId.get(id);
    if (s) s.active = true;
  }

  const title = opts.title === false ? undefined : (opts.title ?? machine.id);
  return { rootId: root.id, ...(title !== undefined ? { title } : {}), states, byId, transitions };
}

/** True when `id` is `ancestor` or lies below it. */
export function isWithin(model: DiagramModel, id: string, ancestor: string): boolean {
  for (let s = model.byId.get(id); s; s = s.parent === undefined ? undefined : model.byId.get(s.parent)) {
    if (s.id === ancestor) return true;
  }
  return false;
}

/** What `stateNodeIds` reads: a live snapshot (with `_nodes`) or a persisted one (with `value`, plus the machine to resolve ids). */
export interface SnapshotLike {
  value?: StateValue;
  _nodes?: ReadonlyArray<{ id: string }>;
  machine?: AnyStateMachine;
}

/**
 * The ids of the active state nodes of a snapshot, root first (ancestors included), for `highlight`.
 * Uses `snapshot._nodes` when present; otherwise walks `snapshot.value` against `machine` (or `snapshot.machine`),
 * or, with no machine at all, returns dotted paths relative to the root ('agreement', 'agreement.drafting').
 */
export function stateNodeIds(snapshot: SnapshotLike, machine?: AnyStateMachine): string[] {
  if (Array.isArray(snapshot._nodes) && snapshot._nodes.length > 0) return snapshot._nodes.map((n) => n.id);
  const m = machine ?? snapshot.machine;
  const out: string[] = [];
  if (snapshot.value === undefined) return out;
  if (m) {
    const walk = (node: AnyStateNode, value: StateValue): void => {
      const keys = typeof value === 'string' ? { [value]: undefined } : value;
      for (const [key, sub] of Object.entries(keys)) {
        const child = node.states[key] as AnyStateNode | undefined;
        if (!child) continue;
        out.push(child.id);
        if (sub !== undefined && sub !== null) walk(child, sub as StateValue);
      }
    };
    out.push(m.root.id);
    walk(m.root as AnyStateNode, snapshot.value);
    return out;
  }
  const walkPaths = (prefix: string, value: StateValue): void => {
    const keys = typeof value === 'string' ? { [value]: undefined } : value;
    for (const [key, sub] of Object.entries(keys)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      if (sub !== undefined && sub !== null) walkPaths(path, sub as StateValue);
    }
  };
  walkPaths('', snapshot.value);
  return out;
}

/** Display width in Latin-character units: CJK and other wide characters count two. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += isWide(ch) ? 2 : 1;
  return w;
}

function isWide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Closing punctuation that must not start a line. */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕,.;:?!)]}%']);

/**
 * Wraps `text` into lines of at most `width` units (CJK counts two): Latin words break at spaces, `_`, `-`, `/`,
 * CJK text between any two characters (never before closing punctuation). Existing newlines are kept.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    // Tokens: runs of narrow characters up to and including one break character, or any single other character.
    const tokens = para.match(/[^\s_\-/\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+[\s_\-/]?|[\s\S]/gu) ?? [];
    let line = '';
    for (const tok of tokens) {
      if (tok === '') continue;
      const candidate = line + tok;
      const glued = NO_LINE_START.has([...tok][0] ?? '');
      if (line !== '' && textWidth(candidate.trimEnd()) > width && !glued) {
        lines.push(line.trimEnd());
        line = tok.trimStart();
      } else {
        line = candidate;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
