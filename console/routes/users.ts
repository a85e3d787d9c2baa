/** A person's risk profile. Who may call each route: ../http/access.ts. */
import { z } from 'zod';
import { BrowserStatus, browsersOf } from '../events/browser-health';
import { defineRoute } from '../http/route';
import { getProfile, patchProfile, ProfilePatch, UserProfile } from '../watchlists/profiles';
import { PersonEmail } from '../watchlists/store';

const Params = z.object({ email: PersonEmail });

const get = defineRoute({
  method: 'GET',
  path: '/api/v1/users/:email',
  tag: 'users',
  summary:
    "A person's risk profile: start and departure dates, manager, notes, the watchlists they are on, their legal holds and their stored events by severity. Anyone never recorded answers with empty fields.",
  params: Params,
  response: UserProfile,
  async handler({ params, services }) {
    return getProfile(services.db, params.email);
  },
});

const patch = defineRoute({
  method: 'PATCH',
  path: '/api/v1/users/:email',
  tag: 'users',
  summary: 'Change profile fields: an absent field stays, null clears it. Dates are YYYY-MM-DD. Audited when something changed.',
  params: Params,
  body: ProfilePatch,
  response: UserProfile,
  async handler({ params, body, principal, services }) {
    return patchProfile(services.db, params.email, body, principal, services.now());
  },
});

const browsers = defineRoute({
  method: 'GET',
  path: '/api/v1/users/:email/browsers',
  tag: 'users',
  summary:
    "The browsers a person used, last heard from first: each one's latest health (storage trouble on the device, events the backend refused and the browser keeps aside, its queue) and the events it dropped.",
  params: Params,
  response: z.object({ browsers: z.array(BrowserStatus) }),
  async handler({ params, services }) {
    return { browsers: await browsersOf(services.db, params.email) };
  },
});

export const USER_ROUTES = [get, patch, browsers];
