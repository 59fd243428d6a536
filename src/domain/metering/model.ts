/**
 * A reader's meter for one calendar month: which metered articles they have read.
 * An article read again in the same month costs nothing.
 */
export interface MeterState {
  /** Calendar month in the publisher's time zone, `YYYY-MM`. */
  period: string;
  /** Ids of metered articles read in `period`, in reading order, without repeats. */
  read: readonly number[];
}
