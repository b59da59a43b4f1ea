// Renders a machine's DOT to SVG with @viz-js/viz (Graphviz in WebAssembly), one cached Viz instance per process.
import type { AnyStateMachine } from 'xstate';
import type { Viz } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { toDot } from './dot';
import type { DiagramOptions } from './model';

let vizInstance: Promise<Viz> | undefined;

/** The shared Viz instance (the WebAssembly module is compiled once; a failed start is retried on the next call). */
export function viz(): Promise<Viz> {
  if (!vizInstance) {
    // @viz-js/viz is an ES module; a dynamic import loads it from this CommonJS project.
    vizInstance = import('@viz-js/viz').then((m) => m.instance());
    vizInstance.catch(() => {
      vizInstance = undefined;
    });
  }
  return vizInstance;
}

/** SVG text of any DOT source; throws Graphviz's error messages if the DOT does not render. */
export async function dotToSvg(dot: string): Promise<string> {
  return (await viz()).renderString(dot, { format: 'svg' });
}

/** SVG picture of `machine` (the layout of `toDot`, same options). */
export async function toSvg(machine: AnyStateMachine, opts: DiagramOptions = {}): Promise<string> {
  return dotToSvg(toDot(machine, opts));
}
