/**
 * Servers that lie, refuse or never stop talking: every STARTTLS upgrade must end with the documented error code
 * within its timeout. The servers are small node:net listeners on loopback that script the hostile behaviour.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { upgradeToTls, type StartTlsProtocol } from '../../src/starttls/index.js';
import type { MitmError, MitmErrorCode } from '../../src/errors.js';

type Script = (socket: Socket) => void;

const SCRIPTS: Record<string, Script> = {
  // An SSH server on the SMTP port.
  ssh: (s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'),
  // Says STARTTLS in EHLO, then refuses it.
  refuse: (s) => {
    s.write('220 mx ESMTP\r\n');
    s.on('data', (b) => {
      const line = b.toString();
      if (line.startsWith('EHLO')) s.write('250-mx\r\n250 STARTTLS\r\n');
      else if (line.startsWith('STARTTLS')) s.write('454 4.7.0 TLS not available due to local problem\r\n');
    });
  },
  // A greeting line that never ends.
  endless: (s) => {
    s.write('220 ');
    let n = 0;
    const t = setInterval(() => {
      if (s.destroyed || n++ > 200) return clearInterval(t);
      s.write(Buffer.alloc(1024, 0x61));
    }, 1);
  },
  // Accepts and says nothing.
  silent: () => {},
  // Says go ahead, then keeps talking in plain text before any ClientHello.
  chatty: (s) => {
    s.write('220 mx ESMTP\r\n');
    s.on('data', (b) => {
      const line = b.toString();
      if (line.startsWith('EHLO')) s.write('250-mx\r\n250 STARTTLS\r\n');
      else if (line.startsWith('STARTTLS')) s.write('220 go ahead\r\n250 injected reply\r\n');
    });
  },
  // Endless multi-line replies within the line limit: bounded by the dialogue byte limit.
  flood: (s) => {
    s.write('220 mx ESMTP\r\n');
    s.on('data', () => {
      let n = 0;
      const t = setInterval(() => {
        if (s.destroyed || n++ > 2000) return clearInterval(t);
        s.write('250-PIPELINING PIPELINING PIPELINING PIPELINING PIPELINING\r\n'.repeat(20));
      }, 1);
    });
  },
  // Closes right after the greeting.
  hangup: (s) => s.end('220 mx ESMTP\r\n'),
};

const servers: Server[] = [];
const ports: Record<string, number> = {};

before(async () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const srv = createServer((s) => {
      s.on('error', () => {});
      script(s);
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    ports[name] = (srv.address() as { port: number }).port;
    servers.push(srv);
  }
});
after(async () => {
  for (const s of servers) {
    s.close();
    s.unref();
  }
});

async function expectCode(name: string, proto: StartTlsProtocol, code: MitmErrorCode, timeoutMs = 10_000, signal?: AbortSignal): Promise<MitmError> {
  const socket = connect({ port: ports[name]!, host: '127.0.0.1' });
  await once(socket, 'connect');
  try {
    await upgradeToTls(socket, proto, { host: 'localhost', timeoutMs, ...(signal ? { signal } : {}) });
    assert.fail(`upgrade against ${name} succeeded`);
  } catch (err) {
    assert.equal((err as MitmError).code, code, (err as Error).message);
    return err as MitmError;
  } finally {
    socket.destroy();
  }
}

describe('STARTTLS against hostile servers', () => {
  test('an SSH banner on an SMTP port ends in MG_ERR_PROTOCOL', async () => {
    await expectCode('ssh', 'smtp', 'MG_ERR_PROTOCOL');
  });
  test('an SSH banner on a MySQL port ends in MG_ERR_PROTOCOL', async () => {
    await expectCode('ssh', 'mysql', 'MG_ERR_PROTOCOL');
  });
  test('an SMTP banner on an IMAP port ends in MG_ERR_PROTOCOL', async () => {
    await expectCode('refuse', 'imap', 'MG_ERR_PROTOCOL');
  });
  test('a server that answers STARTTLS with 454 ends in MG_ERR_STARTTLS with its reply', async () => {
    const err = await expectCode('refuse', 'smtp', 'MG_ERR_STARTTLS');
    assert.match(err.message, /454/);
  });
  test('an endless greeting line ends in MG_ERR_TOO_LARGE', async () => {
    await expectCode('endless', 'smtp', 'MG_ERR_TOO_LARGE');
  });
  test('an endless multi-line reply ends in MG_ERR_TOO_LARGE', async () => {
    await expectCode('flood', 'smtp', 'MG_ERR_TOO_LARGE');
  });
  test('a silent server ends in MG_ERR_TIMEOUT after the given timeout', async () => {
    await expectCode('silent', 'smtp', 'MG_ERR_TIMEOUT', 300);
  });
  test('a silent PostgreSQL port ends in MG_ERR_TIMEOUT', async () => {
    await expectCode('silent', 'postgres', 'MG_ERR_TIMEOUT', 300);
  });
  test('plain text after the go-ahead ends in MG_ERR_PROTOCOL', async () => {
    await expectCode('chatty', 'smtp', 'MG_ERR_PROTOCOL');
  });
  test('a server that hangs up mid-dialogue ends in MG_ERR_CONNECTION_RESET', async () => {
    await expectCode('hangup', 'smtp', 'MG_ERR_CONNECTION_RESET');
  });
  test('an abort signal ends the dialogue with MG_ERR_ABORTED', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expectCode('silent', 'smtp', 'MG_ERR_ABORTED', 10_000, ac.signal);
  });
});
