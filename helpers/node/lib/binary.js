// Finding the auth0-mock binary the way a user would set it up, most explicit first.

import fs from 'node:fs';
import path from 'node:path';

const NAME = 'auth0-mock';

// Windows resolves a bare name through PATHEXT; elsewhere the name is the file.
function candidates(dir, env) {
  if (process.platform !== 'win32') return [path.join(dir, NAME)];
  const exts = (env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
  return [path.join(dir, NAME), ...exts.map((e) => path.join(dir, NAME + e.toLowerCase()))];
}

function isExecutable(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(env) {
  const dirs = (env.PATH || '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const file of candidates(dir, env)) {
      if (isExecutable(file)) return { file, dirs };
    }
  }
  return { file: null, dirs };
}

function findCommand(name, env) {
  const dirs = (env.PATH || '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const exts = process.platform === 'win32' ? ['', '.exe', '.cmd'] : [''];
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

// Only the [package] table counts: a workspace member or a dependency named auth0-mock must not
// make an unrelated project look like a checkout.
export function isAuth0MockCargoToml(text) {
  const pkg = /^\s*\[package\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(text);
  return !!pkg && /^\s*name\s*=\s*["']auth0-mock["']\s*(#.*)?$/m.test(pkg[1]);
}

/** The nearest directory at or above `from` holding auth0-mock's own Cargo.toml, or null. */
export function findCheckout(from) {
  let dir = path.resolve(from);
  for (;;) {
    const manifest = path.join(dir, 'Cargo.toml');
    try {
      if (isAuth0MockCargoToml(fs.readFileSync(manifest, 'utf8'))) return dir;
    } catch {
      // No manifest here (or unreadable): keep climbing.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

// An explicit setting that points nowhere is a mistake to report, not a reason to fall back to
// some other binary the user did not ask for.
function explicit(value, source, label, cwd, env) {
  const looksLikePath = value.includes('/') || value.includes('\\') || path.isAbsolute(value);
  const file = looksLikePath ? path.resolve(cwd, value) : findCommand(value, env);
  if (!file || !isExecutable(file)) {
    throw new Error(
      `auth0-mock: ${label} is ${JSON.stringify(value)}, which is not an executable file` +
        (looksLikePath ? '' : ' on PATH'),
    );
  }
  return { command: file, args: [], cwd: undefined, source, description: `${file} (${label})` };
}

/**
 * Which command starts the mock: option `binary`, then `AUTH0_MOCK_BIN`, then `auth0-mock` on
 * PATH, then `cargo run --release` in a checkout of auth0-mock at or above `cwd`.
 *
 * @param {{binary?: string, env?: NodeJS.ProcessEnv, cwd?: string}} [options]
 */
export function findBinary(options = {}) {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();

  if (options.binary) return explicit(options.binary, 'option', 'the `binary` option', cwd, env);
  if (env.AUTH0_MOCK_BIN) return explicit(env.AUTH0_MOCK_BIN, 'env', 'AUTH0_MOCK_BIN', cwd, env);

  const found = onPath(env);
  if (found.file) {
    return { command: found.file, args: [], cwd: undefined, source: 'path', description: `${found.file} (on PATH)` };
  }

  const checkout = findCheckout(cwd);
  const cargo = checkout ? findCommand('cargo', env) : null;
  if (checkout && cargo) {
    return {
      command: cargo,
      args: ['run', '--release', '--bin', NAME, '--'],
      cwd: checkout,
      source: 'cargo',
      description: `cargo run --release --bin ${NAME} -- (in the checkout ${checkout})`,
    };
  }

  const fourth = checkout
    ? `found the checkout ${checkout}, but no \`cargo\` on PATH`
    : `no Cargo.toml with name = "${NAME}" in ${cwd} or a parent`;
  throw new Error(
    [
      `auth0-mock: cannot find the ${NAME} binary. Looked, in this order, for:`,
      `  1. the \`binary\` option of startMock() — not given`,
      `  2. the AUTH0_MOCK_BIN environment variable — not set`,
      `  3. \`${NAME}\` on PATH — not in any of its ${found.dirs.length} directories`,
      `  4. a checkout of ${NAME}, to \`cargo run --release --bin ${NAME} --\` — ${fourth}`,
      `Install it (\`cargo install --path <checkout>\`), set AUTH0_MOCK_BIN=/path/to/${NAME},`,
      `or set AUTH0_MOCK_URL to use a mock that is already running.`,
    ].join('\n'),
  );
}
