/**
 * The one error shape of every observation and report: what `MitmError.toJSON()` gives, so a probe's failure, a
 * target's failure and a detector's skipped frame all read the same in JSON.
 */
import { toMitmError, type MitmErrorCode } from '../errors.js';

export interface ErrorInfo {
  code: MitmErrorCode;
  message: string;
  /** Plain data that helps act on the error (offsets, limits, names). Never secrets. */
  details?: Record<string, unknown>;
}

/** Anything thrown, as the error shape of an observation (system codes mapped to ours, `fallback` otherwise). */
export function errorInfo(err: unknown, fallback: MitmErrorCode = 'MG_ERR_INTERNAL'): ErrorInfo {
  return toMitmError(err, fallback).toJSON();
}
