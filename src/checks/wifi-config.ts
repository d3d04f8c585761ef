/** `wifi.config.*`: checks of Wi-Fi profiles read from configuration files (filled in with the configuration audit). */
import '../wifi/observations.js';
import type { Check } from './types.js';

export const wifiConfigChecks: Check<'wifi-profile'>[] = [];
