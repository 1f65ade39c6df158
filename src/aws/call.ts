import { fromAwsError } from '../errors.js';
import type { ClientSettings } from './clients.js';

/** Sends one AWS call and turns a failure into an error a person can act on. */
export async function callAws<T>(settings: ClientSettings, doing: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    throw fromAwsError(e, { doing, profile: settings.target.profile, region: settings.target.region });
  }
}
