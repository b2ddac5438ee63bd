// What /proc says about another process, for `wrapt-hooks attach` (Linux): whether it exists and
// is ours, whether it is Node.js, how it handles SIGUSR1, and which TCP ports it listens on.
// Everything read here belongs to another process: parsed defensively, never trusted further.
import fs = require('node:fs');
import path = require('node:path');

/** Why `pid` cannot be attached to (no such process, another user's), or undefined. */
export function unreachable(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return `no process with pid ${pid}`;
    if (code === 'EPERM') return `process ${pid} belongs to another user; attach only reaches your own processes`;
    return `cannot signal process ${pid} (${code ?? String(error)})`;
  }
  const uid = statusField(pid, 'Uid');
  const own = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && own !== undefined && Number(uid.split(/\s+/)[0]) !== own)
    return `process ${pid} belongs to another user (uid ${uid.split(/\s+/)[0]})`;
  return undefined;
}

/** A field of /proc/<pid>/status ("Uid", "SigCgt"), or undefined. */
export function statusField(pid: number, field: string): string | undefined {
  const text = read(`/proc/${pid}/status`);
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) if (line.startsWith(`${field}:`)) return line.slice(field.length + 1).trim();
  return undefined;
}

/** The executable, the arguments and NODE_OPTIONS of `pid`, as far as they can be read. */
export function commandOf(pid: number): { exe: string | undefined; argv: string[]; nodeOptions: string } {
  let exe: string | undefined;
  try {
    exe = fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    exe = undefined;
  }
  const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((arg) => arg !== '');
  const environ = (read(`/proc/${pid}/environ`) ?? '').split('\0');
  const nodeOptions = environ.find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
  return { exe, argv, nodeOptions };
}

/** Is `exe` (or, when unreadable, argv[0]) a Node.js binary? */
export function isNode(command: { exe: string | undefined; argv: string[] }): boolean {
  const name = path.basename(command.exe ?? command.argv[0] ?? '').replace(/ \(deleted\)$/, '');
  return /^(node|nodejs)(\d+(\.\d+)*)?$/.test(name);
}

/** Does `pid` catch SIGUSR1 (SigCgt bit 10)? Undefined when /proc cannot tell. */
export function catchesSigusr1(pid: number): boolean | undefined {
  const mask = statusField(pid, 'SigCgt');
  if (mask === undefined || !/^[0-9a-f]+$/i.test(mask)) return undefined;
  return (BigInt(`0x${mask}`) & (1n << 9n)) !== 0n;
}

/** The loopback TCP ports `pid` listens on (its sockets matched with /proc/<pid>/net/tcp and tcp6). */
export function listeningPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    for (const line of (read(`/proc/${pid}/net/${table}`) ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
      const [address, port] = fields[1]!.split(':');
      if (address === undefined || port === undefined || !isLoopback(address)) continue;
      ports.add(parseInt(port, 16));
    }
  }
  return ports;
}

/** 127.0.0.0/8 or ::1 (or ::ffff:127.x) as /proc writes them (hex, little-endian words). */
function isLoopback(hex: string): boolean {
  if (hex.length === 8) return hex.endsWith('7F');
  if (hex.length === 32) return hex === '00000000000000000000000001000000' || (hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F'));
  return false;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
