// Child process for the crash test: writes domains one transaction at a time and prints the index
// of each write only after its commit returned (an "acknowledged" write).
import { openStore } from '../../control-plane/store/store.ts';
import type { Hostname } from '../../control-plane/types.ts';

const [path, startArg] = process.argv.slice(2);
const store = openStore(path!);
let i = Number(startArg);
for (;;) {
  const hostname = `d${i}.crash.example.com` as Hostname;
  if (i % 3 === 0) store.domains.bulkPut([{ hostname, hostnameUnicode: hostname, metadata: { i } }], 'crash');
  else store.domains.create({ hostname, hostnameUnicode: hostname, upstream: i % 2 ? 'blue' : null }, 'crash');
  process.stdout.write(`${i}\n`);
  i++;
}
