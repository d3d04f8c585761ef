import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isMitmError } from '../../errors.js';
import { CheckRegistry } from '../../checks/registry.js';
import { wifiConfigChecks } from '../../checks/wifi-config.js';
import { parseWifiConfig } from './detect-format.js';
import { MAX_WIFI_CONFIG_BYTES } from './text.js';

const DIR = new URL('./testdata/', import.meta.url).pathname;
const registry = new CheckRegistry(wifiConfigChecks);

function findings(name: string, readableByOthers = false) {
  const file = DIR + name;
  return parseWifiConfig(readFileSync(file, 'utf8'), file).flatMap((p) => registry.run('wifi-profile', { ...p, readableByOthers }, `${p.ssid}`));
}
const ids = (name: string) => [...new Set(findings(name).map((f) => `${f.target} ${f.id}`))].sort();

describe('Wi-Fi configuration audit', () => {
  it('a careful wpa_supplicant.conf and hostapd.conf raise nothing', () => {
    assert.deepEqual(findings('good-wpa_supplicant.conf'), []);
    assert.deepEqual(findings('good-hostapd.conf'), []);
    assert.deepEqual(findings('CorpEap-good.nmconnection'), []);
  });

  it('wpa_supplicant.conf: each flawed network block gives its own finding', () => {
    assert.deepEqual(ids('bad-wpa_supplicant.conf'), [
      'Airport_Free wifi.config.open-autoconnect',
      'Campus wifi.config.eap-no-server-name',
      'CorpEap wifi.config.eap-no-ca',
      'HomeWifi wifi.config.psk-without-pmf',
      'HomeWifi wifi.config.short-psk',
      'Office wifi.config.psk-without-pmf',
      'Office wifi.config.tkip',
      'Office wifi.config.wpa3-transition',
      'OldPrinter wifi.config.wep',
    ]);
    const peap = findings('bad-wpa_supplicant.conf').find((f) => f.id === 'wifi.config.eap-no-ca')!;
    assert.equal(peap.severity, 'critical'); // MSCHAPv2 inside: the password hash goes to the evil twin
    assert.ok(!JSON.stringify(findings('bad-wpa_supplicant.conf')).includes('abc12345'), 'a PSK never appears in a finding');
  });

  it('hostapd.conf: WPA1/TKIP, WPS, transition, no PMF, hunting-and-pecking SAE and a short passphrase', () => {
    assert.deepEqual(ids('bad-hostapd.conf'), [
      'Office wifi.config.ap-pmf-not-required',
      'Office wifi.config.ap-wps',
      'Office wifi.config.sae-hunting-and-pecking',
      'Office wifi.config.short-psk',
      'Office wifi.config.tkip',
      'Office wifi.config.wpa3-transition',
    ]);
  });

  it('NetworkManager keyfiles: TTLS/MSCHAPv2 without CA, open auto-connect', () => {
    assert.deepEqual(ids('CorpEap-bad.nmconnection'), ['CorpEap wifi.config.eap-no-ca']);
    assert.deepEqual(ids('Hotel.nmconnection'), ['Hotel-Guest wifi.config.open-autoconnect']);
  });

  it('iwd profiles: PEAP without CA; a .psk profile allows WPA2 beside WPA3', () => {
    assert.deepEqual(ids('Campus.8021x'), ['Campus wifi.config.eap-no-ca']);
    assert.ok(ids('CorpNet.psk').includes('CorpNet wifi.config.wpa3-transition'));
  });

  it('a world-readable file holding a secret is a finding; the same file 0600 is not', () => {
    const file = DIR + 'good-hostapd.conf';
    const [p] = parseWifiConfig(readFileSync(file, 'utf8'), file);
    assert.deepEqual(registry.run('wifi-profile', { ...p!, readableByOthers: true }, 'x').map((f) => f.id), ['wifi.config.secret-readable']);
    assert.deepEqual(registry.run('wifi-profile', { ...p!, readableByOthers: false }, 'x'), []);
  });

  it('binary garbage, an oversized file and broken blocks are refused with a MitmError', () => {
    assert.throws(() => parseWifiConfig('\x00\x01\x02ELF\x7f', 'x.conf'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
    assert.throws(() => parseWifiConfig('network={\n'.padEnd(MAX_WIFI_CONFIG_BYTES + 10, '#'), 'x.conf'), (e) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
    assert.throws(() => parseWifiConfig('network={\n ssid="a"\n', 'x.conf'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
    assert.throws(() => parseWifiConfig('hello world\n', 'x.conf'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
    assert.throws(() => parseWifiConfig('[connection]\nid=a\n garbage\n', 'x.nmconnection'), (e) => isMitmError(e, 'MG_ERR_CONFIG'));
  });
});
