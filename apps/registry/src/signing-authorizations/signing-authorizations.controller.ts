import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Caller, CallerParam } from '@kyso/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CERTIFICATE_VIEW_EXAMPLE } from '../certificates/certificates.controller';
import { ApiInternal, ApiProblem } from '../shared/api-problem';
import {
  parseInput,
  PIN_PRECHECKS_PATH,
  PinPrecheckRequestDto,
  SigningAuthorization,
  SigningAuthorizationRequestDto,
  SigningAuthorizationResultDto,
  SIGNING_AUTHORIZATIONS_PATH,
} from '@kyso/contracts';
import { authorizationRequestOf } from './authorization-request';
import { SigningAuthorizationsService } from './signing-authorizations.service';

@ApiTags('registry: signing authorizations')
@ApiInternal()
@Controller(SIGNING_AUTHORIZATIONS_PATH.slice(1))
export class SigningAuthorizationsController {
  constructor(private readonly authorizations: SigningAuthorizationsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'May this official sign with this certificate and PIN now?',
    description:
      'Always 200 with a typed decision; a refusal carries a stable code and English and Vietnamese messages.',
  })
  @ApiBody({ type: SigningAuthorizationRequestDto })
  @ApiResponse({
    status: 200,
    type: SigningAuthorizationResultDto,
    content: {
      'application/json': {
        examples: {
          allowed: { value: { allowed: true, certificate: CERTIFICATE_VIEW_EXAMPLE } },
          wrongPin: {
            value: { allowed: false, code: 'WRONG_PIN', message: 'The PIN is wrong.', messageVi: 'Mã PIN không đúng.' },
          },
          locked: {
            value: {
              allowed: false,
              code: 'CERTIFICATE_LOCKED',
              message: 'Too many wrong PINs: the certificate is locked until a device recovery request is fulfilled.',
              messageVi:
                'Chứng thư số đã bị khóa do nhập sai mã PIN quá số lần cho phép. Đề nghị liên hệ cán bộ công nghệ thông tin để lập yêu cầu khôi phục thiết bị lưu khóa bí mật.',
            },
          },
          clerkOnly: {
            value: {
              allowed: false,
              code: 'NOT_CERTIFICATE_HOLDER',
              message: 'Only a clerk of the organisation may sign with its certificate.',
              messageVi:
                'Chỉ văn thư của cơ quan, tổ chức được giao quản lý mới được ký bằng chứng thư số của cơ quan, tổ chức.',
            },
          },
        },
      },
    },
  })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_ID', 'INVALID_FIELD'])
  authorize(@Body() raw: unknown, @CallerParam() caller: Caller): Promise<SigningAuthorization> {
    // The plain calls are served by lean-authorizations.ts; this is the same translation.
    return this.authorizations.authorize(authorizationRequestOf(raw), caller);
  }

  @Post(PIN_PRECHECKS_PATH.slice(SIGNING_AUTHORIZATIONS_PATH.length + 1))
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start checking a PIN ahead of the authorisation (while a big document still arrives)',
    description:
      'Effect-free: the outcome is held in this registry process for 30 s and used by the next authorisation with ' +
      'the same certificate, stored PIN hash and PIN, which applies every rule and effect as usual (a wrong PIN is ' +
      'counted there, never here). Always 202 without a body, whatever the PIN, certificate or its state.',
  })
  @ApiBody({ type: PinPrecheckRequestDto })
  @ApiResponse({ status: 202, description: 'Accepted (says nothing about the PIN)' })
  @ApiProblem(400, 'Invalid body', ['MISSING_FIELD', 'INVALID_ID', 'INVALID_FIELD'])
  async precheck(@Body() raw: unknown): Promise<void> {
    const body = parseInput(PinPrecheckRequestDto, raw);
    await this.authorizations.precheck(body.certificateId.toLowerCase(), body.pin);
  }
}
