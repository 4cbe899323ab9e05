import { loadConfig } from './config.ts';
import { startDaemon } from './daemon.ts';
import { createLogger } from './log.ts';

/** Entry point: parse config (exit 2 on any problem), start, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const parsed = loadConfig(process.env);
  if (!parsed.ok) {
    const logger = createLogger('error');
    logger.fatal({ errors: parsed.errors }, 'invalid configuration');
    process.stderr.write(`caddy-fleet: invalid configuration:\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    process.exit(2);
  }
  const config = parsed.config;
  const logger = createLogger(config.logLevel);
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
