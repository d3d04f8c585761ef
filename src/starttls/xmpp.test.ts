import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XmppDialogue } from './xmpp.js';
import { replay, sentText } from './test-util.js';
import { isMitmError } from '../errors.js';

// Recorded from prosody 0.12.3 (Debian 12), c2s_require_encryption = true.
const RECORDED =
  "<?xml version='1.0'?><stream:stream id='4f8b557b-efb9-473e-8b04-c81a4f6a9ade' from='example.test' xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' version='1.0' xml:lang='en'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";

test('XMPP dialogue opens a client stream to the host, sends starttls and is ready on proceed', () => {
  const d = new XmppDialogue('xmpp', { host: 'example.test' });
  const r = replay(d, [RECORDED.slice(0, 100), RECORDED.slice(100), "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"]);
  const text = sentText(r.sent);
  assert.match(text, /to='example\.test'/);
  assert.match(text, /xmlns='jabber:client'/);
  assert.match(text, /<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'\/>$/);
  assert.equal(r.last.ready, true);
  assert.equal(d.observation().tlsRequired, true);
});

test('XMPP server dialogue opens a jabber:server stream and escapes the host name', () => {
  const d = new XmppDialogue('xmpp-server', { host: "a'b" });
  const text = sentText(d.start());
  assert.match(text, /xmlns='jabber:server'/);
  assert.match(text, /to='a&apos;b'/);
});

test('XMPP dialogue records SASL mechanisms offered before TLS and a missing starttls', () => {
  const d = new XmppDialogue('xmpp', { host: 'h' });
  assert.throws(
    () => replay(d, ["<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"]),
    (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'),
  );
  assert.deepEqual(d.observation().authBeforeTls, ['PLAIN']);
});

test('XMPP dialogue reports failure, stream errors and non-XML banners', () => {
  const d = new XmppDialogue('xmpp', { host: 'h' });
  replay(d, [RECORDED]);
  assert.throws(() => d.receive(Buffer.from("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")), (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS'));
  assert.throws(
    () => replay(new XmppDialogue('xmpp', { host: 'h' }), ["<stream:stream><stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"]),
    (e: unknown) => isMitmError(e, 'MG_ERR_STARTTLS') && /host-unknown/.test(e.message),
  );
  assert.throws(() => replay(new XmppDialogue('xmpp', { host: 'h' }), ['220 smtp ready\r\n']), (e: unknown) => isMitmError(e, 'MG_ERR_PROTOCOL'));
});

test('XMPP dialogue stops an endless stream with MG_ERR_TOO_LARGE', () => {
  const d = new XmppDialogue('xmpp', { host: 'h' });
  d.receive(Buffer.from('<stream:stream>'));
  assert.throws(() => {
    for (let i = 0; i < 200; i++) d.receive(Buffer.alloc(1024, 0x41));
  }, (e: unknown) => isMitmError(e, 'MG_ERR_TOO_LARGE'));
});
