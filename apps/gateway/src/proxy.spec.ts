import { publicLocation } from './proxy';

describe('publicLocation', () => {
  it.each([
    ['/validations/abc', '/api/v1/validations/abc'],
    ['validations/abc', '/api/v1/validations/abc'],
    ['/api/v1/validations/abc', '/api/v1/validations/abc'],
    ['http://127.0.0.1:3002/validations/abc?x=1', '/api/v1/validations/abc?x=1'],
    ['http://127.0.0.1:3002/api/v1/validations/abc', '/api/v1/validations/abc'],
    ['/api/v10/x', '/api/v1/api/v10/x'],
  ])('maps %s to %s', (given, expected) => {
    expect(publicLocation(given)).toBe(expected);
  });
});
