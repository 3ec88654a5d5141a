/**
 * Lets a child `node` process run the TypeScript sources (`node -r ./test/utils/ts-register.js src/main.ts`),
 * compiled on load with the same swc settings jest uses (package.json "jest"). For tests that need the real
 * process model (node:cluster, signals) without a build. Packages in node_modules load as published.
 */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
const { jest } = require('../../package.json');

const swc = jest.transform['^.+\\.(t|j)s$'][1];

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...swc, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};
