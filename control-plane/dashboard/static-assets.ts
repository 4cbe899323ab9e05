import { readFile } from 'node:fs/promises';

/** The dashboard's two static files, read from this folder on first use and then kept in memory. */
export const ASSETS = {
  'dashboard.css': 'text/css; charset=utf-8',
  'live.js': 'text/javascript; charset=utf-8',
} as const;

export type AssetName = keyof typeof ASSETS;

/** Returns a loader that reads each asset once (no I/O at import time). */
export function createAssetLoader(): (name: AssetName) => Promise<string> {
  const cache = new Map<AssetName, Promise<string>>();
  return (name) => {
    let text = cache.get(name);
    if (!text) {
      text = readFile(new URL(`./${name}`, import.meta.url), 'utf8');
      cache.set(name, text);
      // A failed read is not cached: the next request tries again.
      text.catch(() => cache.delete(name));
    }
    return text;
  };
}
