import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Each module reads and writes its own tables (docs/architecture.md, the "owns tables" column); another module's
 * tables are read through its exported service, or by a join in a read model (`read-models/*.read-model.ts`) whose
 * header names every foreign table it reads. The row rules live in src/access (outside the modules) and may read any table.
 * Modules listed here are checked; to be extended to every module.
 */
const ROOT = join(__dirname, '..', '..');

/** Every feature module (a new one is checked from the start). */
const CHECKED_MODULES = readdirSync(join(ROOT, 'src/modules'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** module → tables it owns, from the module table of docs/architecture.md. */
function ownership(): Map<string, string> {
  const owner = new Map<string, string>();
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  // the table under the header `| module | owns tables | notes |`, up to the first line that is not a table row
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^\| module \| owns tables \|/.test(l));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  for (const line of lines.slice(start, end)) {
    const m = /^\| `([^`]+)` \| ([^|]+) \|/.exec(line);
    if (!m) continue;
    for (const t of m[2].split(',').map((s) => s.replace(/\(.*\)/, '').trim())) if (/^[a-z_]+$/.test(t)) owner.set(t, m[1]);
  }
  return owner;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
  );
}

/** Table names after FROM, JOIN, INTO, UPDATE in the file's text (SQL lives in template strings). */
function tablesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b/g)].map((m) => m[1]));
}

const header = (text: string): string => /^\s*\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';

describe('table ownership', () => {
  const owner = ownership();

  it('checks every feature module', () => {
    expect(CHECKED_MODULES).toEqual(expect.arrayContaining(['grades', 'messaging', 'users', 'auth', 'schedule']));
    expect(CHECKED_MODULES.length).toBeGreaterThanOrEqual(17);
  });

  it('reads the module table of docs/architecture.md', () => {
    expect(owner.get('messages')).toBe('messaging');
    expect(owner.get('homework_files')).toBe('homework');
    expect(owner.get('users')).toBe('users');
  });

  for (const mod of CHECKED_MODULES) {
    const files = tsFiles(join(ROOT, 'src/modules', mod));
    const foreign = (text: string): string[] => [...tablesIn(text)].filter((t) => owner.has(t) && owner.get(t) !== mod).sort();

    it(`${mod}: only read models touch other modules' tables`, () => {
      const offending = files
        .filter((f) => !f.includes('/read-models/'))
        .map((f) => ({ file: relative(ROOT, f), tables: foreign(readFileSync(f, 'utf8')) }))
        .filter((x) => x.tables.length > 0);
      expect(offending).toEqual([]);
    });

    it(`${mod}: a read model names in its header every foreign table it reads`, () => {
      const unnamed = files
        .filter((f) => f.includes('/read-models/'))
        .map((f) => {
          const text = readFileSync(f, 'utf8');
          return { file: relative(ROOT, f), tables: foreign(text).filter((t) => !header(text).includes(`\`${t}\``)) };
        })
        .filter((x) => x.tables.length > 0);
      expect(unnamed).toEqual([]);
    });
  }
});
