/** The toolbar badge: unseen risky uploads, or "!" when the policy has errors an admin must see. */
import type { EffectiveConfig } from './policy';

export interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setTitle(details: { title: string }): Promise<void>;
}

export function badgeFor(unseenRisky: number, config: Pick<EffectiveConfig, 'errors'>): { text: string; color: string; title: string } {
  if (config.errors.length > 0) {
    return {
      text: '!',
      color: '#b00020',
      title: `Upwatch: policy error in ${config.errors.map((e) => e.key).join(', ')}`,
    };
  }
  const text = unseenRisky === 0 ? '' : unseenRisky > 999 ? '999+' : String(unseenRisky);
  return { text, color: '#c05600', title: unseenRisky ? `Upwatch: ${unseenRisky} new risky upload(s)` : 'Upwatch' };
}

export async function applyBadge(api: BadgeApi, badge: ReturnType<typeof badgeFor>): Promise<void> {
  await Promise.all([
    api.setBadgeText({ text: badge.text }),
    api.setBadgeBackgroundColor({ color: badge.color }),
    api.setTitle({ title: badge.title }),
  ]);
}
