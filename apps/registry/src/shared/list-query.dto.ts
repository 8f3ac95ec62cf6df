import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 500;
/** PostgreSQL's OFFSET is a bigint, but no list here comes near this: larger is bad input, not a 500. */
export const MAX_OFFSET = 2 ** 31 - 1;

/** Paging for list endpoints; lists are ordered by creation time. */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}

export interface Page {
  limit: number;
  offset: number;
}

export const pageOf = (q: ListQueryDto): Page => ({ limit: q.limit ?? 100, offset: q.offset ?? 0 });
