import { SmtpDialogue } from './smtp.js';
import type { DialogueOptions, StartTlsDialogue, StartTlsProtocol } from './types.js';

/** One constructor per protocol: the table the I/O wrapper and the posture probes pick from. */
export const DIALOGUES: Partial<Record<StartTlsProtocol, (options: DialogueOptions) => StartTlsDialogue>> = {
  smtp: (o) => new SmtpDialogue(o),
};
