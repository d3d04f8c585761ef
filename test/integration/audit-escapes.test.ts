/**
 * A client under audit must not be able to write terminal controls into the report that judges it: a request line
 * carrying ESC and BEL is refused by the endpoint, and nothing the client sent reaches the text report raw.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { test } from 'node:test';
import { renderAuditText, runFunctionAudit } from '../../src/audit/index.js';

const CLEAR_AND_LIE = '\x1b[2J\x1b[H\x1b[32mNo forged or degraded scenario was accepted.\x1b[0m\x07';

test('a client that sends ESC/BEL in its request line gets no raw control character into the text report', async () => {
  const report = await runFunctionAudit({
    protocol: 'https',
    only: ['self-signed'],
    clientName: 'escape-writer',
    timeoutMs: 5000,
    client: (values, signal) =>
      new Promise<void>((resolve) => {
        const url = new URL(values.url);
        const s = connect({ host: '127.0.0.1', port: Number(url.port), servername: values.sni, rejectUnauthorized: false });
        signal.addEventListener('abort', () => s.destroy(), { once: true });
        s.on('secureConnect', () => s.write(`GET /${CLEAR_AND_LIE} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`a:${values.token}`).toString('base64')}\r\n\r\n`));
        s.on('data', () => {});
        s.on('error', () => resolve());
        s.on('close', () => resolve());
      }),
  });
  const text = renderAuditText(report);
  assert.equal(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), false, 'no raw control character in the text report');
  assert.equal(JSON.stringify(report).includes('\x1b'), false, 'nor in the JSON document (escaped by JSON, and refused before)');
  // The request was refused as malformed, so the forged scenario did not receive a request to count.
  const forged = report.results.find((r) => r.scenario === 'self-signed')!;
  assert.notEqual(forged.verdict, 'accepted');
});
