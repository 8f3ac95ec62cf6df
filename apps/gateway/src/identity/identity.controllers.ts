import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { badRequest, ProblemError, unauthorized } from '@kyso/common';
import { AuditSink } from '../audit-sink';
import { authOf, callerOf } from '../authz/access.guard';
import { ApiProblems } from '../openapi';
import { usernameDigest } from '../limits/login-throttle';
import { ApiKeyAdmin } from './api-key-admin';
import {
  CreateApiKeyDto,
  CreateOperatorDto,
  LoginDto,
  LogoutDto,
  RefreshDto,
  RoleGrantDto,
  RotateApiKeyDto,
} from './identity.dto';
import { Operators } from './operators';
import { Sessions } from './sessions';

const TOKENS_EXAMPLE = {
  accessToken: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjIwMjYtMTEtMjUtYWJjIn0.eyJzdWIiOiIuLi4ifQ.c2ln',
  refreshToken: 'kyso_rt_3q2-7w...',
  tokenType: 'Bearer',
  expiresIn: 900,
};
const UUID_EX = '6f1c2b9e-8d4a-4f3b-9c2e-1a2b3c4d5e6f';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: Sessions,
    private readonly audit: AuditSink,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Operator sign-in',
    description:
      'Wrong passwords for one username from one client address are slowed down with doubling delays ' +
      '(429 LOGIN_THROTTLED with Retry-After, alike for known and unknown usernames); the account itself ' +
      'is never locked. Rate-limited per client address.',
  })
  @ApiBody({ type: LoginDto })
  @ApiResponse({ status: 200, description: 'Tokens', content: { 'application/json': { example: TOKENS_EXAMPLE } } })
  @ApiProblems(400, 401, 429)
  async login(@Req() req: Request, @Body() body: LoginDto, @Res({ passthrough: true }) res: Response) {
    const r = await this.sessions.login(body.username, body.password, req.ip ?? '');
    // What was typed as a username is never kept: a digest tells repeated guesses of one name apart.
    const typed = `sha256:${usernameDigest(String(body.username ?? ''))}`;
    const subject = {
      kind: 'operator' as const,
      id: r.ok || r.reason !== 'THROTTLED' ? (r.operatorId ?? typed) : typed,
      name: typed,
      scopes: [],
      organizationIds: [],
      roles: [],
      officialId: null,
    };
    if (r.ok) {
      void this.audit.record({ action: 'auth.login', entityType: 'operator', entityId: r.operatorId }, subject);
      return r.tokens;
    }
    const operatorId = r.reason === 'THROTTLED' ? null : (r.operatorId ?? null);
    void this.audit.record(
      {
        action: 'auth.login_failed',
        entityType: 'operator',
        entityId: operatorId,
        after: { username: typed, reason: r.reason, address: req.ip },
      },
      subject,
    );
    if (r.reason === 'THROTTLED') {
      res.setHeader('retry-after', String(r.retryAfterSec));
      throw new ProblemError(
        429,
        'LOGIN_THROTTLED',
        'Too many attempts',
        `Too many wrong passwords for this username from this address; retry after ${r.retryAfterSec} s.`,
        { retryAfter: r.retryAfterSec },
      );
    }
    throw unauthorized(
      r.reason === 'ACCOUNT_DISABLED' ? 'ACCOUNT_DISABLED' : 'INVALID_CREDENTIALS',
      r.reason === 'ACCOUNT_DISABLED' ? 'The account is disabled.' : 'Wrong username or password.',
    );
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description: 'Each refresh token works once; reusing one revokes the whole sign-in.',
  })
  @ApiBody({ type: RefreshDto })
  @ApiResponse({ status: 200, description: 'New tokens', content: { 'application/json': { example: TOKENS_EXAMPLE } } })
  @ApiProblems(400, 401)
  async refresh(@Body() body: RefreshDto) {
    return (await this.sessions.refresh(body.refreshToken)).tokens;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('accessToken')
  @ApiOperation({ summary: 'Sign out: revokes the refresh token and this access token' })
  @ApiBody({ required: false, type: LogoutDto })
  @ApiResponse({ status: 204, description: 'Signed out' })
  @ApiProblems(401, 403)
  async logout(@Req() req: Request, @Body() body: LogoutDto): Promise<void> {
    const { accessClaims, caller } = authOf(req);
    if (!accessClaims) throw badRequest('NOT_A_SESSION', 'Only an operator access token can sign out.');
    await this.sessions.logout(accessClaims, body?.refreshToken);
    void this.audit.record({ action: 'auth.logout', entityType: 'operator', entityId: caller.id }, caller);
  }

  @Get('me')
  @ApiBearerAuth('accessToken')
  @ApiBearerAuth('apiKey')
  @ApiOperation({ summary: 'The authenticated operator, with roles' })
  @ApiResponse({
    status: 200,
    content: {
      'application/json': {
        example: {
          kind: 'operator',
          id: UUID_EX,
          name: 'it.nguyen',
          roles: [{ role: 'it-officer', organizationId: UUID_EX }],
          officialId: null,
        },
      },
    },
  })
  @ApiProblems(401, 403)
  me(@Req() req: Request) {
    return callerOf(req);
  }
}

const KEY_EXAMPLE = {
  id: UUID_EX,
  name: 'Hệ thống QLVB Sở TT&TT',
  prefix: '3f9a1c2b',
  scopes: ['sign', 'validate'],
  organizationIds: [UUID_EX],
  expiresAt: null,
  key: 'kyso_3f9a1c2b_...',
  webhookSecret: 'whsec_...',
};

@ApiTags('api-keys')
@ApiBearerAuth('accessToken')
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyAdmin,
    private readonly audit: AuditSink,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a system API key (admin). The key and its webhook secret are in this answer only.',
    description:
      '`webhookSecret` signs the webhooks sent to this system (README, "Webhooks"); absent when the ' +
      'gateway has no KYSO_WEBHOOK_SECRET_KEY.',
  })
  @ApiBody({ type: CreateApiKeyDto })
  @ApiResponse({ status: 201, content: { 'application/json': { example: KEY_EXAMPLE } } })
  @ApiProblems(400, 401, 403, 409, 422)
  async create(@Req() req: Request, @Body() body: CreateApiKeyDto) {
    const caller = callerOf(req);
    const created = await this.keys.create({ ...body }, caller.id);
    void this.audit.record(
      {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: created.id,
        after: { name: created.name, scopes: created.scopes, organizationIds: created.organizationIds },
      },
      caller,
    );
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (admin); never the keys themselves' })
  @ApiResponse({
    status: 200,
    content: { 'application/json': { example: [{ ...KEY_EXAMPLE, key: undefined, status: 'active' }] } },
  })
  @ApiProblems(401, 403)
  list() {
    return this.keys.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'An API key (admin)' })
  @ApiResponse({
    status: 200,
    content: { 'application/json': { example: { ...KEY_EXAMPLE, key: undefined, status: 'active' } } },
  })
  @ApiProblems(401, 403, 404)
  get(@Param('id') id: string) {
    return this.keys.get(id);
  }

  @Post(':id/rotate')
  @ApiOperation({ summary: 'Rotate a key: a new key now, the old one valid until overlapUntil (admin)' })
  @ApiBody({ required: false, type: RotateApiKeyDto })
  @ApiResponse({
    status: 201,
    content: {
      'application/json': {
        example: { ...KEY_EXAMPLE, replaces: UUID_EX, oldKeyValidUntil: '2026-12-01T00:00:00.000Z' },
      },
    },
  })
  @ApiProblems(400, 401, 403, 404, 409)
  async rotate(@Req() req: Request, @Param('id') id: string, @Body() body: RotateApiKeyDto) {
    const caller = callerOf(req);
    const r = await this.keys.rotate(id, { ...body }, caller.id);
    void this.audit.record(
      {
        action: 'api_key.rotated',
        entityType: 'api_key',
        entityId: id,
        after: { replacedBy: r.id, oldKeyValidUntil: r.oldKeyValidUntil },
      },
      caller,
    );
    return r;
  }

  @Post(':id/webhook-secret')
  @ApiOperation({
    summary: 'A new webhook secret for a key (admin); shown in this answer only',
    description:
      'From now on deliveries to this system are signed with the new secret only (also those already ' +
      'queued); a key made before webhooks gets its first secret this way. 409 API_KEY_NOT_ACTIVE for a ' +
      'revoked or expired key, 409 WEBHOOKS_NOT_CONFIGURED where KYSO_WEBHOOK_SECRET_KEY is not set.',
  })
  @ApiResponse({
    status: 201,
    content: { 'application/json': { example: { id: UUID_EX, webhookSecret: 'whsec_...' } } },
  })
  @ApiProblems(401, 403, 404, 409)
  async rotateWebhookSecret(@Req() req: Request, @Param('id') id: string) {
    const caller = callerOf(req);
    const r = await this.keys.rotateWebhookSecret(id);
    void this.audit.record({ action: 'api_key.webhook_secret_rotated', entityType: 'api_key', entityId: id }, caller);
    return r;
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key at once (admin)' })
  @ApiResponse({
    status: 200,
    content: { 'application/json': { example: { ...KEY_EXAMPLE, key: undefined, status: 'revoked' } } },
  })
  @ApiProblems(401, 403, 404)
  async revoke(@Req() req: Request, @Param('id') id: string) {
    const caller = callerOf(req);
    const v = await this.keys.revoke(id);
    void this.audit.record({ action: 'api_key.revoked', entityType: 'api_key', entityId: id }, caller);
    return v;
  }
}

const OPERATOR_EXAMPLE = {
  id: UUID_EX,
  username: 'it.nguyen',
  displayName: 'Nguyễn Văn Bình',
  officialId: null,
  roles: [{ role: 'it-officer', organizationId: UUID_EX }],
  disabled: false,
};
const GRANT_BODY = { type: RoleGrantDto };

@ApiTags('operators')
@ApiBearerAuth('accessToken')
@Controller('operators')
export class OperatorsController {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: Sessions,
    private readonly audit: AuditSink,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an operator account (admin)' })
  @ApiBody({ type: CreateOperatorDto })
  @ApiResponse({ status: 201, content: { 'application/json': { example: OPERATOR_EXAMPLE } } })
  @ApiProblems(400, 401, 403, 409)
  async create(@Req() req: Request, @Body() body: CreateOperatorDto) {
    const caller = callerOf(req);
    const roles = body.roles?.map((g) => ({ role: g.role, organizationId: g.organizationId ?? null }));
    const op = await this.operators.create({ ...body, roles }, caller.id);
    void this.audit.record(
      {
        action: 'operator.created',
        entityType: 'operator',
        entityId: op.id,
        after: { username: op.username, roles: op.roles, officialId: op.officialId },
      },
      caller,
    );
    return op;
  }

  @Get()
  @ApiOperation({ summary: 'List operator accounts (admin)' })
  @ApiResponse({ status: 200, content: { 'application/json': { example: [OPERATOR_EXAMPLE] } } })
  @ApiProblems(401, 403)
  list() {
    return this.operators.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'An operator account (admin)' })
  @ApiResponse({ status: 200, content: { 'application/json': { example: OPERATOR_EXAMPLE } } })
  @ApiProblems(401, 403, 404)
  get(@Param('id') id: string) {
    return this.operators.get(id);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Clear the sign-in delays of an operator, from every address (admin)',
    description: "After wrong passwords (perhaps someone else's), the operator can sign in again at once.",
  })
  @ApiResponse({ status: 200, content: { 'application/json': { example: OPERATOR_EXAMPLE } } })
  @ApiProblems(401, 403, 404)
  async unlock(@Req() req: Request, @Param('id') id: string) {
    const caller = callerOf(req);
    await this.sessions.unlock(id);
    void this.audit.record({ action: 'operator.unlocked', entityType: 'operator', entityId: id }, caller);
    return this.operators.get(id);
  }

  @Post(':id/roles')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant a role (admin)' })
  @ApiBody(GRANT_BODY)
  @ApiResponse({ status: 200, content: { 'application/json': { example: OPERATOR_EXAMPLE } } })
  @ApiProblems(400, 401, 403, 404)
  async grant(@Req() req: Request, @Param('id') id: string, @Body() body: RoleGrantDto) {
    const caller = callerOf(req);
    const op = await this.operators.grant(id, body, caller.id);
    void this.audit.record(
      { action: 'operator.role_granted', entityType: 'operator', entityId: id, after: body },
      caller,
    );
    return op;
  }

  @Post(':id/roles/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a role (admin)' })
  @ApiBody(GRANT_BODY)
  @ApiResponse({ status: 200, content: { 'application/json': { example: OPERATOR_EXAMPLE } } })
  @ApiProblems(400, 401, 403, 404)
  async revokeGrant(@Req() req: Request, @Param('id') id: string, @Body() body: RoleGrantDto) {
    const caller = callerOf(req);
    const op = await this.operators.revokeGrant(id, body);
    void this.audit.record(
      { action: 'operator.role_revoked', entityType: 'operator', entityId: id, before: body },
      caller,
    );
    return op;
  }
}
