// Writes an XState v5 machine as Mermaid `stateDiagram-v2` text: composite states, `--` parallel regions, [*] arrows, active-state class.
import type { AnyStateMachine } from 'xstate';
import { buildModel, isWithin, type DiagramModel, type DiagramOptions, type DiagramState } from './model';

/** Mermaid-safe identifiers for every state id: dots and other characters become `_`, non-ASCII `uXXXX`, collisions get a suffix. */
export function mermaidIds(model: DiagramModel): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const s of model.states) {
    let base = '';
    for (const ch of s.id) {
      if (/[A-Za-z0-9_]/.test(ch)) base += ch;
      else if (ch.charCodeAt(0) < 128) base += '_';
      else base += `u${ch.codePointAt(0)!.toString(16)}`;
    }
    if (!/^[A-Za-z]/.test(base)) base = `s_${base}`;
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    used.add(id.toLowerCase());
    out.set(s.id, id);
  }
  return out;
}

/** Text for `state "…" as id`: Mermaid allows no double quote and no newline there. */
function quoteLabel(text: string): string {
  return text.replace(/"/g, "'").replace(/\s*\r?\n\s*/g, ' ');
}

/** Text after `:` on a transition or description line: one line, no `;` (a statement separator). */
function lineText(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').replace(/;/g, ',').trim();
}

/**
 * Mermaid `stateDiagram-v2` text of `machine`. Compound states become composite states, parallel states hold their
 * regions separated by `--`, `[*]` marks initial states and follows final ones, transitions carry `EVENT [guard]`,
 * `after delay` or `always`; states in `opts.highlight` get `classDef active`. A composite state's transitions into
 * its own descendants (such as a root-level `CANCEL`) start from a `*` pseudo-state inside it ("any state in here").
 */
export function toMermaid(machine: AnyStateMachine, opts: DiagramOptions = {}): string {
  const model = buildModel(machine, opts);
  const ids = mermaidIds(model);
  const mid = (id: string): string => ids.get(id)!;
  const taken = new Set(ids.values());
  const anyIds = new Map<string, string>();
  const anyId = (id: string): string => {
    let a = anyIds.get(id);
    if (a === undefined) {
      a = `${mid(id)}__any`;
      while (taken.has(a)) a += '_';
      taken.add(a);
      anyIds.set(id, a);
    }
    return a;
  };
  const lines: string[] = ['stateDiagram-v2'];
  if (model.title) lines.splice(0, 0, '---', `title: ${JSON.stringify(model.title)}`, '---');
  lines.push(`  direction ${opts.direction ?? 'LR'}`);
  lines.push('  classDef active fill:#ffe08a,stroke:#b8860b,stroke-width:3px,color:#000,font-weight:bold');
  lines.push('  classDef finalState stroke-width:3px');
  lines.push('  classDef anyState fill:#ffffff,stroke:#8a93a6,stroke-dasharray:3 3');

  // Transitions between states of one parent are written inside that parent's block; all others at the end, at
  // the top level, after every state has been declared where it belongs (a first mention inside a block places it there).
  const local = new Map<string, string[]>();
  const global: string[] = [];
  const anys = new Set<string>();
  for (const t of model.transitions) {
    const source = model.byId.get(t.source)!;
    for (const targetId of t.targets.length > 0 ? t.targets : [t.source]) {
      const target = model.byId.get(targetId)!;
      let from = mid(source.id);
      let scope = source.parent;
      if (source.children.length > 0 && (t.targets.length === 0 || isWithin(model, targetId, source.id))) {
        anys.add(source.id);
        from = anyId(source.id);
        scope = source.id;
      }
      const to = t.targets.length === 0 ? from : mid(target.id);
      const toScope = t.targets.length === 0 ? scope : target.parent;
      const line = `${from} --> ${to} : ${lineText(t.label)}`;
      if (scope !== undefined && scope === toScope) local.set(scope, [...(local.get(scope) ?? []), line]);
      else global.push(line);
    }
  }

  const writeChildren = (parent: DiagramState, indent: string): void => {
    const kids = parent.children.map((c) => model.byId.get(c)!);
    if (parent.kind === 'parallel') {
      kids.forEach((k, i) => {
        if (i > 0) lines.push(`${indent}--`);
        writeState(k, indent);
      });
    } else {
      for (const init of parent.initial) lines.push(`${indent}[*] --> ${mid(init)}`);
      for (const k of kids) writeState(k, indent);
      for (const k of kids) if (k.kind === 'final') lines.push(`${indent}${mid(k.id)} --> [*]`);
    }
    if (anys.has(parent.id)) {
      // In a parallel state the `*` gets a section of its own rather than joining the last region's.
      if (parent.kind === 'parallel') lines.push(`${indent}--`);
      lines.push(`${indent}state "*" as ${anyId(parent.id)}`);
    }
    for (const line of local.get(parent.id) ?? []) lines.push(`${indent}${line}`);
  };

  const writeState = (s: DiagramState, indent: string): void => {
    const label = s.kind === 'history' ? (s.history === 'deep' ? 'H*' : 'H') : s.label;
    if (s.children.length > 0) {
      lines.push(`${indent}state "${quoteLabel(label)}" as ${mid(s.id)} {`);
      writeChildren(s, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${quoteLabel(label)}" as ${mid(s.id)}`);
      if (s.description) lines.push(`${indent}${mid(s.id)} : ${lineText(s.description)}`);
    }
  };

  const root = model.states[0]!;
  if (root.kind === 'parallel') {
    // `--` regions need a composite around them.
    lines.push(`  [*] --> ${mid(root.id)}`);
    writeState(root, '  ');
  } else writeChildren(root, '  ');
  for (const line of global) lines.push(`  ${line}`);

  const finals = model.states.filter((s) => s.kind === 'final').map((s) => mid(s.id));
  if (finals.length > 0) lines.push(`  class ${finals.join(',')} finalState`);
  if (anys.size > 0) lines.push(`  class ${[...anys].map(anyId).join(',')} anyState`);
  const active = model.states.filter((s) => s.active && s.id !== root.id).map((s) => mid(s.id));
  if (active.length > 0) lines.push(`  class ${active.join(',')} active`);
  return `${lines.join('\n')}\n`;
}
