// Lets `npm run docs:authz` run readme.ts directly (no ts-node here): transpile-only, CommonJS.
// readme.ts and matrix.ts import only types from other modules, so no path aliases are needed.
const ts = require('typescript');
const fs = require('node:fs');
require.extensions['.ts'] = (m, file) =>
  m._compile(
    ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText,
    file,
  );
