// Hooks a later module (metrics, auditor view) attaches to the webhook to watch reviews without editing the route.
import type { ReviewResult } from './review.js';
import type { InputRejection } from './input-error.js';

export interface ReviewObserver {
  /** After an AdmissionReview was answered; durationMs runs from the request's arrival to the answer. */
  onReview?(result: ReviewResult, durationMs: number): void;
  /** After a request was refused as bad input (400/413/415). */
  onRejected?(rejection: InputRejection, durationMs: number): void;
}
