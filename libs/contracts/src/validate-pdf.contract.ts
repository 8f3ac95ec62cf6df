import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CallbackUrlQueryDto } from './callback-url.contract';

/** `POST /validations/pdf` on the verifier (multipart `file`): called by the gateway, which forwards the query. */
export const VALIDATE_PDF_PATH = '/validations/pdf';

export const DEFAULT_WAIT_SECONDS = 10;
export const MAX_WAIT_SECONDS = 60;

/** One message whatever the wait got wrong ("soon", -1, 1.5, 61): the rule, not the last check tried. */
const WAIT_MESSAGE = `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`;

/** Whole seconds only: "1.5", "1e1" or "0x10" are not a number of seconds here. */
const wholeSeconds = ({ value }: { value: unknown }) =>
  value === '' ? undefined : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;

export class ValidatePdfQueryDto extends CallbackUrlQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    default: DEFAULT_WAIT_SECONDS,
    description: 'Seconds to wait for the report',
  })
  @IsOptional()
  @Transform(wholeSeconds)
  @IsInt({ message: WAIT_MESSAGE })
  @Min(0, { message: WAIT_MESSAGE })
  @Max(MAX_WAIT_SECONDS, { message: WAIT_MESSAGE })
  wait?: number;
}
