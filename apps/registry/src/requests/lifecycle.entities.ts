import { ChangeEventEntity, NotificationEntity } from '../personnel/change-event.entity';
import { RequestLetterEntity } from '../letters/letter.entity';
import { CertificatePinLockEntity } from '../signing-authorizations/pin-lock.entity';
import { LifecycleRequestEntity, LifecycleRequestStepEntity } from './request.entity';

/** The lifecycle half's tables, for REGISTRY_ENTITIES. */
export const LIFECYCLE_ENTITIES = [
  LifecycleRequestEntity,
  LifecycleRequestStepEntity,
  RequestLetterEntity,
  ChangeEventEntity,
  NotificationEntity,
  CertificatePinLockEntity,
];
