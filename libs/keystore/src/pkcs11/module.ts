import { Module } from 'graphene-pk11';
// Default import on purpose: a namespace import under ESM leaves the constants undefined, and an
// undefined flag reads as 0, silently dropping OS locking (see docs: pkcs11-notes.md).
import pkcs11js from 'pkcs11js';
import { KeyStoreError } from '../errors';

const CKF_OS_LOCKING_OK = pkcs11js.CKF_OS_LOCKING_OK;

/**
 * Without CKF_OS_LOCKING_OK SoftHSM2 does no locking, and C_Sign running on several libuv threads
 * corrupts its heap (SIGSEGV, no JS error). Refuse to start rather than run that way.
 */
export function assertOsLockingFlag(value: unknown = CKF_OS_LOCKING_OK): asserts value is 2 {
  if (value !== 2)
    throw new Error(`pkcs11js.CKF_OS_LOCKING_OK is ${String(value)}, expected 2: check how pkcs11js is imported`);
}

/** C_Initialize and C_Finalize are per process: one open store per library path at a time. */
const inUse = new Set<string>();

export interface LoadedModule {
  module: Module;
  /** Finalises and unloads the library, and frees the path for another store. */
  release(): void;
}

export function loadModule(modulePath: string): LoadedModule {
  assertOsLockingFlag();
  if (inUse.has(modulePath)) {
    throw new KeyStoreError(
      'MODULE_IN_USE',
      `${modulePath} is already initialised by another key store in this process`,
    );
  }
  let module: Module;
  try {
    module = Module.load(modulePath);
  } catch (e) {
    throw new KeyStoreError(
      'MODULE_LOAD_FAILED',
      `Cannot load PKCS#11 library ${modulePath}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    module.initialize({ flags: CKF_OS_LOCKING_OK });
  } catch (e) {
    safely(() => module.close());
    throw new KeyStoreError('TOKEN_UNAVAILABLE', `C_Initialize failed for ${modulePath}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  inUse.add(modulePath);
  let released = false;
  return {
    module,
    release: () => {
      if (released) return;
      released = true;
      safely(() => module.finalize());
      safely(() => module.close());
      inUse.delete(modulePath);
    },
  };
}

export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* best effort while tearing down a connection that may already be gone */
  }
}
