// The user's Futu watchlist groups (/api/user-security-group, /api/user-security) and
// their changes (/api/modify-user-security, scope qot:write).
import { enT, type T } from './i18n';
import { ApiError, userMessage } from '../api/client';
import type { Security } from '../api/types';

export const SCOPE_QOT_WRITE = 'qot:write';
/** The chosen group's name (only the name) is remembered across reloads. */
export const GROUP_KEY = 'futugw.futuGroup';

export type FutuGroup = { name: string; custom: boolean };
export type FutuSecurity = { key: string; name: string; security: Security };

const PREFIX: Record<number, string> = { 1: 'HK', 11: 'US', 21: 'SH', 22: 'SZ' };

/** groupsFromJSON reads group_list (custom groups first: only those can be changed). */
export function groupsFromJSON(r: { group_list?: { group_name?: string; group_type?: string | number }[] }): FutuGroup[] {
  const list = (r.group_list ?? [])
    .filter((g) => g.group_name)
    .map((g) => ({ name: g.group_name!, custom: g.group_type === 'GROUP_TYPE_CUSTOM' || g.group_type === 1 }));
  return [...list.filter((g) => g.custom), ...list.filter((g) => !g.custom)];
}

/** securitiesFromJSON reads static_info_list. */
export function securitiesFromJSON(r: { static_info_list?: { basic?: { security?: Security; name?: string } }[] }): FutuSecurity[] {
  return (r.static_info_list ?? [])
    .map((s) => s.basic)
    .filter((b): b is { security: Security; name?: string } => !!b?.security)
    .map((b) => ({ key: `${PREFIX[b.security.market] ?? b.security.market}.${b.security.code}`, name: b.name ?? '', security: b.security }));
}

/** pickGroup: the remembered group when it still exists, else the first. */
export function pickGroup(groups: FutuGroup[], remembered: string | null): string {
  if (remembered && groups.some((g) => g.name === remembered)) return remembered;
  return groups[0]?.name ?? '';
}

/** isScopeRefusal: a 403 because the key lacks a scope. */
export function isScopeRefusal(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403;
}

/** refusalText is the reason of a refused change, without the generic prefix. */
export function refusalText(e: unknown, t: T = enT): string {
  if (e instanceof ApiError && e.body.error) return e.body.error;
  return userMessage(e, t('act.changeFutu'), t);
}
