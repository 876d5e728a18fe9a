/**
 * The transfers' floor, run in a process of its own by bench/files.ts: a bare Node HTTP server
 * that reads an upload's body and drops it, and serves one file with `createReadStream().pipe()`.
 * What loopback HTTP through Node costs on this machine, with nothing of ours in the way. It
 * prints its port; it ends when its stdin closes.
 */
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2]!;
const server = createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => res.end('{}'));
    return;
  }
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(`port ${typeof a === 'object' && a ? a.port : 0}`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
