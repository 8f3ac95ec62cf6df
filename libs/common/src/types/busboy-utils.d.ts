// busboy's own header-parameter parsing (RFC 7578/5987: quoted and `filename*` values, charsets), which
// the form parser reuses so that names and fields decode exactly as busboy decodes them.
declare module 'busboy/lib/utils' {
  export function parseContentType(
    str: string,
  ): { type: string; subtype: string; params: Record<string, string | undefined> } | undefined;
  export function parseDisposition(
    str: string,
    defDecoder: (value: string, hint: number) => string,
  ): { type: string; params: Record<string, string | undefined> | undefined } | undefined;
  export function basename(path: string): string;
  export function convertToUTF8(data: Buffer, charset: string, hint: number): string | undefined;
}
