/** Puts a badge (core/view-models badgeFor) on the toolbar button. */
import type { Badge } from '../core/view-models';

export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export async function applyBadge(api: BadgeApi, badge: Badge): Promise<void> {
  await Promise.all([
    api.setBadgeText({ text: badge.text }),
    api.setBadgeBackgroundColor({ color: badge.color }),
    api.setTitle({ title: badge.title }),
  ]);
}
