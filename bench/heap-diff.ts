// Compares two V8 heap snapshots (e.g. from bench/per-case.ts with HANDOVER_BENCH_HEAP_SNAPSHOTS=<dir>): the
// objects added between them, grouped by constructor (or type for strings, code, arrays…), largest first, per case
// when --per <n> gives the number of cases added.   tsx bench/heap-diff.ts a.heapsnapshot b.heapsnapshot [--per n] [--top 40]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Total self size and count per group (type:name, names of strings and code folded). */
export function groups(path: string): Map<string, { size: number; count: number }> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const fType = fields.indexOf('type');
  const fName = fields.indexOf('name');
  const fSize = fields.indexOf('self_size');
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + fType]!]!;
    const name = s.strings[s.nodes[i + fName]!]!;
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type}:${name}` : type === 'hidden' || type === 'object shape' ? `${type}:${name.slice(0, 40)}` : type;
    const g = out.get(key) ?? { size: 0, count: 0 };
    g.size += s.nodes[i + fSize]!;
    g.count += 1;
    out.set(key, g);
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const [a, b] = args.filter((x) => !x.startsWith('--') && !/^\d+$/.test(x));
  if (!a || !b) throw new Error('usage: tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [--per n] [--top 40]');
  const per = args.includes('--per') ? Number(args[args.indexOf('--per') + 1]) : 1;
  const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 40;
  const before = groups(a);
  const after = groups(b);
  const rows = [...after].map(([k, v]) => {
    const w = before.get(k) ?? { size: 0, count: 0 };
    return { k, size: (v.size - w.size) / per, count: (v.count - w.count) / per };
  });
  rows.sort((x, y) => y.size - x.size);
  const total = rows.reduce((t, r) => t + r.size, 0);
  console.log(`added ${(total / 1024).toFixed(1)} KB${per > 1 ? ' per case' : ''}`);
  console.log('| group | KB | objects |\n|---|---:|---:|');
  for (const r of rows.slice(0, top)) console.log(`| ${r.k.replace(/\|/g, '\\|')} | ${(r.size / 1024).toFixed(2)} | ${r.count.toFixed(1)} |`);
}

if (require.main === module) main();
