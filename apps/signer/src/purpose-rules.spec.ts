import type { CertificateViewDto } from '@kyso/contracts';
import { initialsOf } from './appearance';
import { certificateKindRefusal, isCompetentTitle, issuedDateText } from './purpose-rules';

describe('who may sign what (R17) and how issuance writes', () => {
  it.each([
    'Chủ tịch',
    'Phó Chủ tịch',
    'Giám đốc',
    'PHÓ GIÁM ĐỐC',
    'Cục trưởng',
    'Trưởng phòng',
    'Chánh Văn phòng',
    'Bộ trưởng',
  ])('takes "%s" as competent to sign for the organisation', (title) => expect(isCompetentTitle(title)).toBe(true));

  it.each(['Văn thư', 'Chuyên viên', 'Chuyên viên công nghệ thông tin', 'Kế toán', 'Thường trực'])(
    'does not take "%s" as competent',
    (title) => expect(isCompetentTitle(title)).toBe(false),
  );

  it('writes the date of issue as Decree 30 does: 0 before days 1-9 and months 1-2 only', () => {
    expect(issuedDateText('2026-02-05')).toBe('ngày 05 tháng 02 năm 2026');
    expect(issuedDateText('2026-12-02')).toBe('ngày 02 tháng 12 năm 2026');
    expect(issuedDateText('2026-03-15')).toBe('ngày 15 tháng 3 năm 2026');
  });

  it("draws an official's initials from their full name", () => {
    expect(initialsOf('Nguyễn Văn A')).toBe('NVA');
    expect(initialsOf(' Đặng  thị   Ánh ')).toBe('ĐTÁ');
  });

  it('asks for the organisation certificate for issued, income, copy and appendix, a person’s for the rest', () => {
    const view = (subjectType: 'person' | 'organization') => ({ subjectType }) as CertificateViewDto;
    for (const p of ['issued', 'income', 'copy', 'appendix']) {
      expect(certificateKindRefusal(p, view('person'))?.code).toBe('ORGANIZATION_CERTIFICATE_REQUIRED');
      expect(certificateKindRefusal(p, view('organization'))).toBeUndefined();
    }
    for (const p of ['approved', 'comment', 'initial']) {
      expect(certificateKindRefusal(p, view('organization'))?.code).toBe('PERSONAL_CERTIFICATE_REQUIRED');
      expect(certificateKindRefusal(p, view('person'))).toBeUndefined();
    }
    expect(certificateKindRefusal(undefined, view('organization'))).toBeUndefined();
  });
});
