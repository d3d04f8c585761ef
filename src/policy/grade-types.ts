/** Grade values and the shapes grading produces. See grade.ts and docs/grading.md. */
import type { Finding, Pillar } from '../model/index.js';
import type { DerivedFacts } from './facts.js';

/** Best to worst. T (trust) ranks below F: with an untrusted certificate, a man in the middle needs no cryptanalysis. */
export const GRADES = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T'] as const;
export type Grade = (typeof GRADES)[number];

export const gradeRank = (g: Grade) => GRADES.indexOf(g);
export const worseOf = (a: Grade, b: Grade): Grade => (gradeRank(a) >= gradeRank(b) ? a : b);

export interface GradeContext {
  facts: DerivedFacts;
  /** Findings of this target after policy (overrides applied, accepted risks removed). */
  findings: readonly Finding[];
  now: Date;
}

export interface GradeRule {
  id: string;
  pillar: Pillar | '*';
  /** The best grade a target can get when the rule applies. */
  cap: Grade;
  title: string;
  /** A reason when the rule applies, or null. */
  test(ctx: GradeContext): string | null;
}

export interface AppliedCap {
  rule: string;
  cap: Grade;
  reason: string;
}

export interface PillarGrade {
  pillar: Pillar;
  /** null: nothing in this pillar was assessed for the target (shown as "n/a"). */
  grade: Grade | null;
  score: number | null;
  caps: AppliedCap[];
  /** Why the grade is not A+ or how it got there, for the report. */
  notes: string[];
}

export interface TargetGrades {
  target: string;
  pillars: Record<Pillar, PillarGrade>;
  overall: Grade | null;
}
