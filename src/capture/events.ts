/** The decoded events the analyser hands its detectors: plain data, each with the frame and packet time it came from. */
import type { ArpPacket, NdMessage } from './packet.js';
import type { DhcpMessage, Dhcpv6Message } from './decode/dhcp.js';
import type { NameMessage } from './decode/names.js';
import type { TlsClientHelloFacts, TlsServerHelloFacts } from './decode/tls.js';
import type { Credential } from './decode/plaintext.js';
import type { Flow } from './flows.js';

interface At {
  timestampUs: number;
  frameNumber: number;
}

/** A flow as events name it: who talked to whom. */
export interface FlowRef {
  id: number;
  transport: 'tcp' | 'udp';
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
}

export type CaptureEvent =
  | (At & { kind: 'arp'; ethSrc: string | null; ethDst: string | null; arp: ArpPacket })
  | (At & { kind: 'nd'; src: string; dst: string; ethSrc: string | null; nd: NdMessage })
  | (At & { kind: 'icmp-redirect'; version: 4 | 6; src: string; dst: string; gateway: string; destination: string })
  | (At & { kind: 'dhcp'; src: string; dst: string; ethSrc: string | null; dhcp: DhcpMessage })
  | (At & { kind: 'dhcpv6'; src: string; dst: string; ethSrc: string | null; dhcpv6: Dhcpv6Message })
  | (At & { kind: 'name'; src: string; srcPort: number; dst: string; dstPort: number; ethSrc: string | null; message: NameMessage })
  | (At & { kind: 'tls-client-hello'; flow: FlowRef; hello: TlsClientHelloFacts })
  | (At & { kind: 'tls-server-hello'; flow: FlowRef; hello: TlsServerHelloFacts })
  | (At & { kind: 'tls-certificates'; flow: FlowRef; sni: string | null; ders: Uint8Array[] })
  | (At & { kind: 'credential'; flow: FlowRef; credential: Credential })
  | (At & { kind: 'flow-end'; flow: FlowRef; protocol: string | null; encrypted: boolean; bytes: number });

export type CaptureEventKind = CaptureEvent['kind'];

export function flowRef(f: Flow): FlowRef {
  return { id: f.id, transport: f.transport, client: f.client.ip, clientPort: f.client.port, server: f.server.ip, serverPort: f.server.port };
}

export const flowText = (f: FlowRef): string => `${f.transport} ${f.client}:${f.clientPort} → ${f.server}:${f.serverPort}`;
