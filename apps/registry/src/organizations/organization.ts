/** An agency or unit (cơ quan, tổ chức); `parentId` builds the administrative tree. */
export interface Organization {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  address: string | null;
  /** Has legal personality (tư cách pháp nhân): may hold an organisation certificate in its own name. */
  legalEntity: boolean;
  createdAt: Date;
}

export type NewOrganization = Omit<Organization, 'id' | 'createdAt'>;
