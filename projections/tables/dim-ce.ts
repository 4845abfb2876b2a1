import { memberObject, sourceTimestamp, text, trueFalseFlag } from '../source-values.ts';
import type { EntityTableSpec } from '../table-spec.ts';

export const dimCe: EntityTableSpec = {
  table: 'dim_ce',
  columns: [
    'id340b',
    'ce_id',
    'entity_type',
    'name',
    'subname',
    'medicare_provider_number',
    'participating_flg',
    'participating_start_stp',
    'termination_stp',
    'termination_reason',
    'grant_number',
    'cert_decert_stp',
    'edit_stp',
    'auth_official_name',
    'auth_official_title',
    'auth_official_phone_number',
    'primary_contact_name',
    'primary_contact_title',
    'primary_contact_phone_number',
    'primary_contact_phone_ext',
  ],
  keyLength: 2,
  timestampColumns: new Set(['participating_start_stp', 'termination_stp', 'cert_decert_stp', 'edit_stp']),
  rows(entity, key) {
    const official = memberObject(entity, 'authorizingOfficial', 'authorizingOfficial');
    const contact = memberObject(entity, 'primaryContact', 'primaryContact');
    return [
      [
        key.id340b,
        key.ceId,
        text(entity.entityType, 'entityType'),
        text(entity.name, 'name'),
        text(entity.subName, 'subName'),
        text(entity.medicareProviderNumber, 'medicareProviderNumber'),
        trueFalseFlag(entity.participating, 'participating'),
        sourceTimestamp(entity.participatingStartDate, 'participatingStartDate'),
        sourceTimestamp(entity.terminationDate, 'terminationDate'),
        text(entity.terminationReason, 'terminationReason'),
        text(entity.grantNumber, 'grantNumber'),
        sourceTimestamp(entity.certifiedDecertifiedDate, 'certifiedDecertifiedDate'),
        sourceTimestamp(entity.editDate, 'editDate'),
        text(official.name, 'authorizingOfficial.name'),
        text(official.title, 'authorizingOfficial.title'),
        text(official.phoneNumber, 'authorizingOfficial.phoneNumber'),
        text(contact.name, 'primaryContact.name'),
        text(contact.title, 'primaryContact.title'),
        text(contact.phoneNumber, 'primaryContact.phoneNumber'),
        text(contact.phoneNumberExtension, 'primaryContact.phoneNumberExtension'),
      ],
    ];
  },
};
