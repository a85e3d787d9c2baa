/** The toolbar badge (core/view-models badgeFor), kept in step with unseen risky uploads and policy errors. */
import { browser } from 'wxt/browser';
import { badgeFor, type Badge } from '../core/view-models';
import { readState } from './db';
import { EventStore } from './event-store';
import type { Runtime } from './runtime';

export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export async function applyBadge(api: BadgeApi, badge: Badge): Promise<void> {
  await Promise.all([api.setBadgeText({ text: badge.text }), api.setBadgeBackgroundColor({ color: badge.color }), api.setTitle({ title: badge.title })]);
}

/** Counts the risky uploads since the popup was last opened and shows them (or "!" for policy errors). */
export async function refreshBadge(rt: Runtime, api: BadgeApi = browser.action): Promise<void> {
  const [db, config] = await Promise.all([rt.db(), rt.config()]);
  const lastSeen = await readState(db, 'popupLastSeenAt');
  const unseen = await new EventStore(db).countRiskySince(new Date(lastSeen).toISOString());
  await applyBadge(api, badgeFor(unseen, config.errors));
}
