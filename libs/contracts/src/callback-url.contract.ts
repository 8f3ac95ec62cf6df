import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_CALLBACK_URL_CHARS } from '@kyso/common';

/**
 * The query of a route whose result may also be POSTed to the caller (README, "Webhooks"):
 * `POST /validations/pdf`, `/validations/cms`, `/validations/inbound`.
 */
export class CallbackUrlQueryDto {
  @ApiPropertyOptional({
    maxLength: MAX_CALLBACK_URL_CHARS,
    example: 'https://dms.example.gov.vn/kyso/webhooks',
    description:
      'Where to POST the result, signed (README, "Webhooks"), when it is done, whatever the answer was; also ' +
      'accepted as a form field. Systems (API keys) only; a URL that cannot be honoured (not http(s), a ' +
      'loopback or private address not allow-listed, no webhook secret) is refused with 422 CALLBACK_URL_REFUSED ' +
      'before any work is done.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CALLBACK_URL_CHARS)
  callbackUrl?: string;
}
