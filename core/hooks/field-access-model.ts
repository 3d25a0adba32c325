import { CLIENT_FIELDS, FIELD_ACCESS_LEVELS, type ClientFieldAccess } from '../domain/field-access.ts';

/** The selects of the field-access partial, each at its level (none selected: the entry follows the default). */
export function fieldAccessChoices(access: ClientFieldAccess | null): Array<{ field: string; levels: Array<{ level: string; selected: boolean }> }> {
  return CLIENT_FIELDS.map((field) => ({
    field,
    levels: FIELD_ACCESS_LEVELS.map((level) => ({ level, selected: access?.[field] === level })),
  }));
}
