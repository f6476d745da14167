// Generates libs/proto/src/generated from libs/proto/proto with buf and ts-proto,
// both installed from the npm registry, so a fresh clone needs nothing else.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const protoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'proto');
const buf = join(protoRoot, '..', '..', 'node_modules', '.bin', 'buf');

rmSync(join(protoRoot, 'src', 'generated'), { recursive: true, force: true });
execFileSync(buf, ['lint'], { cwd: protoRoot, stdio: 'inherit' });
execFileSync(buf, ['generate'], { cwd: protoRoot, stdio: 'inherit' });
