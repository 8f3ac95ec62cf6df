/** Databases and tokens are per test file and cleaned there; nothing global to undo. */
export default async function globalTeardown(): Promise<void> {}
