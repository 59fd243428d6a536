import Bowser from 'bowser';

/** "Chrome on Android", "Safari on iOS", "Masthead app on Android": a name a reader recognises. */
export function deviceName(userAgent: string | undefined, kind: 'web' | 'app', appName?: string): string {
  if (!userAgent) return kind === 'app' ? appName || 'App' : 'Unknown browser';
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  const os = parsed.os.name || 'unknown system';
  if (kind === 'app') return `${appName || 'App'} on ${os}`;
  return `${parsed.browser.name || 'Browser'} on ${os}`;
}
