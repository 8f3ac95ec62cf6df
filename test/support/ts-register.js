// Lets a test start services in a child process straight from the TypeScript sources (no build):
// transpile-only with the repository's compiler options (decorator metadata for Nest's injection),
// and the @kyso/* path aliases of tsconfig.json resolved to libs/*/src.
const ts = require('typescript');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '../..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, noEmit: false };

require.extensions['.ts'] = (m, file) =>
  m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText, file);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@kyso\/(pki|keystore|common|contracts)(\/.*)?$/.exec(request);
  if (alias) request = path.join(root, 'libs', alias[1], 'src', alias[2] ?? '');
  return resolve.call(this, request, ...rest);
};
