/**
 * A minimal SMTP server for the lab (RFC 5321 greeting, EHLO, QUIT; RFC 3207 STARTTLS when enabled). It accepts no
 * mail: it exists so a scan can see a mail service that upgrades to TLS, and one that never does.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, type SecureContextOptions, createSecureContext } from 'node:tls';
import { LineFramer } from '../bytes.js';

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets; a longer one ends the session. */
export const MAX_SMTP_LINE = 512;

export interface LabSmtpOptions {
  /** Offer STARTTLS with these TLS settings; without them the server only speaks plaintext (and offers AUTH in it). */
  tls?: SecureContextOptions;
}

function session(socket: Socket | TLSSocket, opts: LabSmtpOptions, secure: boolean, greet: boolean): void {
  const lines = new LineFramer({ context: 'lab smtp', maxLine: MAX_SMTP_LINE, encoding: 'latin1' });
  const send = (s: string) => socket.write(s.replace(/\n/g, '\r\n'));
  if (greet) send('220 mitmguard-lab ESMTP (lab: accepts no mail)\n');
  const onData = (chunk: Buffer) => {
    let received: string[];
    try {
      received = lines.push(chunk);
    } catch {
      send('500 line too long\n');
      socket.destroy();
      return;
    }
    for (const line of received) {
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') {
        const ext = secure ? ['PIPELINING', 'AUTH PLAIN'] : opts.tls ? ['PIPELINING', 'STARTTLS'] : ['PIPELINING', 'AUTH PLAIN LOGIN'];
        send(`250-mitmguard-lab\n${ext.map((e, i) => `250${i === ext.length - 1 ? ' ' : '-'}${e}`).join('\n')}\n`);
      } else if (verb === 'STARTTLS' && opts.tls && !secure) {
        socket.off('data', onData);
        send('220 ready to start TLS\n');
        // RFC 3207 §4.2: everything before the handshake is forgotten; the client starts over with EHLO.
        const tls = new TLSSocket(socket as Socket, { isServer: true, secureContext: createSecureContext(opts.tls) });
        tls.on('error', () => tls.destroy());
        session(tls, opts, true, false);
        return;
      } else if (verb === 'QUIT') {
        send('221 bye\n');
        socket.end();
        return;
      } else if (verb === 'NOOP' || verb === 'RSET') send('250 ok\n');
      else send('502 command not implemented in the lab\n');
    }
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

/** An SMTP server for one lab endpoint; `closeAllConnections()` ends open sessions, as on node:http servers. */
export function createLabSmtpServer(opts: LabSmtpOptions): Server & { closeAllConnections(): void } {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    session(socket, opts, false, true);
  });
  return Object.assign(server, { closeAllConnections: () => open.forEach((s) => s.destroy()) });
}
