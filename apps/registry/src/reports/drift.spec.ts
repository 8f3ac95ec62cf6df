import { subjectDrift } from './drift';

const registry = {
  subjectType: 'person' as const,
  fullName: 'Nguyễn Văn An',
  email: 'an.nv@hue.gov.vn',
  organizationNames: ['Sở Nội vụ thành phố Huế', 'UBND thành phố Huế'],
};

describe('subjectDrift', () => {
  it('finds nothing when the subject matches, ignoring case, spacing and Unicode form', () => {
    const subject = {
      cn: 'NGUYỄN  VĂN AN'.normalize('NFD'),
      email: 'AN.NV@hue.gov.vn',
      organizationNames: ['UBND thành phố Huế', 'Sở Nội vụ'],
    };
    expect(subjectDrift(subject, registry)).toEqual([]);
  });

  it('reports a renamed official, a changed e-mail and a renamed organisation', () => {
    const subject = { cn: 'Nguyễn Văn Anh', email: 'an@hanam.gov.vn', organizationNames: ['UBND tỉnh Thừa Thiên Huế'] };
    expect(subjectDrift(subject, registry).map((d) => d.field)).toEqual(['CN', 'E', 'O/OU']);
  });

  it('compares only the organisation for an organisation certificate', () => {
    expect(
      subjectDrift(
        { cn: 'SỞ NỘI VỤ', email: undefined, organizationNames: ['UBND thành phố Huế'] },
        { ...registry, subjectType: 'organization', fullName: null, email: null },
      ),
    ).toEqual([]);
  });
});
