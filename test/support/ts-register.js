// Lets a test start services in a child process straight from the TypeScript sources (no build):
// transpile-only with the repository's compiler options (decorator metadata for Nest's injection),
// and the @kyso/* path aliases of tsconfig.json resolved to libs/*/src. Transpiled files are cached
// in the temp dir by content, so the second service to start (or the next run) starts much faster.
const ts = require('typescript');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '../..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, noEmit: false };
const cacheDir = path.join(os.tmpdir(), 'kyso-ts-register-cache');
const salt = `${ts.version}:${JSON.stringify(compilerOptions)}`;

function transpile(file) {
  const source = fs.readFileSync(file, 'utf8');
  const key = crypto.createHash('sha256').update(salt).update(file).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const out = ts.transpileModule(source, { compilerOptions, fileName: file }).outputText;
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: two services starting at once never read half a file.
    const tmp = `${cached}.${process.pid}`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
    return out;
  }
}

require.extensions['.ts'] = (m, file) => m._compile(transpile(file), file);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@kyso\/(pki|keystore|common|contracts)(\/.*)?$/.exec(request);
  if (alias) request = path.join(root, 'libs', alias[1], 'src', alias[2] ?? '');
  return resolve.call(this, request, ...rest);
};
