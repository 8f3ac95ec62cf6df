import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { findRule } from './authz/matrix';
import { CmsSignaturesController } from './cms-signatures.controller';
import { CmsValidationsController } from './cms-validations.controller';
import { PUBLIC_PREFIX } from './proxy';
import { SignaturesController } from './signatures.controller';
import { UPLOAD_ROUTES, uploadRouteAt } from './upload-routes';
import { ValidationsController } from './validations.controller';

/** The POST routes the Nest controllers declare, as public paths. */
function declaredPosts(): string[] {
  const controllers = [ValidationsController, CmsValidationsController, SignaturesController, CmsSignaturesController];
  return controllers.flatMap((c) => {
    const base = Reflect.getMetadata(PATH_METADATA, c) as string;
    return Object.getOwnPropertyNames(c.prototype)
      .map((m) => (c.prototype as unknown as Record<string, unknown>)[m])
      .filter((h) => typeof h === 'function' && Reflect.getMetadata(METHOD_METADATA, h) === RequestMethod.POST)
      .map((h) => `${PUBLIC_PREFIX}/${base}/${Reflect.getMetadata(PATH_METADATA, h as object) as string}`);
  });
}

describe('UPLOAD_ROUTES', () => {
  it('names routes the controllers declare and the access matrix has a rule for at exactly that path', () => {
    const declared = declaredPosts();
    for (const r of Object.values(UPLOAD_ROUTES)) {
      expect(declared).toContain(r.path);
      expect(findRule('POST', r.path)?.rule.path).toBe(r.path);
      expect(uploadRouteAt(r.path)).toBe(r);
    }
    expect(uploadRouteAt(`${PUBLIC_PREFIX}/signatures/hash`)).toBeUndefined();
  });
});
