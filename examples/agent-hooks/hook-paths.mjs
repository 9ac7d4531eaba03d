// The paths a coding agent's tool call is about to write, relative to the repository root (the
// names the agents lease), one a line, for leasehold-hook.sh. The hook's JSON arrives on stdin:
//
//   node hook-paths.mjs <root> edit   the file an Edit, MultiEdit, Write or NotebookEdit names
//   node hook-paths.mjs <root> bash   the paths a Bash command visibly writes: redirections
//                                     (> >> &> >|), tee, touch, truncate, rm, mv, cp / ln /
//                                     install (the destination), chmod, sed -i, perl -i, dd of=,
//                                     git rm / mv / restore / checkout -- paths, prettier --write,
//                                     eslint --fix; after a `cd` in the same command, from there
//
// A path outside the root, or inside its .git, is nobody's lease and is left out. A word the shell
// would expand ($VAR, $(...), a glob, ~) names no path that can be seen, and is left out too: the
// README of this example lists what this cannot see.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Directories climbed at most looking for the part of a path that exists. */
const PATH_DEPTH_MAX = 256;
/** Longest command read (longer commands are read up to this many characters). */
const COMMAND_LENGTH_MAX = 1_000_000;

const [root = '.', mode = ''] = process.argv.slice(2);
const input = JSON.parse(readFileSync(0, 'utf8') || '{}');
const tool = input.tool_input ?? {};
const start = typeof input.cwd === 'string' ? input.cwd : process.cwd();
const top = realpathSync(root);

/** `path` (from `base`) relative to the root with forward slashes, or null outside it. */
function leased(path, base) {
  const full = real(resolve(base, path));
  const rel = relative(top, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  const parts = rel.split(sep);
  return parts[0] === '.git' ? null : parts.join('/');
}

/** The real path of the part of `path` that exists, with the rest (a new file) after it. */
function real(path) {
  let head = path;
  const tail = [];
  for (let depth = 0; depth < PATH_DEPTH_MAX && !existsSync(head); depth++) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  return existsSync(head) ? join(realpathSync(head), ...tail) : path;
}

/**
 * The tokens of a shell command: words ({ word, literal }: literal when the shell would not
 * expand it), operators ({ op }) and redirections ({ redirect }). Here-document bodies are
 * skipped: they are text, not commands.
 */
function tokens(command) {
  const out = [];
  const heredocs = [];
  let i = 0;
  const n = Math.min(command.length, COMMAND_LENGTH_MAX);
  while (i < n) {
    const c = command[i];
    if (c === ' ' || c === '\t' || (c === '\\' && command[i + 1] === '\n')) {
      i += c === '\\' ? 2 : 1;
    } else if (c === '#') {
      while (i < n && command[i] !== '\n') i++;
    } else if (c === '\n') {
      out.push({ op: '\n' });
      i++;
      for (const { delimiter, tabs } of heredocs.splice(0)) {
        while (i < n) {
          const end = command.indexOf('\n', i) === -1 ? n : command.indexOf('\n', i);
          const line = command.slice(i, end);
          i = end + 1;
          if ((tabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
        }
      }
    } else {
      const redirect = /^\d*(&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(command.slice(i, i + 8));
      if (redirect !== null) {
        out.push({ redirect: redirect[1] });
        i += redirect[0].length;
      } else if (['&&', '||', ';;'].includes(command.slice(i, i + 2))) {
        out.push({ op: command.slice(i, i + 2) });
        i += 2;
      } else if ('|&;()'.includes(c)) {
        out.push({ op: c });
        i++;
      } else {
        const [word, next] = readWord(command, i, n);
        out.push(word);
        i = next;
      }
      const last = out.at(-1);
      const previous = out.at(-2);
      if (last?.word !== undefined && (previous?.redirect === '<<' || previous?.redirect === '<<-'))
        heredocs.push({ delimiter: last.word, tabs: previous.redirect === '<<-' });
    }
  }
  return out;
}

/** One word from `i`: its text without quotes, and whether the shell would leave it as it is. */
function readWord(command, i, n) {
  let text = '';
  let literal = true;
  while (i < n && !/[\s|&;()<>]/.test(command[i])) {
    const c = command[i];
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      text += command.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
    } else if (c === '"') {
      i++;
      while (i < n && command[i] !== '"') {
        if (command[i] === '\\' && i + 1 < n) i++;
        else if (command[i] === '$' || command[i] === '`') literal = false;
        text += command[i];
        i++;
      }
      i++;
    } else if (c === '\\') {
      text += command[i + 1] ?? '';
      i += 2;
    } else {
      if ('$`*?[{'.includes(c) || (c === '~' && text === '')) literal = false;
      text += c;
      i++;
    }
  }
  return [{ word: text, literal }, i];
}

/** Words that start a command without being it: `sudo rm x` removes x. */
const PREFIXES = new Set(['sudo', 'env', 'command', 'builtin', 'exec', 'nice', 'nohup', 'time']);
const KEYWORDS = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
/** Options that take the next word as their value, per command (the rest take none). */
const VALUED = {
  sed: ['-e', '-f', '-l', '--expression', '--file'],
  perl: ['-e', '-E', '-I', '-M'],
  ruby: ['-e', '-I', '-r'],
  touch: ['-d', '-t', '-r'],
  truncate: ['-s', '-r', '--size', '--reference'],
  cp: ['-t', '--target-directory', '-S'],
  mv: ['-t', '--target-directory', '-S'],
  ln: ['-t', '--target-directory', '-S'],
  install: ['-t', '--target-directory', '-m', '-o', '-g', '-S'],
  tee: [],
};

/** The operands of `argv` (options and their values left out), and the values of `-t`. */
function operands(name, argv) {
  const valued = VALUED[name] ?? [];
  const found = { operands: [], options: [], target: null };
  let onlyOperands = false;
  for (let i = 0; i < argv.length; i++) {
    const { word } = argv[i];
    if (onlyOperands || !word.startsWith('-') || word === '-') found.operands.push(argv[i]);
    else if (word === '--') onlyOperands = true;
    else {
      found.options.push(word);
      if (valued.includes(word)) {
        if (word === '-t' || word === '--target-directory') found.target = argv[i + 1] ?? null;
        if (word === '-e' || word === '--expression' || word === '-f') found.script = true;
        i++;
      } else if (word.startsWith('--target-directory=')) {
        const value = word.slice('--target-directory='.length);
        found.target = { word: value, literal: argv[i].literal };
      } else if (/^-[a-zA-Z]*e$/.test(word) && (name === 'perl' || name === 'ruby')) {
        found.script = true;
        i++;
      } else if (/^--(expression|file)=/.test(word)) found.script = true;
    }
  }
  return found;
}

/** What one simple command writes: [{ word, literal, creates }], from `cwd`. */
function commandWrites(argv, cwd) {
  let at = 0;
  while (at < argv.length && (/^[A-Za-z_]\w*=/.test(argv[at].word) || KEYWORDS.has(argv[at].word)))
    at++;
  while (at < argv.length && PREFIXES.has(argv[at].word)) {
    at++;
    while (at < argv.length && /^-|^[A-Za-z_]\w*=/.test(argv[at].word)) at++;
  }
  if (argv[at]?.word === 'npx') {
    at++;
    while (at < argv.length && argv[at].word.startsWith('-')) at++;
  }
  const name = basename(argv[at]?.word ?? '');
  const args = argv.slice(at + 1);
  const { operands: ops, options, target, script } = operands(name, args);
  const existing = (list) => list.map((w) => ({ ...w, creates: false }));
  const created = (list) => list.map((w) => ({ ...w, creates: true }));
  const into = (dir, sources) =>
    sources.map((s) => ({
      word: join(dir.word, basename(s.word)),
      literal: dir.literal && s.literal,
      creates: true,
    }));
  const isDir = (w) =>
    w.literal && existsSync(resolve(cwd, w.word)) && statSync(resolve(cwd, w.word)).isDirectory();
  switch (name) {
    case 'tee':
    case 'touch':
    case 'truncate':
      return created(ops);
    case 'rm':
    case 'rmdir':
    case 'unlink':
    case 'shred':
      return existing(ops);
    case 'chmod':
    case 'chown':
    case 'chgrp':
      return existing(ops.slice(1));
    case 'mv':
    case 'cp':
    case 'ln':
    case 'install': {
      const dest = target ?? ops.at(-1);
      const sources = target === null ? ops.slice(0, -1) : ops;
      if (dest === undefined) return [];
      const written = isDir(dest) ? into(dest, sources) : created([dest]);
      return name === 'mv' ? [...written, ...existing(sources)] : written;
    }
    case 'sed':
      if (!options.some((o) => /^-[a-zA-Z]*i|^--in-place/.test(o))) return [];
      return existing(script === true ? ops : ops.slice(1));
    case 'perl':
    case 'ruby':
      // -i alone or in a cluster of flags (-pi, -0777 -i.bak); not inside -Mstrict.
      if (!options.some((o) => /^-[a-z0-9]*i/.test(o))) return [];
      return existing(script === true ? ops : ops.slice(1));
    case 'dd':
      return created(
        ops.filter((w) => w.word.startsWith('of=')).map((w) => ({ ...w, word: w.word.slice(3) })),
      );
    case 'git': {
      const sub = ops[0]?.word;
      const rest = args.slice(args.indexOf(ops[0]) + 1);
      const after = rest.findIndex((w) => w.word === '--');
      if (sub === 'rm' || sub === 'mv') return existing(operands('git', rest).operands);
      if (sub === 'restore') return existing(operands('git', rest).operands);
      if (sub === 'checkout' && after !== -1) return existing(rest.slice(after + 1));
      return [];
    }
    case 'prettier':
      return options.some((o) => o === '--write' || o === '-w') ? existing(ops) : [];
    case 'eslint':
      return options.includes('--fix') ? existing(ops) : [];
    default:
      return [];
  }
}

/** Every path the command visibly writes, leased names, sorted, each once. */
function shellWrites(command) {
  const paths = new Set();
  let cwd = start;
  let argv = [];
  let redirect = null;
  const add = ({ word, literal, creates }, from) => {
    if (!literal || word === '') return;
    if (!creates && !existsSync(resolve(from, word))) return;
    const path = leased(word, from);
    if (path !== null) paths.add(path);
  };
  const end = () => {
    for (const write of commandWrites(argv, cwd)) add(write, cwd);
    if (argv[0]?.word === 'cd' && argv[1]?.literal === true) cwd = resolve(cwd, argv[1].word);
    argv = [];
  };
  for (const token of tokens(command)) {
    if (token.op !== undefined) end();
    else if (token.redirect !== undefined) redirect = token.redirect;
    else if (redirect !== null) {
      const writes = ['>', '>>', '>|', '&>', '&>>', '<>'].includes(redirect);
      const toFile = redirect === '>&' && !/^(\d+|-)$/.test(token.word);
      if (writes || toFile) add({ ...token, creates: true }, cwd);
      redirect = null;
    } else argv.push(token);
  }
  end();
  return [...paths].sort();
}

if (mode === 'edit') {
  const file = tool.file_path ?? tool.notebook_path;
  const path = typeof file === 'string' && file !== '' ? leased(file, start) : null;
  if (path !== null) process.stdout.write(`${path}\n`);
} else if (mode === 'bash') {
  const command = typeof tool.command === 'string' ? tool.command : '';
  for (const path of shellWrites(command)) process.stdout.write(`${path}\n`);
} else {
  console.error('usage: node hook-paths.mjs <root> edit|bash < hook-input.json');
  process.exit(64);
}
