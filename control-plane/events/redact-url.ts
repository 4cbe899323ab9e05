/**
 * A webhook URL as the API and logs may show it: credentials and the query string (where services put
 * tokens) replaced by `***`. The path stays, so operators can tell URLs apart.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '***';
  }
  const auth = u.username || u.password ? '***@' : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}${u.search ? '?***' : ''}`;
}
