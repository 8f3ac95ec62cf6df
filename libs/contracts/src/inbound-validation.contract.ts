import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidationReportDto } from './validation-result.contract';

/** `POST /validations/inbound` (issue 14): the answer, documented once for the verifier and the gateway. */
export class InboundReasonDto {
  @ApiProperty({ example: 'ORGANISATION_SIGNATURE_MISSING' }) code: string;
  @ApiProperty({ example: 'Văn bản "qd-12.pdf" không có chữ ký số hợp lệ của cơ quan, tổ chức ban hành.' })
  vi: string;
  @ApiProperty({ example: 'The document "qd-12.pdf" has no valid digital signature of the issuing organisation.' })
  en: string;
  @ApiPropertyOptional({ description: 'The attachment it is about' }) attachment?: string;
}

export class InboundHeaderDto {
  @ApiProperty({ nullable: true, example: '000.00.12.H53' }) organId: string | null;
  @ApiProperty({ nullable: true, example: 'Sở Y tế' }) organName: string | null;
  @ApiProperty({ nullable: true, example: '123' }) codeNumber: string | null;
  @ApiProperty({ nullable: true, example: 'SYT-VP' }) codeNotation: string | null;
  @ApiProperty({ nullable: true, example: '2026-11-30', description: 'YYYY-MM-DD' }) promulgationDate: string | null;
  @ApiProperty({ nullable: true }) placeName: string | null;
  @ApiProperty({ nullable: true }) subject: string | null;
  @ApiProperty({ nullable: true }) documentType: string | null;
  @ApiProperty({ nullable: true }) signerFullName: string | null;
  @ApiProperty({ nullable: true }) signerPosition: string | null;
}

export class InboundDocumentDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true }) contentType: string | null;
  @ApiProperty() size: number;
  @ApiProperty({ description: 'SHA-256 of the attachment, hex' }) sha256: string;
  @ApiProperty({ type: ValidationReportDto, nullable: true, description: 'Null for an attachment that is not a PDF' })
  report: ValidationReportDto | null;
  @ApiProperty({ description: 'Valid signatures of persons (officials)' }) personalSignatures: number;
  @ApiProperty({ description: 'Valid signatures of organisations' }) organisationSignatures: number;
}

export class InboundNoticeDto {
  @ApiProperty({ example: { organId: '000.00.12.H53', organName: 'Sở Y tế' } })
  to: { organId: string | null; organName: string | null };
  @ApiProperty({
    example: { vi: 'Trả lại văn bản số 123/SYT-VP ...', en: 'Return of the document No. 123/SYT-VP ...' },
  })
  subject: { vi: string; en: string };
  @ApiProperty({ type: 'object', additionalProperties: true }) document: object;
  @ApiProperty({ type: [InboundReasonDto] }) reasons: InboundReasonDto[];
  @ApiProperty({ format: 'uuid' }) validationId: string;
  @ApiProperty({ format: 'date-time' }) checkedAt: string;
  @ApiProperty({ description: 'The whole notice as plain text, Vietnamese and English' })
  text: { vi: string; en: string };
}

export class InboundResultDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['done'] }) status: 'done';
  @ApiProperty({ enum: ['inbound'] }) kind: 'inbound';
  @ApiProperty({ enum: ['accepted', 'rejected'] }) decision: 'accepted' | 'rejected';
  @ApiProperty({ enum: ['edxml', 'pdf'] }) format: 'edxml' | 'pdf';
  @ApiProperty({ type: InboundHeaderDto, description: 'What the sender claims (never trusted)' })
  header: InboundHeaderDto;
  @ApiProperty({ type: [InboundDocumentDto] }) documents: InboundDocumentDto[];
  @ApiProperty({ type: [InboundReasonDto], description: 'Every reason for the rejection; empty when accepted' })
  reasons: InboundReasonDto[];
  @ApiProperty({ type: InboundNoticeDto, nullable: true, description: 'The notice to the sender, when rejected' })
  notice: InboundNoticeDto | null;
  @ApiPropertyOptional({
    nullable: true,
    example: '/api/v1/validations/0b0f5d0e-3c4b-4a53-9a0e-1d2f3a4b5c6d/notice.pdf',
    description: 'Where the notice is as a PDF (POST answer only)',
  })
  noticePdf?: string | null;
}
