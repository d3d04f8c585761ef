/**
 * FTP: would the server take a login in clear? RFC 4217 §4 lets a server refuse USER until AUTH TLS has run (vsftpd
 * `force_local_logins_ssl`, ProFTPD `TLSRequired`, Pure-FTPd `-Y 2`); FEAT cannot tell, so the probe asks. It sends
 * `USER` with a name no server has and never a password: a 331/332 ("send your password") or a 230 means the password
 * would have travelled in plain text; a 530/534 refusal before TLS means logins are protected.
 *
 * The reply reader is sans-IO: push bytes, get the complete final reply (RFC 959 §4.2 multi-line replies included).
 */
import { MitmError } from '../errors.js';
import { FtpReplyAssembler } from '../starttls/ftp.js';
import { LineFramer } from '../bytes.js';
import { commandLine } from '../starttls/lines.js';
import { connectTcp } from '../tls/scan/connector.js';
import type { FtpPlainFact } from './types.js';

/** The user name the probe offers; it exists nowhere, and no password follows. */
export const FTP_PROBE_USER = 'mitmguard-probe';

/** Reads FTP replies from bytes (RFC 959 §4.2, via the STARTTLS dialogue's assembler), bounded by the line framer. */
export class FtpReplyReader {
  private readonly framer = new LineFramer({ context: 'ftp', maxLine: 4096, maxTotal: 16 * 1024 });
  private readonly assembler = new FtpReplyAssembler((line) => new MitmError('MG_ERR_PROTOCOL', `not an FTP reply: ${JSON.stringify(line.slice(0, 80))}`));

  push(bytes: Uint8Array): { code: number; text: string }[] {
    const out: { code: number; text: string }[] = [];
    for (const line of this.framer.push(bytes)) {
      const reply = this.assembler.line(line);
      if (reply) out.push({ code: reply.code, text: reply.last });
    }
    return out;
  }
}

/** What a reply to USER before TLS means (RFC 959 §4.2, RFC 4217 §4, §11). */
export function judgeFtpUserReply(code: number): FtpPlainFact['userBeforeTls'] {
  if (code === 230 || code === 331 || code === 332) return 'accepted';
  if (code === 530 || code === 534 || code === 550 || code === 421 || code === 503) return 'refused';
  return 'unknown';
}

/** Greeting, then USER; QUIT afterwards. Never throws for what the server says; connection failures propagate. */
export async function probeFtpPlainLogin(host: string, port: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<FtpPlainFact> {
  const socket = await connectTcp(host, port, options);
  const reader = new FtpReplyReader();
  try {
    return await new Promise<FtpPlainFact>((resolve) => {
      let sentUser = false;
      let finished = false;
      const timer = setTimeout(() => done({ userBeforeTls: 'unknown', answer: sentUser ? 'no answer to USER' : 'no greeting' }), options.timeoutMs);
      const done = (fact: FtpPlainFact) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        socket.removeAllListeners('data');
        if (sentUser && !socket.destroyed) socket.write(commandLine('QUIT'));
        resolve(fact);
      };
      socket.on('error', () => done({ userBeforeTls: 'unknown', answer: 'reset' }));
      socket.on('close', () => done({ userBeforeTls: 'unknown', answer: 'closed' }));
      socket.on('data', (chunk: Buffer) => {
        let replies: { code: number; text: string }[];
        try {
          replies = reader.push(chunk);
        } catch (err) {
          return done({ userBeforeTls: 'unknown', answer: (err as Error).message });
        }
        for (const r of replies) {
          const answer = `${r.code} ${r.text}`.trim().slice(0, 200);
          if (!sentUser) {
            if (r.code === 120) continue; // "ready in nnn minutes"; the 220 follows
            if (r.code !== 220) return done({ userBeforeTls: 'unknown', answer });
            sentUser = true;
            socket.write(commandLine(`USER ${FTP_PROBE_USER}`));
            continue;
          }
          return done({ userBeforeTls: judgeFtpUserReply(r.code), answer });
        }
      });
    });
  } finally {
    socket.destroy();
  }
}
