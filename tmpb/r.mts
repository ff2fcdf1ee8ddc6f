import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
const v = deserialize(readFileSync('/tmp/reply.bin'));
console.dir(v, { depth: 6 });
const { port1, port2 } = new MessageChannel();
for (let r = 0; r < 4; r++) {
  let t = performance.now();
  for (let i = 0; i < 2000; i++) { port1.postMessage({ id: i, ok: true, value: { execution: v, ranAhead: true } }); receiveMessageOnPort(port2); }
  const a = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < 2000; i++) { port1.postMessage({ id: i, ok: true, value: 1 }); receiveMessageOnPort(port2); }
  console.log('per post+receive us', (a / 2000 * 1000).toFixed(1), 'empty', ((performance.now() - t) / 2000 * 1000).toFixed(1));
}
port1.close();
