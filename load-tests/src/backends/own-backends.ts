import { ensureDatabase } from '@coming/database';
import { findFreePorts } from '@coming/testing';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendProcess } from './backend-process';

/**
 * NATS (with JetStream), Redis and PostgreSQL that belong to this run alone, on free
 * loopback ports, in a temporary folder: a run can kill and restart them without
 * disturbing anyone else's, and their CPU time is the run's own.
 */
export interface OwnBackends {
  nats: BackendProcess;
  redis: BackendProcess;
  postgres: BackendProcess;
  natsUrl: string;
  redisUrl: string;
  databaseUrl: string;
  /** Logs of these and of the services go here. */
  dir: string;
  pids(): number[];
  /** Crash-stops PostgreSQL (immediate shutdown, recovery at start) and starts it again. */
  restartPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnBackends(label: string): Promise<OwnBackends> {
  const dir = await mkdtemp(join(tmpdir(), `coming-${label}-`));
  const base = await findFreePorts(3);
  const [natsPort, redisPort, postgresPort] = [base, base + 1, base + 2];
  const nats = new BackendProcess({
    name: 'nats-server',
    command: 'nats-server',
    args: ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', join(dir, 'jetstream')],
    port: natsPort,
    logFile: join(dir, 'nats.log'),
  });
  const redis = new BackendProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', dir],
    port: redisPort,
    logFile: join(dir, 'redis.log'),
  });
  const postgres = await postgresCluster(join(dir, 'pg'), postgresPort, join(dir, 'postgres.log'));
  const databaseUrl = `postgres://postgres@127.0.0.1:${postgresPort}/coming`;
  const all = [nats, redis, postgres];
  const stop = async () => {
    await Promise.all(all.map((backend) => backend.stop('SIGINT')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([nats.start(), redis.start(), postgres.start()]);
    await untilPostgresAnswers(databaseUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nats,
    redis,
    postgres,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    databaseUrl,
    dir,
    pids: () => all.map((backend) => backend.pid).filter((pid): pid is number => pid !== undefined),
    restartPostgres: async () => {
      await postgres.restart('SIGQUIT');
      await untilPostgresAnswers(databaseUrl);
    },
    stop,
  };
}

/** A fresh cluster made with initdb; as root, it belongs to the postgres user, since PostgreSQL refuses to run as root. */
async function postgresCluster(dataDir: string, port: number, logFile: string): Promise<BackendProcess> {
  const bin = postgresBinaries();
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  await mkdir(dataDir, { recursive: true });
  if (owner !== undefined) {
    chownSync(join(dataDir, '..'), owner.uid, owner.gid);
    chownSync(dataDir, owner.uid, owner.gid);
  }
  const asOwner = owner === undefined ? {} : { uid: owner.uid, gid: owner.gid };
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    ...asOwner,
    stdio: 'ignore',
  });
  return new BackendProcess({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    port,
    logFile,
    spawnOptions: asOwner,
  });
}

function postgresBinaries(): string {
  const fromEnv = process.env['POSTGRES_BIN'];
  if (fromEnv !== undefined) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
  if (found === undefined) throw new Error(`no PostgreSQL binaries under ${root}; set POSTGRES_BIN to the folder holding initdb`);
  return found;
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((each) => each.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`running as root, PostgreSQL needs a "${name}" user to own its cluster`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function untilPostgresAnswers(databaseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await ensureDatabase(databaseUrl);
      return;
    } catch (error) {
      // Still starting or recovering; anything else shows once the deadline passes.
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}
