import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Batch, BatchItem, BatchStatus, ItemStatus } from './batch-store';

export class BatchItemViewDto {
  @ApiProperty({ description: 'Position of the document in the form (0-based)' }) index: number;
  @ApiProperty({ enum: ['pending', 'signing', 'done', 'failed'] }) status: ItemStatus;
  @ApiProperty({ description: 'The uploaded file name' }) fileName: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'When done: the signature record' }) signatureId?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'When failed: the problem a single signature would have answered (status, code, detail, messageVi...)',
  })
  error?: Record<string, unknown>;
}

export class BatchProgressDto {
  @ApiProperty({ description: 'Documents finished (signed or failed)' }) done: number;
  @ApiProperty() total: number;
}

export class BatchViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['pending', 'running', 'done'] }) status: BatchStatus;
  @ApiProperty({ type: BatchProgressDto }) progress: BatchProgressDto;
  @ApiProperty({ type: [BatchItemViewDto] }) items: BatchItemViewDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When done: results can be fetched until then' })
  expiresAt?: string;
}

export class BatchAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}

/** What GET /signatures/batches/{id} answers, and the data of the `signature-batch.completed` event. */
export function batchView(batch: Batch, items: BatchItem[]): BatchViewDto {
  return {
    id: batch.id,
    status: batch.status,
    progress: { done: items.filter((i) => i.status === 'done' || i.status === 'failed').length, total: batch.total },
    items: items.map((i) => ({
      index: i.index,
      status: i.status,
      fileName: i.fileName,
      ...(i.signatureId && { signatureId: i.signatureId }),
      ...(i.error && { error: i.error }),
    })),
    createdAt: batch.createdAt.toISOString(),
    ...(batch.finishedAt && { finishedAt: batch.finishedAt.toISOString() }),
    ...(batch.expiresAt && { expiresAt: batch.expiresAt.toISOString() }),
  };
}
