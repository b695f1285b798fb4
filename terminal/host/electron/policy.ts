// What the kiosk window may do, as pure decisions the Electron wiring consults: a strict CSP, no
// navigation away from the app, no new windows, and no permission but the camera (face and QR).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The only navigation allowed is within the app's own files (the UI is one page). */
export function isNavigationAllowed(target: string, appUrl: string): boolean {
  let to: URL;
  let app: URL;
  try {
    to = new URL(target);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (to.protocol !== app.protocol) return false;
  if (app.protocol === 'file:') return to.pathname === app.pathname;
  return to.origin === app.origin;
}

/**
 * Camera only ('media' with video and no audio): the face check and camera QR decoding need it;
 * nothing else (microphone, geolocation, notifications, USB pickers, ...) is ever granted.
 */
export function isPermissionAllowed(permission: string, details: { mediaTypes?: readonly string[] } = {}): boolean {
  if (permission !== 'media') return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}
