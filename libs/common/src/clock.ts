/**
 * "Now" as a port (style.md points 2 and 13): domain code asks an injected clock, so that
 * validity, expiry and deadline decisions can be tested at any instant. Nest apps provide
 * `SystemClock` under the `Clock` token; tests provide a `FixedClock`.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that reads a given instant until it is set or advanced (tests, tools). */
export class FixedClock extends Clock {
  private at: number;

  constructor(at: Date | string | number) {
    super();
    this.at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string | number): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
