/** The clock every rule and use case reads: the current time. Production passes `() => new Date()`; tests move it. */
export type Clock = () => Date;
