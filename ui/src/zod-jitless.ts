// Imported first by main.tsx: zod's fast path compiles validators with `new Function`, which the
// kiosk's CSP forbids (and reports as a violation even when zod catches it). Turn it off.
import { config } from 'zod';

config({ jitless: true });
