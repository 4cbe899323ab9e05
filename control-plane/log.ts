import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** The daemon's root logger: JSON lines to stdout, secrets redacted wherever they appear in a log object. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'caddy-fleet' },
      redact: {
        paths: [
          'token',
          '*.token',
          'apiTokens',
          '*.apiTokens',
          'nodeToken',
          '*.nodeToken',
          'webhookSecret',
          '*.webhookSecret',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything: for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
