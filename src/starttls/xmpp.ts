import { MitmError, type MitmErrorCode } from '../errors.js';
import { BoundedBuffer } from './buffer.js';
import { emptyObservation, type DialogueOutput, type DialogueOptions, type StartTlsDialogue, type StartTlsObservation } from './types.js';

const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
/** RFC 6120 §4.7.5: the stream namespace for client-to-server and server-to-server streams. */
const CONTENT_NS = { xmpp: 'jabber:client', 'xmpp-server': 'jabber:server' } as const;

/** Escape an attribute value (the host name is user input). */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** Match an element by local name with any (or no) prefix, since a server may choose its own stream prefix. */
const el = (local: string, rest = '') => new RegExp(`<(?:[\\w.-]+:)?${local}${rest}`, 'i');
const FEATURES_END = /<\/(?:[\w.-]+:)?features\s*>|<(?:[\w.-]+:)?features(?:\s[^>]*)?\/>/i;

type XmppState = 'features' | 'proceed';

/**
 * XMPP STARTTLS (RFC 6120 §5): open a stream, read `<stream:features>`, send `<starttls/>`, wait for `<proceed/>`.
 * Not a full XML parser: the features element is small and bounded, and the elements we need are matched by name
 * and namespace. A stream error or `<failure/>` is a refusal.
 */
export class XmppDialogue implements StartTlsDialogue {
  private readonly obs: StartTlsObservation;
  private readonly buf: BoundedBuffer;
  private state: XmppState = 'features';
  private ready = false;

  constructor(
    readonly protocol: 'xmpp' | 'xmpp-server',
    private readonly options: DialogueOptions,
  ) {
    this.obs = emptyObservation(protocol);
    this.buf = new BoundedBuffer(protocol);
  }

  start(): DialogueOutput {
    // RFC 6120 §4.7: `to` names the service; a server-to-server stream also says who we claim to be (`from`).
    const from = this.protocol === 'xmpp-server' ? ` from='${attr(this.options.clientName ?? 'mitmguard.invalid')}'` : '';
    const open =
      `<?xml version='1.0'?><stream:stream to='${attr(this.options.host)}'${from} version='1.0' ` +
      `xmlns='${CONTENT_NS[this.protocol]}' xmlns:stream='http://etherx.jabber.org/streams'>`;
    return { send: [Buffer.from(open, 'utf8')], ready: false, trailing: 0 };
  }

  receive(bytes: Uint8Array): DialogueOutput {
    if (this.ready) return { send: [], ready: true, trailing: bytes.length };
    try {
      this.buf.push(bytes);
    } catch (err) {
      throw new MitmError('MG_ERR_TOO_LARGE', (err as Error).message, { details: { observation: this.observation() } });
    }
    const text = this.buf.bytes.toString('utf8');
    const first = text.trimStart();
    if (first.length > 0 && !first.startsWith('<')) throw this.fail('MG_ERR_PROTOCOL', `not an XML stream: ${JSON.stringify(first.slice(0, 40))}`);
    const streamError = /<(?:[\w.-]+:)?error[\s>][\s\S]*?<([\w-]+)\s+xmlns=['"]urn:ietf:params:xml:ns:xmpp-streams['"]/i.exec(text);
    if (streamError) throw this.fail('MG_ERR_STARTTLS', `stream error: ${streamError[1]}`);
    if (this.state === 'features') {
      const open = el('stream', '[\\s>]').exec(text);
      if (open && !this.obs.banner) {
        const tag = text.slice(open.index, text.indexOf('>', open.index) + 1);
        this.obs.banner = tag.slice(0, 300) || null;
      }
      const end = FEATURES_END.exec(text);
      if (!end) return { send: [], ready: false, trailing: 0 };
      const start = el('features', '[\\s/>]').exec(text);
      const features = text.slice(start?.index ?? 0, end.index + end[0].length);
      this.readFeatures(features);
      if (!this.obs.startTlsAdvertised) throw this.fail('MG_ERR_STARTTLS', 'STARTTLS is not among the stream features');
      this.buf.consume(Buffer.byteLength(text.slice(0, end.index + end[0].length)));
      this.state = 'proceed';
      return { send: [Buffer.from(`<starttls xmlns='${TLS_NS}'/>`, 'utf8')], ready: false, trailing: 0 };
    }
    const rest = this.buf.bytes.toString('utf8');
    const proceed = /<proceed\s[^>]*\/>|<proceed\s[^>]*>\s*<\/proceed>/i.exec(rest);
    if (proceed) {
      this.obs.upgradeReply = 'proceed';
      this.obs.upgraded = true;
      this.ready = true;
      return { send: [], ready: true, trailing: Buffer.byteLength(rest.slice(proceed.index + proceed[0].length)) };
    }
    if (/<failure[\s>/]/i.test(rest)) {
      this.obs.upgradeReply = 'failure';
      throw this.fail('MG_ERR_STARTTLS', 'server answered <failure/> to <starttls/>');
    }
    return { send: [], ready: false, trailing: 0 };
  }

  private readFeatures(features: string): void {
    const starttls = new RegExp(`<starttls[^>]*xmlns=['"]${TLS_NS}['"][^>]*?(/>|>([\\s\\S]*?)</starttls>)`, 'i').exec(features);
    this.obs.startTlsAdvertised = starttls !== null;
    this.obs.tlsRequired = starttls ? /<required\s*\/?>/i.test(starttls[2] ?? '') : null;
    this.obs.authBeforeTls = [...features.matchAll(/<mechanism>\s*([^<\s]+)\s*<\/mechanism>/gi)].map((m) => m[1]!.toUpperCase());
    const names = [...features.matchAll(/<([\w-]+)[\s/>][^>]*?xmlns=['"]([^'"]+)['"]/g)].map((m) => `${m[1]} ${m[2]}`);
    this.obs.capabilities = [...new Set(names)].slice(0, 64);
  }

  observation(): StartTlsObservation {
    return structuredClone(this.obs);
  }

  private fail(code: MitmErrorCode, message: string): MitmError {
    return new MitmError(code, `${this.protocol}: ${message}`, { details: { observation: this.observation() } });
  }
}
