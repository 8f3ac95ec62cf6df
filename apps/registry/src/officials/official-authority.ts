import { HttpStatus } from '@nestjs/common';
import { Caller, ProblemError } from '@kyso/common';
import type { OfficialRole } from './official';

/**
 * Who may grant or withdraw the clerk (văn thư) role of an organisation: it puts the organisation's
 * seal certificate in that official's hands, so only an operator competent for the organisation —
 * a province admin, or an IT officer of the organisation or of its managing agency. An API key never
 * does (an HR system records people, not who keeps the seal); a Kyso service acts for the workflow.
 */
export function mayGrantClerk(caller: Caller, organizationId: string, managingOrganizationId: string): boolean {
  if (caller.kind === 'service') return true;
  if (caller.kind !== 'operator') return false;
  return caller.roles.some(
    (g) =>
      (g.role === 'admin' && g.organizationId === null) ||
      (g.role === 'it-officer' && (g.organizationId === organizationId || g.organizationId === managingOrganizationId)),
  );
}

/** Whether going from `before` to `after` grants or withdraws the clerk role. */
export const changesClerk = (before: readonly OfficialRole[], after: readonly OfficialRole[]): boolean =>
  before.includes('clerk') !== after.includes('clerk');

export const clerkGrantRefused = () =>
  new ProblemError(
    HttpStatus.FORBIDDEN,
    'ROLE_GRANT_NOT_ALLOWED',
    'Forbidden',
    'Only an admin or an IT officer of this organisation (or of its managing agency) grants or withdraws the clerk role; an API key never does.',
    {
      messageVi:
        'Chỉ quản trị viên hoặc cán bộ công nghệ thông tin của cơ quan, tổ chức (hoặc cơ quan quản lý trực tiếp) được giao hoặc thu hồi vai trò văn thư.',
    },
  );

export const organizationChangeRefused = () =>
  new ProblemError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'ORGANIZATION_CHANGE_IS_TRANSFER',
    'Unprocessable content',
    'An official moves to another organisation only by a transfer: record it with POST /personnel-changes (kind "transfer"), which needs authority over both organisations and raises the change-of-information drafts.',
    {
      messageVi:
        'Việc chuyển cán bộ sang cơ quan, tổ chức khác phải được ghi nhận là chuyển công tác (biến động nhân sự), do người có thẩm quyền với cả hai cơ quan, tổ chức thực hiện.',
    },
  );

/**
 * Retirement, resignation and death are personnel changes (R9): they take effect on their date,
 * revoke or hand back what the official holds and raise the CA paperwork. Setting the status by
 * PATCH would skip all of that, so only the value the record already has is accepted there.
 */
export const employmentChangeRefused = () =>
  new ProblemError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'EMPLOYMENT_STATUS_IS_PERSONNEL_CHANGE',
    'Unprocessable content',
    'An official\'s employment status changes only by a personnel change: record it with POST /personnel-changes (kind "retirement", "resignation" or "death").',
    {
      messageVi:
        'Tình trạng công tác của cán bộ (nghỉ hưu, thôi việc, từ trần) chỉ được thay đổi bằng việc ghi nhận biến động nhân sự.',
    },
  );
