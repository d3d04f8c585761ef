/**
 * A scan whose DNS step cannot assess the name shows why, with its code, in the JSON — never `dns: null`, which means
 * "not asked" (IP targets). The resolver here is a UDP socket on loopback that reads every query and answers none.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { resolve } from 'node:path';
import { failedDnsAssessment } from '../../src/dns/index.js';
import { MitmError } from '../../src/errors.js';
import { startNodeTlsServer, type TestServer } from '../helpers/tls-servers.js';

const BIN = resolve(import.meta.dirname, '../../bin/mitmguard.js');
let server: TestServer;
let silent: Socket;
let queries = 0;

before(async () => {
  server = await startNodeTlsServer();
  silent = createSocket('udp4');
  silent.on('message', () => queries++);
  await new Promise<void>((done) => silent.bind(0, '127.0.0.1', done));
});

after(async () => {
  silent?.close();
  await server?.close();
});

function scanJson(args: string[]): Promise<{ status: number; doc: { targets: Array<Record<string, any>> } }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [BIN, 'scan', '--format', 'json', ...args], { encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) => {
      try {
        done({ status: err ? Number(err.code) : 0, doc: JSON.parse(stdout) });
      } catch {
        fail(new Error(`no JSON document: ${stderr}`));
      }
    });
  });
}

test('a resolver that answers nothing: the DNS step is recorded with MG_ERR_TIMEOUT, and the TLS facts are kept', async () => {
  const name = 'svc.mitmguard.test';
  const { doc } = await scanJson([
    '--dns-resolver', `127.0.0.1:${silent.address().port}`, '--resolve', `${name}:${server.port}:127.0.0.1`, '--timeout', '1000', `${name}:${server.port}`,
  ]);
  const t = doc.targets[0]!;
  assert.ok(queries > 0, 'the scan asked the silent resolver');
  assert.ok(t.tls, 'the TLS scan still reports its facts');
  assert.notEqual(t.dns, null, 'a DNS step that could not assess the name is not "not asked"');
  assert.equal(t.dns.error.code, 'MG_ERR_TIMEOUT');
  assert.match(t.dns.error.message, new RegExp(`could not assess ${name.replace(/\./g, '\\.')}\\.`));
  assert.equal(t.dns.name.validation.verdict, 'INDETERMINATE');
});

test('an IP target has no name to ask about: dns stays null', async () => {
  const { doc } = await scanJson(['--dns-resolver', `127.0.0.1:${silent.address().port}`, '--timeout', '1000', server.target]);
  assert.equal(doc.targets[0]!.dns, null);
});

test('a DNS step that fails outright becomes an observation with the code of its error', () => {
  const f = failedDnsAssessment(new MitmError('MG_ERR_DNS_PACKET', 'answer was not a DNS message'));
  assert.deepEqual(f, { error: { code: 'MG_ERR_DNS_PACKET', message: 'answer was not a DNS message' }, findings: [] });
  assert.equal(failedDnsAssessment(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).error.code, 'MG_ERR_CONNECT');
  assert.equal(failedDnsAssessment(new Error('something else')).error.code, 'MG_ERR_DNS');
});
