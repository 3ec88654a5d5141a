import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The shape docs/architecture.md describes, checked on the source: no import cycle between files, none between
 * units (a feature module, `access`, `core`, `common`, `config`), the lower layers never import a feature, and a
 * source file over the length limit says at its top why it is one file.
 */
const SRC = path.resolve(__dirname, '../../src');
const LENGTH_LIMIT = 350;
const LONG_FILE_REASON = /^\s*(\/\/|\/?\*+)\s*Long file:\s*\S/m;

interface SourceFile {
  path: string;
  text: string;
  imports: string[];
}

function sourceFiles(): SourceFile[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.spec.ts')) out.push(p);
    }
  };
  walk(SRC);
  return out.map((p) => {
    const text = fs.readFileSync(p, 'utf8');
    const imports = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((i) => resolveImport(p, i.fileName))
      .filter((x): x is string => x !== null);
    return { path: p, text, imports };
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  return null;
}

/** `modules/grades`, `access`, `core`, `common`, `config`, `web`, `cli`, or the top-level file itself. */
function unitOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts[0] === 'modules' ? `modules/${parts[1]}` : parts[0];
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture (docs/architecture.md)', () => {
  const files = sourceFiles();
  const rel = (p: string) => path.relative(SRC, p);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.imports.length > 0)).toBe(true);
  });

  it('has no import cycle between files', () => {
    const edges = new Map(files.map((f) => [f.path, new Set(f.imports)]));
    expect(cycles(edges).map((c) => c.map(rel))).toEqual([]);
  });

  it('has no cycle between modules and layers', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      const from = unitOf(f.path);
      for (const t of f.imports) {
        const to = unitOf(t);
        if (from === to) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    expect(cycles(edges)).toEqual([]);
  });

  it('keeps the lower layers (config, common, core, access) free of feature modules', () => {
    const lower = new Set(['config', 'common', 'core', 'access']);
    const backArrows = files.flatMap((f) =>
      lower.has(unitOf(f.path)) ? f.imports.filter((t) => !lower.has(unitOf(t))).map((t) => `${rel(f.path)} -> ${rel(t)}`) : [],
    );
    expect(backArrows).toEqual([]);
  });

  it(`states at the top of every source file over ${LENGTH_LIMIT} lines why it is one file`, () => {
    const unexplained = files
      .filter((f) => !f.path.endsWith('.generated.ts'))
      .filter((f) => f.text.split('\n').length > LENGTH_LIMIT)
      .filter((f) => !LONG_FILE_REASON.test(f.text.split('\n').slice(0, 20).join('\n')))
      .map((f) => `${rel(f.path)} (${f.text.split('\n').length} lines)`);
    expect(unexplained).toEqual([]);
  });

  it('recognises a stated reason and a cycle (the checks can fail)', () => {
    expect(LONG_FILE_REASON.test('// Long file: one DTO per route of the journal')).toBe(true);
    expect(LONG_FILE_REASON.test('/**\n * Long file: the emulator speaks the whole protocol\n */')).toBe(true);
    expect(LONG_FILE_REASON.test('// a long file')).toBe(false);
    const loop = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['a'])],
      ['c', new Set(['a'])],
    ]);
    expect(cycles(loop)).toEqual([['a', 'b']]);
  });
});
