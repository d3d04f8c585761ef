import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMitmError } from '../../errors.js';
import { decodeDhcp, decodeDhcpv6 } from './dhcp.js';
import { dhcpOffer, ip6, mac } from '../testdata/build.js';

describe('DHCP decoders', () => {
  it('reads an OFFER: type, server id, router, DNS', () => {
    const m = decodeDhcp(dhcpOffer('198.18.0.1', '198.18.0.1', '198.18.0.53'));
    assert.deepEqual([m.op, m.messageType, m.serverId, m.routers, m.dnsServers, m.clientMac, m.yourAddress], ['reply', 'OFFER', '198.18.0.1', ['198.18.0.1'], ['198.18.0.53'], '02:00:00:00:00:99', '198.18.0.50']);
  });

  it('refuses a message without the magic cookie or with an option past its end', () => {
    const m = dhcpOffer('198.18.0.1', '198.18.0.1', '198.18.0.53');
    m[236] = 0;
    assert.throws(() => decodeDhcp(m), (e) => isMitmError(e, 'MG_ERR_MALFORMED'));
    const t = dhcpOffer('198.18.0.1', '198.18.0.1', '198.18.0.53').subarray(0, 248);
    assert.throws(() => decodeDhcp(t), (e) => isMitmError(e, 'MG_ERR_TRUNCATED'));
  });

  it('reads a DHCPv6 ADVERTISE with server id, DNS servers and domain list (the mitm6 shape)', () => {
    const duid = [0, 3, 0, 1, ...mac('02:00:00:00:00:66')];
    const msg = Uint8Array.from([2, 1, 2, 3, 0, 2, 0, duid.length, ...duid, 0, 23, 0, 16, ...ip6('fe80::66'), 0, 24, 0, 6, 4, 0x63, 0x6f, 0x72, 0x70, 0]);
    const m = decodeDhcpv6(msg);
    assert.deepEqual([m.messageType, m.transactionId, m.serverDuid, m.dnsServers, m.domains], ['ADVERTISE', 0x010203, '0003000102000000006' + '6', ['fe80::66'], ['corp']]);
  });
});
