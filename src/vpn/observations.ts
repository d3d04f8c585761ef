/** Observation kinds of the VPN wing on the shared ObservationMap: an OpenVPN and a WireGuard configuration. */
import type { OpenVpnConfig } from './openvpn.js';
import type { WireGuardConfig } from './wireguard.js';
import type { VpnRoutingObservation } from './routing.js';
import type { OpenVpnClientAuditObservation } from './client-audit.js';
import type { IpsecConnection } from './strongswan.js';

declare module '../checks/types.js' {
  interface ObservationMap {
    'vpn-openvpn': OpenVpnConfig;
    'vpn-wireguard': WireGuardConfig;
    'vpn-routing': VpnRoutingObservation;
    'vpn-client-audit': OpenVpnClientAuditObservation;
    'vpn-ipsec': IpsecConnection;
  }
}
