import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_CALLBACK_URL_CHARS } from '@kyso/common';

/** `POST /validations/pdf` on the verifier (multipart `file`): called by the gateway, which forwards the query. */
export const VALIDATE_PDF_PATH = '/validations/pdf';

export const DEFAULT_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 60;

/** Whole seconds only: "1.5", "1e1" or "0x10" are not a number of seconds here. */
const wholeSeconds = ({ value }: { value: unknown }) =>
  value === '' ? undefined : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;

export class ValidatePdfQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    default: DEFAULT_WAIT_SECONDS,
    description: 'Seconds to wait for the report',
  })
  @IsOptional()
  @Transform(wholeSeconds)
  @IsInt({ message: `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}` })
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  wait?: number;

  @ApiPropertyOptional({
    maxLength: MAX_CALLBACK_URL_CHARS,
    example: 'https://dms.example.gov.vn/kyso/webhooks',
    description:
      'Where to POST the result, signed (README, "Webhooks"), when the validation ends, whether the answer ' +
      'was 200 or 202; also accepted as a form field. Systems (API keys) only; a URL that cannot be ' +
      'honoured (not http(s), a loopback or private address not allow-listed, no webhook secret) is ' +
      'refused with 422 CALLBACK_URL_REFUSED.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CALLBACK_URL_CHARS)
  callbackUrl?: string;
}
