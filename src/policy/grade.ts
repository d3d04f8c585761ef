/**
 * Grades per pillar and overall, A+ to F (and T), in the spirit of the SSL Labs SSL Server Rating Guide: a numeric
 * score from what was measured, then caps from rules ("TLS 1.0 enabled caps at B", "an untrusted certificate is T"),
 * then A+ only when everything is right and the extra defence is present (HSTS). Every rule is data in GRADE_RULES
 * and documented in docs/grading.md; grading is pure.
 */
import type { Finding, Pillar } from '../model/index.js';
import { PILLARS } from '../model/index.js';
import { A_PLUS_RULES, GRADE_RULES, SEVERITY_CAP } from './grade-rules.js';
import { encryptionScore, keyStrength, SEVERITY_PENALTY, scoreToGrade, strengthScore } from './grade-score.js';
import { gradeRank, worseOf, type AppliedCap, type Grade, type GradeContext, type PillarGrade, type TargetGrades } from './grade-types.js';

export * from './grade-types.js';
export { GRADE_RULES, A_PLUS_RULES, TRUST_FINDING_IDS, SEVERITY_CAP } from './grade-rules.js';
export { encryptionScore, keyExchangeBits, keyStrength, scoreToGrade, SEVERITY_PENALTY } from './grade-score.js';

/** Whether a pillar was assessed for a target at all (else the grade is n/a). */
const ASSESSED: Record<Pillar, (c: GradeContext, own: readonly Finding[]) => boolean> = {
  encryption: (c, own) => c.facts.tls || c.facts.plaintext || own.length > 0,
  // A server's presented chain, or a client whose validation the client audit tested with forged servers.
  certificates: (c, own) => c.facts.leaf !== null || c.facts.clientAudited || own.length > 0,
  // The DNS step (DNSSEC, CAA, TLSA of the target's name) is what this pillar measures; a clean run is an A, not n/a.
  network: (c, own) => c.facts.dnsAssessed || own.length > 0,
  // A server that never asks for a client certificate is only judged where policy expects mTLS (then it has a finding).
  'mutual-auth': (c, own) => c.facts.clientAuth === 'requested' || c.facts.clientAuth === 'required' || own.length > 0,
};

function baseScore(pillar: Pillar, ctx: GradeContext, own: readonly Finding[]): number {
  if (pillar === 'encryption') return encryptionScore(ctx.facts);
  if (pillar === 'certificates' && ctx.facts.leaf) return strengthScore(keyStrength(ctx.facts.leaf));
  return Math.max(0, 100 - own.reduce((n, f) => n + SEVERITY_PENALTY[f.severity], 0));
}

/** Grade one pillar of one target. */
export function gradePillar(pillar: Pillar, ctx: GradeContext): PillarGrade {
  const own = ctx.findings.filter((f) => f.pillar === pillar);
  if (!ASSESSED[pillar](ctx, own)) return { pillar, grade: null, score: null, caps: [], notes: ['not assessed'] };
  const score = baseScore(pillar, ctx, own);
  const caps: AppliedCap[] = [];
  for (const rule of GRADE_RULES) {
    if (rule.pillar !== pillar) continue;
    const reason = rule.test(ctx);
    if (reason) caps.push({ rule: rule.id, cap: rule.cap, reason });
  }
  for (const f of own) {
    const cap = SEVERITY_CAP[f.severity];
    if (cap) caps.push({ rule: `any.severity-${f.severity}`, cap, reason: `${f.id}: ${f.title}` });
  }
  let grade = caps.reduce<Grade>((g, c) => worseOf(g, c.cap), scoreToGrade(score));
  const notes: string[] = [];
  const plus = A_PLUS_RULES[pillar];
  if (grade === 'A' && plus && caps.length === 0) {
    if (plus.test(ctx)) grade = 'A+';
    else notes.push(`not A+: ${plus.title.replace(/^A\+ needs /, 'needs ')}`);
  }
  return { pillar, grade, score, caps: dedupeCaps(caps), notes };
}

/** One entry per rule and reason, worst first, so the report stays short. */
function dedupeCaps(caps: AppliedCap[]): AppliedCap[] {
  const seen = new Set<string>();
  return caps
    .filter((c) => {
      const k = `${c.rule}\u0000${c.reason}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => gradeRank(b.cap) - gradeRank(a.cap));
}

/** Worst of the assessed grades; null when none was assessed. */
export function worstGrade(grades: ReadonlyArray<Grade | null>): Grade | null {
  return grades.reduce<Grade | null>((w, g) => (g === null ? w : w === null ? g : worseOf(w, g)), null);
}

/** Every pillar of one target, and its overall grade (the worst assessed pillar). */
export function gradeTarget(ctx: GradeContext): TargetGrades {
  const pillars = Object.fromEntries(PILLARS.map((p) => [p, gradePillar(p, ctx)])) as Record<Pillar, PillarGrade>;
  return { target: ctx.facts.target, pillars, overall: worstGrade(PILLARS.map((p) => pillars[p].grade)) };
}

export interface InventoryGrades {
  /** Per pillar: the worst target grade, and which target set it. */
  pillars: Record<Pillar, { grade: Grade | null; worstTarget: string | null; distribution: Partial<Record<Grade, number>> }>;
  overall: Grade | null;
}

/** Grades across targets: a chain is as strong as its weakest link, so each pillar takes its worst target. */
export function gradeInventory(targets: readonly TargetGrades[]): InventoryGrades {
  const pillars = Object.fromEntries(
    PILLARS.map((p) => {
      let grade: Grade | null = null;
      let worstTarget: string | null = null;
      const distribution: Partial<Record<Grade, number>> = {};
      for (const t of targets) {
        const g = t.pillars[p].grade;
        if (g === null) continue;
        distribution[g] = (distribution[g] ?? 0) + 1;
        if (grade === null || gradeRank(g) > gradeRank(grade)) [grade, worstTarget] = [g, t.target];
      }
      return [p, { grade, worstTarget, distribution }];
    }),
  ) as InventoryGrades['pillars'];
  return { pillars, overall: worstGrade(PILLARS.map((p) => pillars[p].grade)) };
}
