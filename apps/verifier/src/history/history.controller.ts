import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Caller, CallerParam, PROBLEM_CONTENT } from '@kyso/common';
import {
  DEFAULT_HISTORY_LIMIT,
  ValidationHistoryPageDto,
  ValidationHistoryQueryDto,
  ValidationHistoryItemDto,
} from '@kyso/contracts';
import { isUuid } from '../http-input';
import { historyScope } from './history-scope';
import { HistoryRepository } from './history.repository';

@ApiTags('validations')
@Controller('validations')
export class HistoryController {
  constructor(private readonly history: HistoryRepository) {}

  @Get()
  @ApiOperation({
    summary: 'The validation history: who checked what, when, with what result (newest first)',
    description:
      'A province admin sees every check; an admin, IT officer or agency head of an organisation those made for it; ' +
      'every other caller (a system, a clerk) its own. Page with `limit` and the answer’s `nextCursor`.',
  })
  @ApiResponse({ status: 200, type: ValidationHistoryPageDto })
  @ApiResponse({
    status: 400,
    description: 'A bad filter or cursor (INVALID_QUERY, INVALID_CURSOR)',
    ...PROBLEM_CONTENT,
  })
  async list(
    @Query() query: ValidationHistoryQueryDto,
    @CallerParam() caller: Caller,
  ): Promise<ValidationHistoryPageDto> {
    const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
    const afterId = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (afterId !== undefined && !isUuid(afterId)) throw invalidCursor();
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from >= to) throw badRequest('INVALID_QUERY', '`from` must be before `to`.');
    // One more row than asked tells whether there is a next page.
    const rows = await this.history.list(historyScope(caller), { ...query, from, to, afterId, limit: limit + 1 });
    if (!rows) throw invalidCursor();
    const page = rows.slice(0, limit);
    const items: ValidationHistoryItemDto[] = page.map((r) => ({
      ...r,
      checkedAt: r.checkedAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
    }));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? Buffer.from(last.id).toString('base64url') : null };
  }
}

const invalidCursor = () => badRequest('INVALID_CURSOR', 'The cursor does not name a page of this history.');
