/**
 * Reads the TypeScript sources and derives, without running anything:
 *  - the error catalogue: every error factory in `src/**\/*.errors.ts` (and `common/errors/app-error.ts`) with
 *    the code, HTTP status(es) and Russian message(s) of the `AppError` it builds, and the "when" of its doc
 *    comment;
 *  - for every controller route, the codes it can answer with: the factories reachable from the handler
 *    through the calls it makes (a call graph over our own functions, methods and constructors; a call through
 *    an interface reaches every class that implements it).
 *
 * The result is an over-approximation — a code reachable on some path is listed even when that path needs
 * conditions the route never meets — which is what a client needs: every code it may have to handle.
 * `npm run contract` writes it to `src/core/http/openapi/error-catalogue.generated.ts` and `docs/errors.md`;
 * a test fails when either is stale.
 */
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export interface CatalogueEntry {
  code: string;
  statuses: number[];
  messages: string[];
  when: string;
  /** `AuthErrors.invalidCredentials`, …: the factories that build this code. */
  factories: string[];
  module: string;
}

export interface RouteErrors {
  /** `UsersController.list` */
  handler: string;
  codes: string[];
  isPublic: boolean;
  hasRoles: boolean;
}

/** One error factory: `GradesErrors.gradeNotFound` in `src/modules/grades/grades.errors.ts`, with its doc comment. */
export interface FactoryEntry {
  name: string;
  /** Relative to the repository root. */
  file: string;
  codes: string[];
  /** The doc comment right above it (empty when it has none). */
  when: string;
}

export interface ErrorAnalysis {
  catalogue: CatalogueEntry[];
  /** Every factory, by file and name: the catalogue merges them per code. */
  factories: FactoryEntry[];
  routes: RouteErrors[];
  /** Codes of the global guards every route passes through: `authenticated` (all but @Public), `roles` (@Roles routes). */
  globals: { authenticated: string[]; roles: string[] };
  problems: string[];
}

/** The global guards (src/modules/auth/auth.module.ts registers them) whose codes every guarded route can answer with. */
const GLOBAL_GUARDS = { authenticated: 'AccessTokenGuard', roles: 'RolesGuard' } as const;

const ROOT = resolve(__dirname, '..', '..');
const HTTP_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Head', 'Options', 'Sse']);

interface Factory {
  name: string; // AuthErrors.invalidCredentials
  file: string;
  codes: Set<string>;
  statuses: Set<number>;
  messages: Set<string>;
  when: string;
  /** Other factories it delegates to (e.g. `notFound('Урок')`). */
  delegates: Set<ts.Node>;
}

export function analyseErrors(rootDir = ROOT): ErrorAnalysis {
  const configPath = join(rootDir, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram({
    rootNames: parsed.fileNames.filter((f) => f.includes('/src/')),
    options: { ...parsed.options, noEmit: true },
  });
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  const ours = (f: ts.SourceFile): boolean => !f.isDeclarationFile && f.fileName.startsWith(join(rootDir, 'src'));
  const sources = program.getSourceFiles().filter(ours);
  const rel = (f: string): string => relative(rootDir, f);

  // ---------------------------------------------------------------- factories
  /** The declaration node of each factory (property assignment or function declaration) → factory. */
  const factories = new Map<ts.Node, Factory>();
  const isFactoryFile = (f: ts.SourceFile): boolean =>
    /\.errors\.ts$/.test(f.fileName) || f.fileName.endsWith('/common/errors/app-error.ts');

  for (const file of sources.filter(isFactoryFile)) {
    file.forEachChild(function visit(node) {
      if (ts.isVariableStatement(node)) {
        for (const d of node.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) continue;
          if (ts.isObjectLiteralExpression(d.initializer)) {
            for (const prop of d.initializer.properties) {
              if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
              if (!ts.isArrowFunction(prop.initializer) && !ts.isFunctionExpression(prop.initializer)) continue;
              addFactory(prop, `${d.name.text}.${prop.name.text}`, prop.initializer, file);
            }
          } else if (ts.isArrowFunction(d.initializer) && containsNewAppError(d.initializer)) {
            addFactory(d, d.name.text, d.initializer, file);
          }
        }
      }
    });
  }

  function containsNewAppError(n: ts.Node): boolean {
    let found = false;
    n.forEachChild(function walk(c) {
      if (found) return;
      if (ts.isNewExpression(c) && c.expression.getText() === 'AppError') found = true;
      else c.forEachChild(walk);
    });
    return found;
  }

  function addFactory(decl: ts.Node, name: string, fn: ts.ArrowFunction | ts.FunctionExpression, file: ts.SourceFile): void {
    const f: Factory = {
      name,
      file: file.fileName,
      codes: new Set(),
      statuses: new Set(),
      messages: new Set(),
      when: docOf(decl),
      delegates: new Set(),
    };
    fn.forEachChild(function walk(c) {
      if (ts.isNewExpression(c) && c.expression.getText() === 'AppError') {
        const [code, message, status] = c.arguments ?? [];
        for (const v of stringValues(code, fn)) f.codes.add(v);
        for (const v of stringValues(message, fn)) f.messages.add(v);
        for (const v of numberValues(status)) f.statuses.add(v);
        if (f.codes.size === 0) problems.push(`${rel(file.fileName)}: ${name}: cannot read the error code statically`);
        if (f.statuses.size === 0) problems.push(`${rel(file.fileName)}: ${name}: cannot read the HTTP status statically`);
      }
      c.forEachChild(walk);
    });
    factories.set(decl, f);
  }

  function docOf(decl: ts.Node): string {
    const docs = ts.getJSDocCommentsAndTags(decl).filter(ts.isJSDoc);
    const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ');
    return text.replace(/\s+/g, ' ').trim();
  }

  /** The string values an expression can have: literals, templates (placeholders as …), ?:, consts, enum members, parameter defaults. */
  function stringValues(e: ts.Expression | undefined, fn: ts.Node): string[] {
    if (!e) return [];
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
    if (ts.isTemplateExpression(e)) return [e.head.text + e.templateSpans.map((s) => `…${s.literal.text}`).join('')];
    if (ts.isConditionalExpression(e)) return [...stringValues(e.whenTrue, fn), ...stringValues(e.whenFalse, fn)];
    if (ts.isParenthesizedExpression(e)) return stringValues(e.expression, fn);
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'code' && ts.isCallExpression(e.expression)) {
      // `SomeErrors.x().code`: the code of another factory
      const target = factoryOf(e.expression.expression);
      if (target) return [...target.codes];
    }
    if (ts.isPropertyAccessExpression(e)) {
      const member = objectLiteralMember(e.expression, e.name.text);
      if (member) return stringValues(member, fn);
    }
    const constant = checker.getConstantValue(e as ts.PropertyAccessExpression);
    if (typeof constant === 'string') return [constant];
    const sym = symbolOf(e);
    const decl = sym?.valueDeclaration;
    if (decl && ts.isParameter(decl)) return decl.initializer ? stringValues(decl.initializer, fn) : ['(текст зависит от случая)'];
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) return stringValues(decl.initializer, fn);
    if (decl && ts.isPropertyAssignment(decl)) return stringValues(decl.initializer, fn);
    if (decl && ts.isEnumMember(decl)) {
      const v = checker.getConstantValue(decl);
      if (typeof v === 'string') return [v];
    }
    return [];
  }

  /** `MESSAGES.X` where MESSAGES is a const object literal (keys plain or computed from enum members). */
  function objectLiteralMember(obj: ts.Expression, name: string): ts.Expression | undefined {
    const decl = symbolOf(obj)?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
    let init: ts.Expression = decl.initializer;
    while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
    if (!ts.isObjectLiteralExpression(init)) return undefined;
    for (const p of init.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = ts.isComputedPropertyName(p.name) ? stringValues(p.name.expression, p)[0] : p.name.getText().replace(/^['"]|['"]$/g, '');
      if (key === name) return p.initializer;
    }
    return undefined;
  }

  function numberValues(e: ts.Expression | undefined): number[] {
    if (!e) return [];
    if (ts.isNumericLiteral(e)) return [Number(e.text)];
    if (ts.isConditionalExpression(e)) return [...numberValues(e.whenTrue), ...numberValues(e.whenFalse)];
    if (ts.isParenthesizedExpression(e)) return numberValues(e.expression);
    return [];
  }

  function symbolOf(e: ts.Node): ts.Symbol | undefined {
    let s = checker.getSymbolAtLocation(e);
    if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
    return s;
  }

  function factoryOf(e: ts.Node): Factory | undefined {
    const decl = factoryDecl(e);
    return decl ? factories.get(decl) : undefined;
  }

  /** The factory an expression names, through aliases such as `export const forbidden = CommonErrors.forbidden`. */
  function factoryDecl(e: ts.Node, depth = 0): ts.Node | undefined {
    const decl = symbolOf(e)?.valueDeclaration;
    if (!decl || depth > 5) return undefined;
    if (factories.has(decl)) return decl;
    if (
      ts.isVariableDeclaration(decl) &&
      decl.initializer &&
      (ts.isPropertyAccessExpression(decl.initializer) || ts.isIdentifier(decl.initializer))
    ) {
      return factoryDecl(decl.initializer, depth + 1);
    }
    return undefined;
  }

  // factories that call other factories
  for (const [decl, f] of factories) {
    decl.forEachChild(function walk(c) {
      if (ts.isCallExpression(c)) {
        const target = factoryDecl(c.expression);
        if (target && target !== decl) f.delegates.add(target);
      }
      c.forEachChild(walk);
    });
  }

  // ---------------------------------------------------------------- call graph
  /** Implementations of each interface method: `IdentityProvider.exchange` → the classes' `exchange`. */
  const implementations = new Map<ts.Symbol, ts.Node[]>();
  for (const file of sources) {
    file.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node)) {
        for (const clause of node.heritageClauses ?? []) {
          for (const t of clause.types) {
            const iface = symbolOf(t.expression);
            if (!iface?.members) continue;
            iface.members.forEach((member, name) => {
              const impl = node.members.find((m) => m.name && ts.isIdentifier(m.name) && m.name.text === String(name));
              if (!impl) return;
              const list = implementations.get(member) ?? [];
              list.push(impl);
              implementations.set(member, list);
            });
          }
        }
      }
      node.forEachChild(visit);
    });
  }

  /** For each function-like node: the factories it references and the function-like nodes it calls. */
  const edges = new Map<ts.Node, Edges>();
  interface Edges {
    factories: Set<ts.Node>;
    calls: Set<ts.Node>;
    /** Codes of AppErrors constructed in the body itself. */
    inline: Set<string>;
  }

  function isOurs(n: ts.Node): boolean {
    return ours(n.getSourceFile());
  }

  function bodyEdges(fn: ts.Node): Edges {
    let e = edges.get(fn);
    if (e) return e;
    e = { factories: new Set(), calls: new Set(), inline: new Set() };
    edges.set(fn, e);
    const add = (target: ts.Node | undefined): void => {
      if (!target || !isOurs(target)) return;
      if (factories.has(target)) e!.factories.add(target);
      else if (isFunctionLike(target)) e!.calls.add(target);
      else if (ts.isPropertyDeclaration(target) || ts.isVariableDeclaration(target) || ts.isPropertyAssignment(target)) {
        const init = target.initializer;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) e!.calls.add(init);
      } else if (ts.isClassDeclaration(target)) {
        const ctor = target.members.find(ts.isConstructorDeclaration);
        if (ctor) e!.calls.add(ctor);
      }
    };
    const walk = (c: ts.Node): void => {
      // a factory named anywhere in the body (`throw X.y()`, `X.y().code`, `notFound('Урок')`)
      if (ts.isPropertyAccessExpression(c) || ts.isIdentifier(c)) {
        const decl = factoryDecl(c);
        if (decl) e!.factories.add(decl);
        // a module-level constant built from code that can throw, used by name: `@Param('id', ParseId)`
        const v = symbolOf(c)?.valueDeclaration;
        if (!decl && v && ts.isVariableDeclaration(v) && v.initializer && isOurs(v) && ts.isSourceFile(v.parent.parent.parent)) {
          if (ts.isNewExpression(v.initializer) || ts.isCallExpression(v.initializer)) e!.calls.add(v.initializer);
        }
      }
      // an AppError built in place rather than by a factory
      if (ts.isNewExpression(c) && c.expression.getText() === 'AppError') {
        for (const v of stringValues(c.arguments?.[0], fn)) e!.inline.add(v);
      }
      if (ts.isCallExpression(c) || ts.isNewExpression(c)) {
        const sym = symbolOf(c.expression);
        for (const d of sym?.declarations ?? []) {
          if (ts.isMethodSignature(d) || ts.isPropertySignature(d)) {
            // `super.canActivate()` of a library base class (AuthGuard) is that class, not every CanActivate of ours
            if (ts.isPropertyAccessExpression(c.expression) && c.expression.expression.kind === ts.SyntaxKind.SuperKeyword) continue;
            const member = checker.getSymbolAtLocation(d.name) ?? sym;
            for (const impl of (member && implementations.get(member)) ?? []) add(impl);
          } else add(d);
        }
      }
      // arrows defined inside run in the same request (callbacks, transactions)
      c.forEachChild(walk);
    };
    fn.forEachChild(walk);
    return e;
  }

  function isFunctionLike(n: ts.Node): boolean {
    return (
      ts.isMethodDeclaration(n) ||
      ts.isFunctionDeclaration(n) ||
      ts.isConstructorDeclaration(n) ||
      ts.isArrowFunction(n) ||
      ts.isFunctionExpression(n) ||
      ts.isGetAccessorDeclaration(n)
    );
  }

  // ---------------------------------------------------------------- passport
  // A guard built on `AuthGuard('<name>')` reaches, through passport, the `validate` of the strategy built on
  // `PassportStrategy(Strategy, '<name>')`: an edge the call graph cannot see.
  const strategyValidate = new Map<string, ts.Node>();
  const guardStrategy = new Map<ts.ClassDeclaration, string>();
  for (const file of sources) {
    file.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node)) {
        for (const t of (node.heritageClauses ?? []).flatMap((c) => [...c.types])) {
          if (!ts.isCallExpression(t.expression)) continue;
          const callee = t.expression.expression.getText();
          const [first, second] = t.expression.arguments;
          if (callee === 'PassportStrategy') {
            const validate = node.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'validate');
            const name = stringValues(second, node)[0];
            if (validate && name) strategyValidate.set(name, validate);
            else problems.push(`${rel(file.fileName)}: a passport strategy without a name or a validate method`);
          } else if (callee === 'AuthGuard') {
            const name = stringValues(first, node)[0];
            if (name) guardStrategy.set(node, name);
            else problems.push(`${rel(file.fileName)}: AuthGuard() without a strategy name`);
          }
        }
      }
      node.forEachChild(visit);
    });
  }
  for (const [guard, name] of guardStrategy) {
    if (!strategyValidate.has(name)) problems.push(`${guard.name?.text ?? 'a guard'}: no PassportStrategy named '${name}'`);
  }

  /**
   * Where a guard's codes come from: its own methods, and the strategy's validate for a passport guard — unless the
   * guard's doc comment says `@passportRedirectOnly` (an OAuth2 start: passport redirects, validate runs on the callback).
   */
  function guardEntryPoints(guard: ts.ClassDeclaration): ts.Node[] {
    const own = guard.members.filter((m) => ts.isMethodDeclaration(m) && ['canActivate', 'handleRequest'].includes(m.name.getText()));
    const redirectOnly = ts.getJSDocTags(guard).some((tag) => tag.tagName.text === 'passportRedirectOnly');
    const name = redirectOnly ? undefined : guardStrategy.get(guard);
    const validate = name === undefined ? undefined : strategyValidate.get(name);
    return validate ? [...own, validate] : own;
  }

  /** The guards of `@UseGuards(A, B)` on a route or its controller. */
  function routeGuards(n: ts.Node): ts.ClassDeclaration[] {
    const out: ts.ClassDeclaration[] = [];
    for (const d of ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : []) {
      if (!ts.isCallExpression(d.expression) || d.expression.expression.getText() !== 'UseGuards') continue;
      for (const a of d.expression.arguments) {
        const decl = symbolOf(a)?.valueDeclaration;
        if (decl && ts.isClassDeclaration(decl) && isOurs(decl)) out.push(decl);
      }
    }
    return out;
  }

  function reachableCodes(...starts: ts.Node[]): Set<string> {
    const seen = new Set<ts.Node>();
    const found = new Set<ts.Node>();
    const codes = new Set<string>();
    const stack = [...starts];
    while (stack.length > 0) {
      const fn = stack.pop()!;
      if (seen.has(fn)) continue;
      seen.add(fn);
      const e = bodyEdges(fn);
      for (const f of e.factories) found.add(f);
      for (const c of e.inline) codes.add(c);
      for (const c of e.calls) stack.push(c);
    }
    // delegation between factories
    const done = new Set<Factory>();
    const fstack = [...found];
    while (fstack.length > 0) {
      const f = factories.get(fstack.pop()!)!;
      if (done.has(f)) continue;
      done.add(f);
      for (const c of f.codes) codes.add(c);
      for (const x of f.delegates) fstack.push(x);
    }
    return codes;
  }

  // ---------------------------------------------------------------- routes
  const routes: RouteErrors[] = [];
  const decoratorNames = (n: ts.Node): string[] =>
    (ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : []).map((d) =>
      ts.isCallExpression(d.expression) ? d.expression.expression.getText() : d.expression.getText(),
    );
  for (const file of sources) {
    file.forEachChild(function visit(node) {
      if (ts.isClassDeclaration(node) && node.name && decoratorNames(node).includes('Controller')) {
        const classDecorators = decoratorNames(node);
        for (const m of node.members) {
          if (!ts.isMethodDeclaration(m) || !ts.isIdentifier(m.name)) continue;
          const decorators = decoratorNames(m);
          if (!decorators.some((d) => HTTP_DECORATORS.has(d))) continue;
          const codes = reachableCodes(m, ...[...routeGuards(node), ...routeGuards(m)].flatMap(guardEntryPoints));
          routes.push({
            handler: `${node.name.text}.${m.name.text}`,
            codes: [...codes].sort(),
            isPublic: decorators.includes('Public') || classDecorators.includes('Public'),
            hasRoles: decorators.includes('Roles') || classDecorators.includes('Roles'),
          });
        }
      }
    });
  }

  const globals = { authenticated: [] as string[], roles: [] as string[] };
  for (const [kind, name] of Object.entries(GLOBAL_GUARDS) as Array<[keyof typeof globals, string]>) {
    let found: ts.ClassDeclaration | undefined;
    for (const file of sources) {
      file.forEachChild((node) => {
        if (ts.isClassDeclaration(node) && node.name?.text === name) found = node;
      });
    }
    const starts = found ? guardEntryPoints(found) : [];
    if (starts.length === 0) problems.push(`global guard ${name} not found, or without canActivate`);
    else globals[kind] = [...reachableCodes(...starts)].sort();
  }

  // ---------------------------------------------------------------- catalogue
  const byCode = new Map<string, CatalogueEntry>();
  for (const f of factories.values()) {
    for (const code of f.codes) {
      const entry = byCode.get(code) ?? { code, statuses: [], messages: [], when: '', factories: [], module: moduleOf(f.file) };
      entry.statuses = [...new Set([...entry.statuses, ...f.statuses])].sort();
      entry.messages = [...new Set([...entry.messages, ...f.messages])];
      entry.factories.push(f.name);
      if (f.when && !entry.when.includes(f.when)) entry.when = entry.when ? `${entry.when} ${f.when}` : f.when;
      byCode.set(code, entry);
    }
  }
  function moduleOf(file: string): string {
    const r = rel(file);
    const m = /^src\/modules\/([^/]+)\//.exec(r);
    return m ? m[1] : dirname(r).replace(/^src\//, '');
  }
  const catalogue = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  for (const r of routes) {
    for (const c of r.codes) if (!byCode.has(c)) problems.push(`${r.handler}: code ${c} is built in place, not by an error factory`);
  }
  for (const e of catalogue) e.factories.sort();
  routes.sort((a, b) => a.handler.localeCompare(b.handler));
  const factoryList = [...factories.values()]
    .map((f) => ({ name: f.name, file: rel(f.file), codes: [...f.codes].sort(), when: f.when }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
  return { catalogue, factories: factoryList, routes, globals, problems };
}
